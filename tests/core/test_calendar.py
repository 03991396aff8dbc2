"""Working days in England and Wales, and deadlines counted in them."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casereview.core.calendar import (
    Unit,
    add_months,
    add_working_days,
    bank_holiday_name,
    deadline,
    is_working_day,
    next_working_day,
    working_days_between,
)

ENGLAND_AND_WALES_2026 = [
    date(2026, 1, 1),  # New Year's Day
    date(2026, 4, 3),  # Good Friday
    date(2026, 4, 6),  # Easter Monday
    date(2026, 5, 4),  # Early May bank holiday
    date(2026, 5, 25),  # Spring bank holiday
    date(2026, 8, 31),  # Summer bank holiday
    date(2026, 12, 25),  # Christmas Day (Friday)
    date(2026, 12, 28),  # Boxing Day falls on a Saturday: substitute Monday
]

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@pytest.mark.parametrize("day", ENGLAND_AND_WALES_2026, ids=str)
def test_bank_holidays_of_england_and_wales_are_not_working_days(day):
    assert day.weekday() < 5
    assert not is_working_day(day)
    assert bank_holiday_name(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2027, 12, 27),  # Christmas Day on a Saturday: substitute Monday
        date(2027, 12, 28),  # Boxing Day on a Sunday: substitute Tuesday
        date(2022, 6, 2),  # spring bank holiday moved for the Platinum Jubilee
        date(2022, 9, 19),  # state funeral of Queen Elizabeth II
    ],
    ids=str,
)
def test_substitute_and_one_off_bank_holidays_are_not_working_days(day):
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 3, 17),  # St Patrick's Day: a bank holiday in Northern Ireland only
        date(2026, 11, 30),  # St Andrew's Day: Scotland only
        date(2026, 8, 3),  # Scotland's summer bank holiday
        date(2026, 1, 2),  # 2 January: Scotland only
        date(2026, 5, 26),  # the day after the spring bank holiday
    ],
    ids=str,
)
def test_holidays_of_other_nations_are_working_days_in_england(day):
    assert is_working_day(day)


def test_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 3, 8))  # Sunday
    assert is_working_day(date(2026, 3, 9))  # Monday


def test_next_working_day_is_the_day_itself_when_it_is_a_working_day():
    assert next_working_day(date(2026, 3, 9)) == date(2026, 3, 9)


def test_next_working_day_skips_a_weekend_and_a_bank_holiday():
    assert next_working_day(date(2026, 4, 3)) == date(2026, 4, 7)  # Good Friday to the Tuesday after Easter


def test_next_working_day_skips_christmas_and_the_boxing_day_substitute():
    assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 29)


def test_add_working_days_skips_the_weekend():
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday + 1 = Monday


def test_add_working_days_skips_easter():
    # Thursday 2 April 2026 + 1 working day: not Good Friday, not Easter Monday.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


def test_add_working_days_across_christmas_and_new_year():
    # Thu 24 Dec 2026: 29, 30, 31 Dec, then 4 Jan (1 January is a bank holiday, 2-3 a weekend).
    assert add_working_days(date(2026, 12, 24), 4) == date(2027, 1, 4)


def test_add_working_days_counts_five_working_days_round_the_may_bank_holidays():
    assert add_working_days(date(2026, 5, 1), 5) == date(2026, 5, 11)
    assert add_working_days(date(2026, 5, 22), 5) == date(2026, 6, 1)


def test_add_working_days_refuses_a_negative_number():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 9), -1)


def test_working_days_between_counts_days_after_start_up_to_end():
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert working_days_between(date(2026, 3, 30), date(2026, 4, 10)) == 7  # Easter week
    assert working_days_between(date(2026, 4, 10), date(2026, 3, 30)) == -7


def test_a_month_after_31_january_is_the_end_of_february():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # leap year
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)  # across the year end
    assert add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)


def test_deadline_in_months_clamps_to_month_end_then_rolls_to_a_working_day():
    # 28 February 2026 is a Saturday: the deadline is Monday 2 March.
    assert deadline(date(2026, 1, 31), 1, Unit.MONTHS) == date(2026, 3, 2)


def test_deadline_in_months_rolls_past_a_bank_holiday():
    # 6 April 2026 is Easter Monday.
    assert deadline(date(2026, 3, 6), 1, "months") == date(2026, 4, 7)
    # Six months after 25 June 2026 is Christmas Day; 26-27 weekend, 28 substitute Boxing Day.
    assert deadline(date(2026, 6, 25), 6, Unit.MONTHS) == date(2026, 12, 29)


def test_deadline_in_months_on_a_working_day_is_that_day():
    assert deadline(date(2026, 3, 10), 1, Unit.MONTHS) == date(2026, 4, 10)


def test_deadline_in_calendar_days_rolls_onto_the_next_working_day():
    assert deadline(date(2026, 4, 1), 2, Unit.CALENDAR_DAYS) == date(2026, 4, 7)
    assert deadline(date(2026, 3, 2), 3, Unit.CALENDAR_DAYS) == date(2026, 3, 5)


def test_deadline_in_working_days():
    # Tue 22 Dec 2026: 23, 24, then 29, 30, 31 (25 Christmas, 26-27 weekend, 28 substitute Boxing Day).
    assert deadline(date(2026, 12, 22), 5, Unit.WORKING_DAYS) == date(2026, 12, 31)
    assert deadline(date(2026, 12, 22), 6, Unit.WORKING_DAYS) == date(2027, 1, 4)


def test_deadline_refuses_an_unknown_unit():
    with pytest.raises(ValueError):
        deadline(date(2026, 3, 9), 1, "fortnights")


def test_deadline_of_zero_working_days_from_a_saturday_is_the_next_working_day():
    assert deadline(date(2026, 3, 7), 0, Unit.WORKING_DAYS) == date(2026, 3, 9)
    assert deadline(date(2026, 3, 9), 0, Unit.WORKING_DAYS) == date(2026, 3, 9)


@given(start=dates, days=st.integers(min_value=1, max_value=400))
def test_add_working_days_always_lands_on_a_working_day(start, days):
    assert is_working_day(add_working_days(start, days))


@given(start=dates, days=st.integers(min_value=0, max_value=400))
def test_working_days_between_undoes_add_working_days(start, days):
    assert working_days_between(start, add_working_days(start, days)) == days


@given(start=dates, end=dates)
def test_working_days_between_is_antisymmetric(start, end):
    assert working_days_between(start, end) == -working_days_between(end, start)


@given(start=dates, amount=st.integers(min_value=0, max_value=36), unit=st.sampled_from(list(Unit)))
def test_deadline_never_lands_on_a_weekend_or_bank_holiday(start, amount, unit):
    due = deadline(start, amount, unit)
    assert is_working_day(due)
    assert due > start if amount else due == next_working_day(start)


@given(
    start=dates, amount=st.integers(min_value=0, max_value=36), unit=st.sampled_from([Unit.MONTHS, Unit.CALENDAR_DAYS])
)
def test_calendar_deadlines_are_at_most_a_holiday_run_after_the_plain_date(start, amount, unit):
    plain = add_months(start, amount) if unit is Unit.MONTHS else start + timedelta(days=amount)
    due = deadline(start, amount, unit)
    assert is_working_day(due)
    assert plain <= due <= plain + timedelta(days=5)  # the longest run: Christmas on a Saturday
