"""GOV.UK Design System markup for Django forms: the form renderer, its bound field and the date field."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils import timezone
from django.utils.functional import cached_property

from casereview.frontend.dates import PARTS, DateInputProblem, parse_date_parts

DATE_HINT = "For example, 27 3 2026"


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes named `<name>-day`, `<name>-month`, `<name>-year`."""

    template_name = "frontend/widgets/date_input.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        widgets = [forms.TextInput(attrs={"inputmode": "numeric"}) for _ in PARTS]
        super().__init__(widgets, attrs)
        self.widgets_names = [f"-{part}" for part in PARTS]

    def decompress(self, value):
        if value:
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        error_parts = attrs.pop("data-govuk-error-parts", "").split()
        # Hint, error and validity belong to the fieldset, not to each box.
        for key in ("aria-describedby", "aria-invalid", "required", "class"):
            attrs.pop(key, None)
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id", "")
        for part, subwidget in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            width = 4 if part == "year" else 2
            classes = ["govuk-input", "govuk-date-input__input", f"govuk-input--width-{width}"]
            if part in error_parts:
                classes.append("govuk-input--error")
            subwidget["attrs"] = {
                **{k: v for k, v in subwidget["attrs"].items() if k not in {"aria-describedby", "class"}},
                "class": " ".join(classes),
                "inputmode": "numeric",
            }
            if base_id:
                subwidget["attrs"]["id"] = f"{base_id}-{part}"
            subwidget["part"] = part
            subwidget["label"] = part.capitalize()
        return context

    def id_for_label(self, id_):
        return f"{id_}-day" if id_ else ""


class GovukDateField(forms.Field):
    """A GOV.UK date input that cleans to a `datetime.date`, with GOV.UK error messages.

    `error_label` names the date in messages ("the date of the decision"); it defaults to the label.
    `max_today=True` refuses dates after today (UK time).
    """

    widget = GovukDateWidget

    def __init__(self, *, max_today=False, error_label=None, **kwargs):
        kwargs.setdefault("help_text", DATE_HINT)
        super().__init__(**kwargs)
        self.max_today = max_today
        self.error_label = error_label

    def get_bound_field(self, form, field_name):
        bound_field = super().get_bound_field(form, field_name)
        if self.error_label is None:
            self.error_label = str(bound_field.label)
        return bound_field

    def _name(self):
        name = str(self.error_label or self.label or "Date")
        return name[:1].upper() + name[1:]

    def to_python(self, value):
        if isinstance(value, datetime.date):  # a disabled field cleans its initial value
            return value
        if isinstance(value, str | type(None)):
            value = [value, None, None] if value else [None, None, None]
        day, month, year = (list(value) + [None, None, None])[:3]
        try:
            return parse_date_parts(day, month, year, max_date=timezone.localdate() if self.max_today else None)
        except DateInputProblem as problem:
            raise ValidationError(self._message(problem), code=problem.code, params={"parts": problem.parts}) from None

    def _message(self, problem):
        name = self._name()
        if problem.code == "incomplete":
            return f"{name} must include a {' and '.join(problem.missing)}"
        if problem.code == "year_digits":
            return "Year must include 4 numbers"
        if problem.code == "future":
            return f"{name} must be today or in the past"
        return f"{name} must be a real date"

    def validate(self, value):
        if value is None and self.required:
            name = self._name()
            raise ValidationError(f"Enter {name[:1].lower()}{name[1:]}", code="required")

    def prepare_value(self, value):
        return value

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        return initial != data


def _widget_kind(widget):
    if isinstance(widget, GovukDateWidget):
        return "date"
    if isinstance(widget, forms.HiddenInput | forms.MultipleHiddenInput):
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.widgets.Input):
        return "input"
    return "other"


_INPUT_CLASSES = {
    "input": ("govuk-input", "govuk-input--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", ""),
    "checkbox": ("govuk-checkboxes__input", ""),
    "radios": ("govuk-radios__input", ""),
    "checkboxes": ("govuk-checkboxes__input", ""),
}


class GovukBoundField(forms.BoundField):
    """Adds what the GOV.UK field template needs: the widget kind, hint and error ids, item hints."""

    @cached_property
    def govuk_kind(self):
        return _widget_kind(self.field.widget)

    @property
    def hint_id(self):
        return f"{self.auto_id}-hint" if self.auto_id else ""

    @property
    def error_id(self):
        return f"{self.auto_id}-error" if self.auto_id else ""

    @property
    def aria_describedby(self):
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.help_text:
                ids.append(self.hint_id)
            if self.errors:
                ids.append(self.error_id)
        return " ".join(ids)

    @cached_property
    def error_parts(self):
        """The date boxes to mark in error: the ones the first error names."""
        for error in self.form.errors.as_data().get(self.name, []):
            return tuple((error.params or {}).get("parts", PARTS))
        return ()

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        # GOV.UK forms validate on the server only: browser pop-ups would pre-empt our messages.
        attrs.pop("required", None)
        kind = _widget_kind(widget)
        if kind == "date":
            attrs["data-govuk-error-parts"] = " ".join(self.error_parts) if self.errors else ""
        elif kind in _INPUT_CLASSES:
            base, error = _INPUT_CLASSES[kind]
            classes = [base]
            if kind not in {"radios", "checkboxes"}:
                classes += widget.attrs.get("class", "").split()
            if self.errors and error:
                classes.append(error)
            attrs["class"] = " ".join(dict.fromkeys(classes))
        return attrs

    @property
    def container_classes(self):
        """Extra classes for the govuk-radios/govuk-checkboxes container, e.g. govuk-radios--inline."""
        return self.field.widget.attrs.get("class", "")

    @cached_property
    def items(self):
        """Radio or checkbox items: the input's data plus its optional hint (`widget.choice_hints`)."""
        hints = getattr(self.field.widget, "choice_hints", None) or {}
        items = []
        for subwidget in self.subwidgets:
            data = dict(subwidget.data)
            attrs = dict(data["attrs"])
            hint = hints.get(data["value"], hints.get(str(data["value"]))) if hints else None
            data["hint"] = hint
            data["hint_id"] = f"{attrs['id']}-item-hint" if hint and attrs.get("id") else ""
            if data["hint_id"]:
                attrs["aria-describedby"] = data["hint_id"]
            data["attrs"] = attrs
            data["id"] = attrs.get("id", "")
            items.append(data)
        return items

    @property
    def error_target_id(self):
        """Where the error summary links: the input, the first radio or checkbox, the first bad date box."""
        if self.govuk_kind in {"radios", "checkboxes"}:
            return self.items[0]["id"] if self.items else self.auto_id
        if self.govuk_kind == "date":
            base = self.field.widget.attrs.get("id") or self.auto_id
            parts = self.error_parts or PARTS
            return f"{base}-{parts[0]}" if base else ""
        return self.id_for_label or self.auto_id


class GovukFormRenderer(DjangoTemplates):
    """Renders `{{ form }}` and `{{ form.field.as_field_group }}` as GOV.UK Design System markup."""

    form_template_name = "frontend/forms/form.html"
    field_template_name = "frontend/forms/field.html"
    bound_field_class = GovukBoundField
