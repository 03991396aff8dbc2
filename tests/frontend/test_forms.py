"""The GOV.UK form renderer: each widget's markup, its error state, and error summary links."""

from django import forms
from django.template import Context, Template

from casereview.frontend.forms import GovukBoundField, GovukDateField, GovukFormRenderer
from tests.frontend.html import Document

KINDS = [("serious", "Serious case review"), ("learning", "Learning review")]


class EveryWidgetForm(forms.Form):
    title = forms.CharField(help_text="As it appears on the referral")
    email = forms.EmailField(widget=forms.EmailInput(attrs={"class": "govuk-input--width-20"}))
    age = forms.IntegerField()
    secret = forms.CharField(widget=forms.PasswordInput)
    summary = forms.CharField(widget=forms.Textarea)
    board = forms.ChoiceField(choices=[("", "Choose a board"), *KINDS])
    kind = forms.ChoiceField(choices=KINDS, widget=forms.RadioSelect, help_text="Choose one")
    agencies = forms.MultipleChoiceField(choices=KINDS, widget=forms.CheckboxSelectMultiple)
    confirm = forms.BooleanField(label="I have checked the chronology")
    decided_on = GovukDateField(label="Date of decision")
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.choice_hints = {"learning": "For cases that do not meet the criteria"}


def render(form):
    return Document(str(form))


def invalid_form():
    form = EveryWidgetForm(data={"decided_on-day": "31", "decided_on-month": "2", "decided_on-year": "2026"})
    assert not form.is_valid()
    return form


def test_form_renderer_is_the_default_and_uses_the_govuk_bound_field():
    form = EveryWidgetForm()
    assert isinstance(form.renderer, GovukFormRenderer)
    assert isinstance(form["title"], GovukBoundField)


def test_text_like_inputs_get_govuk_input_and_a_label_pointing_at_them():
    doc = render(EveryWidgetForm())
    for name, input_type in [
        ("title", "text"),
        ("email", "email"),
        ("age", "number"),
        ("secret", "password"),
    ]:
        field = doc.by_id(f"id_{name}")
        assert field.tag == "input" and field.attrs["type"] == input_type
        assert "govuk-input" in field.classes
        assert "govuk-input--error" not in field.classes
        assert doc.find("label", cls="govuk-label", for_=f"id_{name}")
        assert "govuk-form-group" in field.parent.classes


def test_width_class_on_the_widget_is_kept_alongside_govuk_input():
    doc = render(EveryWidgetForm())
    assert {"govuk-input", "govuk-input--width-20"} <= doc.by_id("id_email").classes


def test_help_text_is_a_govuk_hint_the_input_is_described_by():
    doc = render(EveryWidgetForm())
    hint = doc.by_id("id_title-hint")
    assert "govuk-hint" in hint.classes and hint.text == "As it appears on the referral"
    assert doc.by_id("id_title").attrs["aria-describedby"] == "id_title-hint"


def test_textarea_and_select_get_their_govuk_classes():
    doc = render(EveryWidgetForm())
    assert doc.by_id("id_summary").tag == "textarea"
    assert "govuk-textarea" in doc.by_id("id_summary").classes
    assert doc.by_id("id_board").tag == "select"
    assert "govuk-select" in doc.by_id("id_board").classes


def test_browser_validation_is_off_so_govuk_messages_are_shown():
    doc = render(EveryWidgetForm())
    assert not [element for element in doc.elements if "required" in element.attrs]


def test_errors_mark_the_group_and_input_and_are_read_out_with_the_input():
    doc = render(invalid_form())
    for name, error_class in [
        ("title", "govuk-input--error"),
        ("email", "govuk-input--error"),
        ("summary", "govuk-textarea--error"),
        ("board", "govuk-select--error"),
    ]:
        control = doc.by_id(f"id_{name}")
        assert error_class in control.classes
        group = next(node for node in control.ancestors() if "govuk-form-group" in node.classes)
        assert "govuk-form-group--error" in group.classes
        error = doc.by_id(f"id_{name}-error")
        assert "govuk-error-message" in error.classes
        assert error.text.startswith("Error:")
        assert doc.find("span", cls="govuk-visually-hidden").text == "Error:"
        assert f"id_{name}-error" in control.attrs["aria-describedby"].split()
    assert doc.by_id("id_title").attrs["aria-describedby"] == "id_title-hint id_title-error"


def test_radios_sit_in_a_fieldset_with_a_legend_and_item_hints():
    doc = render(EveryWidgetForm())
    radios = doc.find("div", cls="govuk-radios")
    assert radios.attrs["data-module"] == "govuk-radios"
    fieldset = radios.parent
    assert fieldset.tag == "fieldset" and "govuk-fieldset" in fieldset.classes
    assert fieldset.attrs["aria-describedby"] == "id_kind-hint"
    assert doc.find("legend", cls="govuk-fieldset__legend").text == "Kind"
    inputs = doc.find_all("input", cls="govuk-radios__input")
    assert [i.attrs["value"] for i in inputs] == ["serious", "learning"]
    assert all(doc.find("label", cls="govuk-radios__label", for_=i.attrs["id"]) for i in inputs)
    hint = doc.find("div", cls="govuk-radios__hint")
    assert hint.text == "For cases that do not meet the criteria"
    assert inputs[1].attrs["aria-describedby"] == hint.attrs["id"]
    assert "aria-describedby" not in inputs[0].attrs


def test_checked_radio_stays_checked_after_an_error():
    form = EveryWidgetForm(data={"kind": "learning"})
    form.is_valid()
    doc = render(form)
    checked = [i.attrs["value"] for i in doc.find_all("input", cls="govuk-radios__input") if "checked" in i.attrs]
    assert checked == ["learning"]


def test_checkboxes_sit_in_a_fieldset_and_show_their_error():
    doc = render(invalid_form())
    checkboxes = doc.find_all("input", cls="govuk-checkboxes__input", name="agencies")
    assert len(checkboxes) == 2
    fieldset = next(node for node in checkboxes[0].ancestors() if node.tag == "fieldset")
    assert fieldset.attrs["aria-describedby"] == "id_agencies-error"
    assert "govuk-form-group--error" in fieldset.parent.classes


def test_single_checkbox_is_one_govuk_checkbox_item_with_its_label_after_it():
    doc = render(invalid_form())
    checkbox = doc.by_id("id_confirm")
    assert checkbox.attrs["type"] == "checkbox" and "govuk-checkboxes__input" in checkbox.classes
    item = checkbox.parent
    assert "govuk-checkboxes__item" in item.classes
    assert [child.tag for child in item.children] == ["input", "label"]
    assert item.children[1].text == "I have checked the chronology"
    assert checkbox.attrs["aria-describedby"] == "id_confirm-error"


def test_date_field_is_a_govuk_date_input_in_a_fieldset_with_its_hint():
    doc = render(EveryWidgetForm())
    date_input = doc.find("div", cls="govuk-date-input")
    fieldset = date_input.parent
    assert fieldset.tag == "fieldset" and fieldset.attrs["role"] == "group"
    assert doc.by_id("id_decided_on-hint").text == "For example, 27 3 2026"
    assert fieldset.attrs["aria-describedby"] == "id_decided_on-hint"
    for part, width in [("day", 2), ("month", 2), ("year", 4)]:
        box = doc.by_id(f"id_decided_on-{part}")
        assert box.attrs["name"] == f"decided_on-{part}"
        assert box.attrs["inputmode"] == "numeric"
        assert {"govuk-input", "govuk-date-input__input", f"govuk-input--width-{width}"} <= box.classes
        assert doc.find("label", for_=f"id_decided_on-{part}").text == part.capitalize()


def test_date_field_marks_only_the_missing_box():
    form = EveryWidgetForm(data={"decided_on-day": "4", "decided_on-year": "2026"})
    form.is_valid()
    doc = render(form)
    marked = [p for p in ("day", "month", "year") if "govuk-input--error" in doc.by_id(f"id_decided_on-{p}").classes]
    assert marked == ["month"]
    assert doc.by_id("id_decided_on-error").text == "Error: Date of decision must include a month"


def test_date_field_marks_every_box_when_the_date_is_not_real():
    doc = render(invalid_form())
    assert all("govuk-input--error" in doc.by_id(f"id_decided_on-{p}").classes for p in ("day", "month", "year"))
    assert doc.by_id("id_decided_on-day").attrs["value"] == "31"


def test_hidden_fields_render_without_a_form_group():
    doc = render(EveryWidgetForm(initial={"token": "abc"}))
    token = doc.find("input", name="token")
    assert token.attrs["type"] == "hidden"
    assert not any("govuk-form-group" in node.classes for node in token.ancestors())


def test_as_field_group_renders_one_field_the_govuk_way():
    form = EveryWidgetForm()
    doc = Document(form["title"].as_field_group())
    assert doc.find("div", cls="govuk-form-group")
    assert doc.by_id("id_title")
    assert not doc.find_all("textarea")


def test_a_prefixed_form_keeps_ids_unique():
    doc = Document(f"{EveryWidgetForm(prefix='a')}{EveryWidgetForm(prefix='b')}")
    assert len(doc.ids) == len(set(doc.ids))


def error_summary(form):
    return Document(
        Template('{% include "frontend/error_summary.html" with form=form %}').render(Context({"form": form}))
    )


def test_error_summary_is_empty_when_the_form_has_no_errors():
    assert error_summary(EveryWidgetForm()).elements == []
    assert error_summary(EveryWidgetForm(data={})).elements != []


def test_error_summary_has_the_govuk_structure():
    doc = error_summary(invalid_form())
    summary = doc.find("div", cls="govuk-error-summary")
    assert summary.attrs["data-module"] == "govuk-error-summary"
    assert doc.find("div", role="alert")
    assert doc.find("h2", cls="govuk-error-summary__title").text == "There is a problem"


def test_error_summary_links_point_at_inputs_that_exist():
    form = invalid_form()
    page = Document(str(form))
    links = error_summary(form).find_all("a")
    assert len(links) == len(form.errors)
    targets = [link.attrs["href"].removeprefix("#") for link in links]
    assert all(target in page.ids for target in targets)
    assert page.by_id(targets[0]).tag == "input"
    assert "id_kind_0" in targets  # the first radio
    assert "id_agencies_0" in targets  # the first checkbox
    assert "id_decided_on-day" in targets  # the first date box
    assert [link.text for link in links][-1] == "Date of decision must be a real date"


def test_error_summary_lists_non_field_errors_first_without_a_link():
    class ChronologyForm(forms.Form):
        summary = forms.CharField()

        def clean(self):
            raise forms.ValidationError("The chronology is locked")

    form = ChronologyForm(data={})
    form.is_valid()
    items = error_summary(form).find_all("li")
    assert [item.text for item in items] == ["The chronology is locked", "This field is required."]
    assert not items[0].children
    assert items[1].children[0].attrs["href"] == "#id_summary"


def test_page_title_prefix_says_error_only_when_a_form_has_errors():
    template = Template("{% load govuk %}{% page_title_prefix form %}Add a review")
    assert template.render(Context({"form": EveryWidgetForm()})) == "Add a review"
    assert template.render(Context({"form": invalid_form()})) == "Error: Add a review"
    assert template.render(Context({})) == "Add a review"
