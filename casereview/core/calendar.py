"""Working days in England and Wales, and deadlines counted in them. Imports nothing from Django."""

import calendar
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays of England and Wales (the two share one list) for one year."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holiday_name(day: date) -> str | None:
    return holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int) -> date:
    """The working day `days` working days after `start` (start itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def add_months(start: date, months: int) -> date:
    """The same day `months` later; the month's last day where that day does not exist (31 Jan + 1)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def deadline(start: date, amount: int, unit: Unit | str) -> date:
    """When something started on `start` is due: never on a weekend or bank holiday."""
    unit = Unit(unit)
    if unit is Unit.WORKING_DAYS:
        return next_working_day(add_working_days(start, amount))
    if unit is Unit.MONTHS:
        return next_working_day(add_months(start, amount))
    return next_working_day(start + timedelta(days=amount))
