"""UK dates in chronologies: every accepted form, the refusals and their messages, and round trips for any date."""

from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casereview.chronology.dates import (
    MONTH_NAMES,
    WEEKDAY_NAMES,
    DateError,
    ParsedDate,
    format_uk_date,
    parse_uk_date,
)

TODAY = date(2026, 3, 4)


def parse(text: str) -> ParsedDate:
    return parse_uk_date(text, today=TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "31/03/2021",
        "31/3/21",
        "31-03-2021",
        "31.03.2021",
        "31.03.21",
        "31-Mar-21",
        "31 Mar 2021",
        "31 Mar. 2021",
        "31 March 2021",
        "31 MARCH 2021",
        "31st March 2021",
        "31st of March 2021",
        "Wednesday 31 March 2021",
        "Wed, 31 Mar 2021",
        "2021-03-31",
        "  31   March\t2021 ",
    ],
)
def test_day_forms_read_as_31_march_2021(text):
    parsed = parse(text)
    assert (parsed.occurred_on, parsed.precision, parsed.occurred_at) == (date(2021, 3, 31), "day", None)


@pytest.mark.parametrize("text", ["March 2021", "Mar 2021", "march 2021", "Mar-2021", "03/2021", "2021-03"])
def test_a_month_on_its_own_is_the_first_of_the_month_with_month_precision(text):
    parsed = parse(text)
    assert (parsed.occurred_on, parsed.precision) == (date(2021, 3, 1), "month")


@pytest.mark.parametrize(
    "text",
    ["?22 May 2016", "? 22 May 2016", "c. 22 May 2016", "c.22 May 2016", "ca. 22 May 2016", "circa 22 May 2016",
     "about 22/05/2016", "approx. 22 May 2016", "approx 22 May 2016", "approximately 22 May 2016",
     "around 22 May 2016", "22 May 2016?"],
)  # fmt: skip
def test_approximate_markers_make_the_date_approximate(text):
    parsed = parse(text)
    assert (parsed.occurred_on, parsed.precision) == (date(2016, 5, 22), "approximate")


def test_an_approximate_month_stays_a_month():
    parsed = parse("c. March 2021")
    assert (parsed.occurred_on, parsed.precision, parsed.text) == (date(2021, 3, 1), "month", "c. March 2021")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/03/2021 14:30", time(14, 30)),
        ("31/03/2021 14.30", time(14, 30)),
        ("31/03/2021 2.30pm", time(14, 30)),
        ("31/03/2021 2:30 pm", time(14, 30)),
        ("31/03/2021 2pm", time(14, 0)),
        ("31/03/2021 12am", time(0, 0)),
        ("31/03/2021 9.05a.m.", time(9, 5)),
        ("31 March 2021 at 09:15", time(9, 15)),
        ("31 March 2021, 9:15am", time(9, 15)),
        ("31 March 2021, midday", time(12, 0)),
        ("2021-03-31T14:30:00", time(14, 30)),
        ("2021-03-31 14:30:15", time(14, 30, 15)),
        ("Wednesday 31 March 2021 at 14:30", time(14, 30)),
        ("31/03/2021 1430hrs", time(14, 30)),
        ("31/03/2021 14:30 hrs", time(14, 30)),
        ("31/03/2021 1430", time(14, 30)),
    ],
)
def test_a_time_after_the_date_gives_date_and_time_precision(text, expected):
    parsed = parse(text)
    assert (parsed.occurred_on, parsed.precision, parsed.occurred_at) == (date(2021, 3, 31), "datetime", expected)


def test_an_approximate_date_keeps_its_time():
    parsed = parse("?22 May 2016 14:30")
    assert (parsed.precision, parsed.occurred_at) == ("approximate", time(14, 30))


@pytest.mark.parametrize(
    ("text", "year"), [("1/1/00", 2000), ("1/1/69", 2069), ("1/1/70", 1970), ("1/1/99", 1999), ("1-Jan-05", 2005)]
)
def test_two_digit_years_below_70_are_this_century_and_the_rest_the_last(text, year):
    assert parse_uk_date(text, today=date(2069, 1, 1)).occurred_on.year == year


def test_the_text_is_kept_as_written_with_spaces_tidied():
    assert parse("  ?22   May 2016 ").text == "?22 May 2016"


def test_text_too_long_for_the_entry_is_written_the_standard_way():
    parsed = parse("approximately Wednesday 31st of March 2021 at 14:30")
    assert parsed.text == "?31 March 2021, 2:30pm"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the date, like 31/03/2021 or March 2021"),
        ("   ", "Enter the date, like 31/03/2021 or March 2021"),
        ("yesterday", "Enter a real date, like 31/03/2021 or March 2021"),
        ("31 Marchember 2021", "Enter a real date, like 31/03/2021 or March 2021"),
        ("03/31/2021", "There is no month 31: write the day first, like 31/03/2021"),
        ("31/13/2021", "There is no month 13: write the day first, like 31/03/2021"),
        ("31/0/2021", "There is no month 0: enter a month from 1 to 12, like 31/03/2021"),
        ("31/02/2021", "31/02/2021 is not a real date: February 2021 has 28 days"),
        ("29 Feb 2023", "29 Feb 2023 is not a real date: February 2023 has 28 days"),
        ("31/04/2021", "31/04/2021 is not a real date: April 2021 has 30 days"),
        ("0/3/2021", "0/3/2021 is not a real date: March 2021 has 31 days"),
        ("31/12/1899", "Enter a date from 1900 onwards, like 31/03/2021 or March 2021"),
        ("5/3/2027", "Enter a date no later than 4 March 2027: check the year"),
        ("Tuesday 31 March 2021", "31 March 2021 was a Wednesday, not a Tuesday: check the date"),
        ("Mar-21", "Write the year in full for a month on its own, like March 2021"),
        ("2021", "Enter the month as well as the year, like 31/03/2021 or March 2021"),
        ("31/03/2021 25:00", "25:00 is not a real time: enter a time like 14:30 or 2:30pm"),
        ("31/03/2021 13pm", "13pm is not a real time: enter a time like 14:30 or 2:30pm"),
        ("31/03/2021 14", "14 is not a real time: enter a time like 14:30 or 2:30pm"),
        ("31/03/2021 2460hrs", "2460hrs is not a real time: enter a time like 14:30 or 2:30pm"),
        ("March 2021 14:30", "Enter the day as well as the time, like 31/03/2021 14:30"),
        ("31/03/2021\x00", "Enter a real date, like 31/03/2021 or March 2021"),
        ("٣١/٠٣/٢٠٢١", "Enter a real date, like 31/03/2021 or March 2021"),
    ],
)
def test_refusals_say_what_to_do(text, message):
    with pytest.raises(DateError) as refused:
        parse(text)
    assert str(refused.value) == message


def test_a_date_up_to_a_year_ahead_is_accepted():
    assert parse("4/3/2027").occurred_on == date(2027, 3, 4)


def test_date_error_is_a_value_error():
    assert issubclass(DateError, ValueError)


@pytest.mark.parametrize(
    ("occurred_on", "precision", "occurred_at", "expected"),
    [
        (date(2021, 3, 31), "day", None, "31 March 2021"),
        (date(2021, 3, 1), "month", None, "March 2021"),
        (date(2021, 3, 31), "approximate", None, "?31 March 2021"),
        (date(2021, 3, 31), "datetime", time(14, 30), "31 March 2021, 2:30pm"),
        (date(2021, 3, 31), "datetime", time(9, 0), "31 March 2021, 9am"),
        (date(2021, 3, 31), "datetime", time(12, 0), "31 March 2021, midday"),
        (date(2021, 3, 31), "datetime", time(0, 0), "31 March 2021, midnight"),
        (date(2021, 3, 31), "approximate", time(0, 5), "?31 March 2021, 12:05am"),
        (date(2021, 3, 31), "day", time(14, 30), "31 March 2021"),
    ],
)
def test_format_uk_date(occurred_on, precision, occurred_at, expected):
    assert format_uk_date(occurred_on, precision, occurred_at) == expected


# Properties, for any real date from 1900 to a year from TODAY.
real_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY + timedelta(days=365))
two_digit_year_dates = st.dates(min_value=date(1970, 1, 1), max_value=TODAY + timedelta(days=365))
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


def day_forms(d: date) -> list[str]:
    month = MONTH_NAMES[d.month - 1]
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(d.day, "th")
    return [
        f"{d:%d/%m/%Y}",
        f"{d.day}/{d.month}/{d.year}",
        f"{d:%d-%m-%Y}",
        f"{d:%d.%m.%Y}",
        f"{d.day} {month[:3]} {d.year}",
        f"{d.day} {month} {d.year}",
        f"{d.day}{suffix} {month} {d.year}",
        f"{WEEKDAY_NAMES[d.weekday()]} {d.day} {month} {d.year}",
        d.isoformat(),
        format_uk_date(d, "day"),
    ]


@given(real_dates)
def test_every_real_date_in_every_day_form_reads_back_as_itself(d):
    for text in day_forms(d):
        parsed = parse(text)
        assert (parsed.occurred_on, parsed.precision, parsed.occurred_at, parsed.text) == (d, "day", None, text)


@given(two_digit_year_dates)
def test_two_digit_year_forms_read_back(d):
    month = MONTH_NAMES[d.month - 1]
    for text in (f"{d:%d/%m/%y}", f"{d.day}/{d.month}/{d:%y}", f"{d:%d}-{month[:3]}-{d:%y}"):
        assert parse(text).occurred_on == d


@given(real_dates)
def test_every_month_reads_back_as_its_first_day(d):
    month = MONTH_NAMES[d.month - 1]
    for text in (f"{month} {d.year}", f"{month[:3]} {d.year}", f"{d:%m/%Y}", format_uk_date(d, "month")):
        parsed = parse(text)
        assert (parsed.occurred_on, parsed.precision) == (d.replace(day=1), "month")


@given(real_dates, st.sampled_from(["?", "c. ", "circa ", "about ", "approx. "]))
def test_every_approximate_date_reads_back(d, marker):
    for text in (f"{marker}{d.day} {MONTH_NAMES[d.month - 1]} {d.year}", format_uk_date(d, "approximate")):
        parsed = parse(text)
        assert (parsed.occurred_on, parsed.precision) == (d, "approximate")


@given(real_dates, times)
def test_every_date_and_time_reads_back(d, t):
    hour12 = t.hour % 12 or 12
    meridiem = "am" if t.hour < 12 else "pm"
    for text in (
        f"{d:%d/%m/%Y} {t:%H:%M}",
        f"{d:%d/%m/%Y} {hour12}.{t.minute:02d}{meridiem}",
        f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year} at {t:%H:%M}",
        f"{d.isoformat()}T{t:%H:%M:%S}",
        format_uk_date(d, "datetime", t),
    ):
        parsed = parse(text)
        assert (parsed.occurred_on, parsed.precision, parsed.occurred_at) == (d, "datetime", t), text


@given(real_dates.filter(lambda d: d.day > 12))
def test_a_day_and_month_swapped_is_refused_when_the_day_is_over_12(d):
    with pytest.raises(DateError, match="write the day first"):
        parse(f"{d:%m/%d/%Y}")


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY).filter(lambda d: d.day <= 12))
def test_numbers_both_12_or_under_are_always_read_day_first(d):
    text = f"{d:%m/%d/%Y}"
    assert parse(text).occurred_on == date(d.year, d.day, d.month)


@given(st.text())
def test_any_text_is_a_date_or_a_date_error(text):
    try:
        parsed = parse(text)
    except DateError as error:
        assert str(error)
    else:
        assert date(1900, 1, 1) <= parsed.occurred_on <= TODAY + timedelta(days=365)
        assert parsed.precision in ("datetime", "day", "month", "approximate")
        assert len(parsed.text) <= 40


@given(st.text(alphabet="0123456789/-.: ?apmtAPMcirMarchMaySeptWed,thsnd", max_size=30))
def test_date_like_text_is_a_date_or_a_date_error(text):
    try:
        parse(text)
    except DateError as error:
        assert str(error)
