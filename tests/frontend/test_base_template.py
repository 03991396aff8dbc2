"""base.html: the GOV.UK page template without the crown, and the vendored govuk-frontend assets."""

import re
from pathlib import Path

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.staticfiles import finders
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.test import RequestFactory

from tests.frontend.html import Document

STATIC = Path(__file__).resolve().parents[2] / "casereview" / "frontend" / "static"

PAGE = (
    '{% extends "base.html" %}{% block title %}Reviews{% endblock %}'
    '{% block beforeContent %}<a href="/" class="govuk-back-link">Back</a>{% endblock %}'
    '{% block content %}<h1 class="govuk-heading-l">Reviews</h1>{% endblock %}'
)


class SignedInUser:
    is_authenticated = True
    is_anonymous = False


class AnonymousUser:
    is_authenticated = False
    is_anonymous = True


def render_page(user=None, **context):
    """Render without context processors, so the page is tested apart from what they look up."""
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    context = {"request": request, "user": request.user, "csrf_token": get_token(request), **context}
    return Document(Template(PAGE).render(Context(context)))


pytestmark = pytest.mark.urls("tests.frontend.urls")


def test_page_is_the_govuk_template():
    doc = render_page()
    html = doc.find("html")
    assert html.attrs["lang"] == "en-GB" and "govuk-template" in html.classes
    assert "govuk-template__body" in doc.find("body").classes
    assert doc.find("title").text == "Reviews – Casereview"
    first_script = (STATIC / doc.find("script").attrs["src"].removeprefix("/static/")).read_text()
    assert "js-enabled" in first_script and "govuk-frontend-supported" in first_script
    assert doc.find("a", cls="govuk-skip-link").attrs["href"] == "#main-content"
    main = doc.by_id("main-content")
    assert main.tag == "main" and "govuk-main-wrapper" in main.classes
    assert "govuk-width-container" in main.parent.classes
    assert doc.find("a", cls="govuk-back-link").parent is main.parent
    assert doc.find("h1").text == "Reviews"


def test_header_names_the_board_without_the_crown():
    doc = render_page(header_board_name="Northshire Safeguarding Children Partnership")
    header = doc.find("header")
    link = doc.find("a", cls="govuk-header__homepage-link")
    assert link.attrs["href"] == "/"
    assert link.text == "Northshire Safeguarding Children Partnership"
    assert not [element for element in doc.elements if element.tag == "svg"]
    assert "GOV.UK" not in header.text
    footer = doc.find("footer")
    assert "Crown copyright" not in footer.text and "Open Government Licence" not in footer.text
    assert doc.find("a", cls="govuk-service-navigation__link").text == "Casereview"


def test_header_says_casereview_when_no_board_is_known():
    assert render_page().find("a", cls="govuk-header__homepage-link").text == "Casereview"


def test_service_navigation_marks_the_current_page():
    doc = render_page(
        nav_items=[
            {"text": "Reviews", "href": "/reviews/", "active": True},
            {"text": "People", "href": "/people/", "active": False},
        ]
    )
    nav = doc.find("nav", cls="govuk-service-navigation__wrapper")
    links = [a for a in doc.find_all("a", cls="govuk-service-navigation__link") if nav in a.ancestors()]
    assert [(a.text, a.attrs["href"], a.attrs.get("aria-current")) for a in links] == [
        ("Reviews", "/reviews/", "page"),
        ("People", "/people/", None),
    ]


def test_sign_out_is_a_post_button_only_when_signed_in():
    assert not render_page().find_all("form")
    doc = render_page(SignedInUser())
    form = doc.find("form")
    assert form.attrs["method"] == "post" and form.attrs["action"] == "/accounts/sign-out/"
    assert doc.find("input", name="csrfmiddlewaretoken")
    button = doc.find("button", type="submit")
    assert button.text == "Sign out" and "app-link-button" in button.classes


def test_messages_are_notification_banners():
    doc = render_page(
        messages=[
            Message(constants.SUCCESS, "Review created"),
            Message(constants.INFO, "The chronology is locked"),
        ]
    )
    banners = doc.find_all("div", cls="govuk-notification-banner")
    assert len(banners) == 2
    success, important = banners
    assert "govuk-notification-banner--success" in success.classes and success.attrs["role"] == "alert"
    assert "Review created" in success.text
    assert important.attrs["role"] == "region" and "The chronology is locked" in important.text
    for banner in banners:
        assert doc.by_id(banner.attrs["aria-labelledby"])
    assert all(banner.parent.tag == "main" for banner in banners)
    assert len(doc.ids) == len(set(doc.ids))


def test_no_banner_without_messages():
    assert not render_page().find_all("div", cls="govuk-notification-banner")


def test_stylesheets_and_script_exist_and_the_script_is_a_module_calling_init_all():
    doc = render_page()
    hrefs = [link.attrs["href"] for link in doc.find_all("link")]
    src = doc.find("script", type="module").attrs["src"]
    module = Path(finders.find(src.removeprefix("/static/")))
    imported = re.search(r'from "([^"]+)"', module.read_text()).group(1)
    assert "initAll()" in module.read_text()
    assert (module.parent / imported).resolve() == (STATIC / "govuk" / "govuk-frontend.min.js").resolve()
    for url in [*hrefs, src]:
        assert url.startswith("/static/")
        assert finders.find(url.removeprefix("/static/")), url


def test_no_inline_script_so_the_content_security_policy_needs_no_unsafe_inline():
    scripts = render_page(messages=[Message(constants.INFO, "Saved")]).find_all("script")
    assert scripts and all(script.attrs.get("src") and not script.text.strip() for script in scripts)


def test_vendored_govuk_frontend_is_version_6():
    assert (STATIC / "govuk" / "VERSION").read_text().startswith("govuk-frontend 6.")


def test_vendored_css_urls_are_relative_and_resolve():
    css = (STATIC / "govuk" / "govuk-frontend.min.css").read_text()
    urls = re.findall(r"url\(([^)]+)\)", css)
    assert urls and not [url for url in urls if url.startswith("/")]
    for url in urls:
        assert (STATIC / "govuk" / url.strip("'\"")).is_file(), url


def test_app_css_replaces_gds_transport_wherever_govuk_frontend_uses_it():
    govuk = (STATIC / "govuk" / "govuk-frontend.min.css").read_text()
    app = (STATIC / "casereview" / "app.css").read_text()
    override = re.search(r"([^{}]*)\{\s*font-family: Arial, Helvetica, sans-serif;", app).group(1)
    overridden = {selector.strip() for selector in override.split(",")}
    uses_gds = {
        selector.strip()
        for selectors in re.findall(r"([^{}]+)\{[^{}]*GDS Transport[^{}]*\}", govuk)
        for selector in selectors.split(",")
    }
    assert uses_gds <= overridden
    assert "GDS Transport" not in re.sub(r"/\*.*?\*/", "", app, flags=re.S)
