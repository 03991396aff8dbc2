"""GovukDateField: parsing the day, month and year boxes, and every GOV.UK error message."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from casereview.frontend.dates import MONTH_NAMES, DateInputProblem, parse_date_parts
from casereview.frontend.forms import GovukDateField


class DecisionForm(forms.Form):
    decided_on = GovukDateField(label="Date of decision")
    reviewed_on = GovukDateField(label="Date of review", required=False)
    happened_on = GovukDateField(label="When did it happen?", error_label="the date it happened", required=False)
    referred_on = GovukDateField(label="Date of referral", required=False, max_today=True)


def boxes(name, day="", month="", year=""):
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


def submit(**data):
    form = DecisionForm(data={**boxes("decided_on", "4", "3", "2026"), **data})
    form.is_valid()
    return form


def error(form, name="decided_on"):
    return form.errors.get(name, [None])[0]


def test_boxes_clean_to_a_date():
    form = submit()
    assert form.is_valid()
    assert form.cleaned_data["decided_on"] == datetime.date(2026, 3, 4)
    assert form.cleaned_data["reviewed_on"] is None


@pytest.mark.parametrize("month", ["March", "march", "MAR", "mar", "Mar.", " 3 ", "03"])
def test_month_box_takes_numbers_names_and_abbreviations(month):
    assert parse_date_parts("4", month, "2026") == datetime.date(2026, 3, 4)


def test_sept_is_september():
    assert parse_date_parts("1", "Sept", "2026") == datetime.date(2026, 9, 1)


def test_empty_required_date_asks_for_it_by_label():
    form = submit(**boxes("decided_on"))
    assert error(form) == "Enter date of decision"


def test_empty_optional_date_is_none():
    form = submit(**boxes("reviewed_on"))
    assert form.is_valid() and form.cleaned_data["reviewed_on"] is None


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "3", "2026", "Date of decision must include a day"),
        ("4", "", "2026", "Date of decision must include a month"),
        ("4", "3", "", "Date of decision must include a year"),
        ("", "", "2026", "Date of decision must include a day and month"),
        ("4", "", "", "Date of decision must include a month and year"),
        ("", "3", "", "Date of decision must include a day and year"),
    ],
)
def test_a_missing_part_is_named(day, month, year, message):
    assert error(submit(**boxes("decided_on", day, month, year))) == message


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("31", "2", "2026"),
        ("29", "2", "2025"),
        ("0", "3", "2026"),
        ("4", "13", "2026"),
        ("4", "0", "2026"),
        ("four", "3", "2026"),
        ("4", "Marchember", "2026"),
        ("4", "3", "two thousand"),
        ("4.5", "3", "2026"),
        ("-4", "3", "2026"),
        ("٤", "3", "2026"),
        ("4", "3", "0000"),
    ],
)
def test_an_impossible_date_is_not_a_real_date(day, month, year):
    assert error(submit(**boxes("decided_on", day, month, year))) == "Date of decision must be a real date"


@pytest.mark.parametrize("year", ["26", "202", "20266", "1"])
def test_year_must_have_four_numbers(year):
    assert error(submit(**boxes("decided_on", "4", "3", year))) == "Year must include 4 numbers"


def test_error_label_names_the_date_in_messages():
    form = submit(**boxes("happened_on", "4", "", "2026"))
    assert error(form, "happened_on") == "The date it happened must include a month"


def test_max_today_refuses_tomorrow_but_takes_today():
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    form = submit(**boxes("referred_on", str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)))
    assert error(form, "referred_on") == "Date of referral must be today or in the past"
    form = submit(**boxes("referred_on", str(today.day), str(today.month), str(today.year)))
    assert form.is_valid() and form.cleaned_data["referred_on"] == today


def test_initial_date_fills_the_boxes():
    form = DecisionForm(initial={"decided_on": datetime.date(2026, 3, 4)})
    html = str(form["decided_on"])
    assert 'name="decided_on-day" value="4"' in html
    assert 'name="decided_on-month" value="3"' in html
    assert 'name="decided_on-year" value="2026"' in html


def test_what_was_typed_is_shown_again_after_an_error():
    form = submit(**boxes("decided_on", "31", "feb", "2026"))
    assert 'name="decided_on-month" value="feb"' in str(form["decided_on"])


def test_has_changed_compares_the_date():
    form = DecisionForm(initial={"decided_on": datetime.date(2026, 3, 4)}, data=boxes("decided_on", "04", "3", "2026"))
    assert "decided_on" not in form.changed_data
    form = DecisionForm(initial={"decided_on": datetime.date(2026, 3, 4)}, data=boxes("decided_on", "5", "3", "2026"))
    assert "decided_on" in form.changed_data


def test_parse_reports_which_boxes_are_wrong():
    with pytest.raises(DateInputProblem) as problem:
        parse_date_parts("4", "", "")
    assert problem.value.code == "incomplete" and problem.value.parts == ("month", "year")
    with pytest.raises(DateInputProblem) as problem:
        parse_date_parts("4", "3", "26")
    assert problem.value.parts == ("year",)


dates = st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(9999, 12, 31))


@given(dates, st.booleans(), st.sampled_from(["number", "name", "abbreviation"]))
def test_any_real_date_round_trips_through_its_boxes(value, zero_pad, month_style):
    day = f"{value.day:02d}" if zero_pad else str(value.day)
    month = {
        "number": f"{value.month:02d}" if zero_pad else str(value.month),
        "name": MONTH_NAMES[value.month - 1].title(),
        "abbreviation": MONTH_NAMES[value.month - 1][:3],
    }[month_style]
    field = GovukDateField(label="Date")
    assert field.clean([day, month, str(value.year)]) == value
    assert field.clean([f" {day} ", month.upper(), f"{value.year} "]) == value


box_text = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(MONTH_NAMES),
)


@given(box_text, box_text, box_text, st.booleans(), st.booleans())
def test_garbage_never_raises_anything_but_validation_error(day, month, year, required, max_today):
    field = GovukDateField(label="Date of decision", required=required, max_today=max_today)
    try:
        value = field.clean([day, month, year])
    except ValidationError as problem:
        assert problem.messages and all(message for message in problem.messages)
    else:
        assert value is None or isinstance(value, datetime.date)


@given(st.dictionaries(st.sampled_from(["d-day", "d-month", "d-year", "d", "other"]), st.text(max_size=8)))
def test_garbage_form_data_only_gives_form_errors(data):
    class OneDateForm(forms.Form):
        d = GovukDateField(label="Date")

    form = OneDateForm(data=data)
    if not form.is_valid():
        assert list(form.errors) == ["d"]
    str(form)  # the form still renders


def test_a_disabled_date_keeps_its_initial_value():
    class LockedForm(forms.Form):
        decided_on = GovukDateField(label="Date of decision", disabled=True)

    form = LockedForm(initial={"decided_on": datetime.date(2026, 3, 4)}, data={})
    assert form.is_valid() and form.cleaned_data["decided_on"] == datetime.date(2026, 3, 4)
    assert not form.has_changed()
