"""A small HTML reader for tests: every element with its attributes and text, no dependencies."""

from html.parser import HTMLParser

VOID = {"input", "br", "img", "meta", "link", "hr", "area", "base", "col", "embed", "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = {name: value or "" for name, value in attrs}
        self.parent = parent
        self.children = []
        self.contents = []  # text and child elements, in document order

    @property
    def classes(self):
        return set(self.attrs.get("class", "").split())

    @property
    def text(self):
        parts = [node if isinstance(node, str) else node.text for node in self.contents]
        return " ".join(" ".join(parts).split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class Document(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", [], None)
        self.elements = []
        self._current = self.root
        self.feed(str(html))
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self._current)
        self._current.children.append(element)
        self._current.contents.append(element)
        self.elements.append(element)
        if tag not in VOID:
            self._current = element

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, attrs, self._current)
        self._current.children.append(element)
        self._current.contents.append(element)
        self.elements.append(element)

    def handle_endtag(self, tag):
        node = self._current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self._current = node.parent

    def handle_data(self, data):
        self._current.contents.append(data)

    def find_all(self, tag=None, cls=None, **attrs):
        found = []
        for element in self.elements:
            if tag and element.tag != tag:
                continue
            if cls and cls not in element.classes:
                continue
            if any(element.attrs.get(name.rstrip("_").replace("_", "-")) != value for name, value in attrs.items()):
                continue
            found.append(element)
        return found

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}> with class={cls} {attrs}"
        return found[0]

    def by_id(self, element_id):
        return self.find(id=element_id)

    @property
    def ids(self):
        return [element.attrs["id"] for element in self.elements if "id" in element.attrs]
