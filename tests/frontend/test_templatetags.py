"""GOV.UK date and time formatting and the tag helper."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template, TemplateSyntaxError
from hypothesis import given
from hypothesis import strategies as st

from casereview.frontend.templatetags.govuk import govuk_date, govuk_datetime, govuk_time

UTC = datetime.UTC


def test_govuk_date_has_no_leading_zero_and_the_month_in_full():
    assert govuk_date(datetime.date(2026, 3, 4)) == "4 March 2026"
    assert govuk_date(datetime.date(2026, 12, 25)) == "25 December 2026"


def test_govuk_date_shows_an_aware_datetime_on_its_uk_day():
    assert govuk_date(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
    assert govuk_date(datetime.datetime(2026, 1, 31, 23, 30, tzinfo=UTC)) == "31 January 2026"


def test_govuk_date_of_nothing_is_empty():
    assert govuk_date(None) == ""


def test_govuk_datetime_in_uk_time_with_am_pm():
    assert govuk_datetime(datetime.datetime(2026, 3, 4, 14, 5, tzinfo=UTC)) == "4 March 2026 at 2:05pm"
    assert govuk_datetime(datetime.datetime(2026, 7, 4, 13, 5, tzinfo=UTC)) == "4 July 2026 at 2:05pm"
    assert govuk_datetime(datetime.datetime(2026, 3, 4, 9, 30, tzinfo=ZoneInfo("Europe/London"))) == (
        "4 March 2026 at 9:30am"
    )


@pytest.mark.parametrize(
    ("hour", "minute", "text"),
    [
        (14, 0, "2pm"),
        (0, 0, "midnight"),
        (12, 0, "midday"),
        (12, 1, "12:01pm"),
        (0, 5, "12:05am"),
        (23, 59, "11:59pm"),
    ],
)
def test_govuk_time_follows_the_style_guide(hour, minute, text):
    assert govuk_time(datetime.time(hour, minute)) == text


def test_govuk_datetime_of_a_date_is_just_the_date():
    assert govuk_datetime(datetime.date(2026, 3, 4)) == "4 March 2026"


@given(st.dates())
def test_govuk_date_is_always_day_month_year_without_leading_zeros(value):
    assert re.fullmatch(r"[1-9]\d? [A-Z][a-z]+ \d+", govuk_date(value))
    assert govuk_date(value).split()[0] == str(value.day)


@given(st.datetimes(timezones=st.just(UTC), min_value=datetime.datetime(1900, 1, 1)))
def test_govuk_date_of_an_aware_datetime_is_the_date_in_london(value):
    assert govuk_date(value) == govuk_date(value.astimezone(ZoneInfo("Europe/London")).date())


def render(source, **context):
    return Template("{% load govuk %}" + source).render(Context(context))


def test_govuk_tag_renders_a_coloured_strong():
    assert render('{% govuk_tag "Overdue" "red" %}') == '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    assert render('{% govuk_tag "Open" %}') == '<strong class="govuk-tag">Open</strong>'


def test_govuk_tag_escapes_its_text():
    assert "&lt;b&gt;" in render("{% govuk_tag text 'grey' %}", text="<b>")


def test_govuk_tag_refuses_an_unknown_colour():
    with pytest.raises(TemplateSyntaxError):
        render('{% govuk_tag "Overdue" "crimson" %}')


def test_filters_work_in_templates():
    value = datetime.datetime(2026, 3, 4, 14, 5, tzinfo=UTC)
    assert render("{{ value|govuk_date }} / {{ value|govuk_datetime }}", value=value) == (
        "4 March 2026 / 4 March 2026 at 2:05pm"
    )


def test_summary_list_include_renders_rows_with_optional_change_links():
    html = Template('{% include "frontend/summary_list.html" with rows=rows %}').render(
        Context(
            {
                "rows": [
                    {"key": "Reference", "value": "NSCP-2026-004", "href": "/change/", "action_hidden": "reference"},
                    {"key": "Subject", "value": ""},
                ]
            }
        )
    )
    assert html.count('class="govuk-summary-list__row') == 2
    assert (
        '<a class="govuk-link" href="/change/">Change<span class="govuk-visually-hidden"> reference</span></a>' in html
    )
    assert "govuk-summary-list__row--no-actions" in html and "Not known" in html
