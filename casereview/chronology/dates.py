"""Read a date written the UK way in a chronology ("31/03/2021", "?22 May 2016", "March 2021") and write one back.

Pure: imports nothing from Django, so forms, the API, imports and the benchmark share one parser.

Rules:
- The day always comes first. "03/31/2021" is refused with a message saying so; a date like "04/03/2021" is
  4 March, never April 3.
- Two-digit years: 00-69 are 2000-2069 and 70-99 are 1970-1999 (the convention Excel and Python's strptime
  use; chronologies rarely reach back before 1970, and a year 70 years ahead is refused as too far in the future).
- A month on its own ("March 2021", "Mar 2021", "03/2021", "2021-03") has precision "month" and occurred_on is the
  1st. A month on its own needs a four-digit year: "Mar-21" could be 21 March.
- "?", "c.", "ca.", "circa", "about", "around", "approx." or "approximately" before the date, or "?" after it,
  make it approximate. An approximate month ("c. March 2021") is kept as a month: the month is already a range.
- A time after the date ("14:30", "2.30pm", "2pm", "at 09:15", "1430hrs", "midday") makes precision "datetime" (an
  approximate date keeps precision "approximate" and its time).
- A weekday before the date must be that date's weekday.
- Refused: an empty box, words that are not a date, impossible dates, a year before 1900, a date more than a year
  after `today`.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS = {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS.update({name.lower()[:3]: number for number, name in enumerate(MONTH_NAMES, start=1)})
_MONTHS["sept"] = 9
_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

EARLIEST_YEAR = 1900
TEXT_MAX_LENGTH = 40  # ChronologyEntry.date_text
_INPUT_MAX_LENGTH = 100  # longer text is not a date; refuse before any matching

EXAMPLE = "like 31/03/2021 or March 2021"
ENTER_A_REAL_DATE = f"Enter a real date, {EXAMPLE}"

_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_WORD = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))

_APPROXIMATE_BEFORE = re.compile(
    r"^(?:\?\s*|(?:circa|approximately|approx|about|around|abt|ca|c)(?:\.\s*|\s+))", re.ASCII
)
_WEEKDAY_BEFORE = re.compile(rf"^(?P<weekday>{_WEEKDAY_WORD})\.?,?\s+", re.ASCII)
_TIME_AFTER = re.compile(
    r"(?:,?\s+(?:at\s+)?|t)"
    r"(?:(?P<hour>[0-9]{1,2})(?:[:.](?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:\.[0-9]{1,6})?)?)?"
    r"\s*(?:(?P<meridiem>am|pm|a\.m\.|p\.m\.)|(?P<hrs>hrs|hours|h))?"
    r"|(?P<hhmm>[0-9]{4})\s*(?:hrs|hours|h)?"  # police and health records: "1430hrs"
    r"|(?P<word>midday|noon|midnight))$",
    re.ASCII,
)
_YEAR = r"(?P<year>[0-9]{4}|[0-9]{2})"
_DATE_FORMS = (
    # 31/03/2021, 31/3/21, 31-03-2021, 31.03.2021
    ("day", re.compile(rf"^(?P<day>[0-9]{{1,2}})(?P<sep>[-/.])(?P<month>[0-9]{{1,2}})(?P=sep){_YEAR}$", re.ASCII)),
    # 2021-03-31 (ISO), 2021/03/31
    (
        "day",
        re.compile(
            r"^(?P<year>[0-9]{4})(?P<sep>[-/.])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})$",
            re.ASCII,
        ),
    ),
    # 31 March 2021, 31st March 2021, 31st of March 2021, 31-Mar-21, 31 Mar. 2021
    (
        "day",
        re.compile(
            rf"^(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[-/.\s]\s*(?P<month_name>{_MONTH_WORD})\.?,?"
            rf"[-/.\s]\s*{_YEAR}$",
            re.ASCII,
        ),
    ),
    # March 2021, Mar 2021, Mar-2021
    ("month", re.compile(rf"^(?P<month_name>{_MONTH_WORD})\.?,?[-/.\s]\s*(?P<year>[0-9]{{4}})$", re.ASCII)),
    # 03/2021
    ("month", re.compile(r"^(?P<month>[0-9]{1,2})[-/.](?P<year>[0-9]{4})$", re.ASCII)),
    # 2021-03
    ("month", re.compile(r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})$", re.ASCII)),
)
_SHORT_MONTH = re.compile(rf"^(?:{_MONTH_WORD})\.?[-/.\s]\s*[0-9]{{2}}$", re.ASCII)
_YEAR_ONLY = re.compile(r"^[0-9]{4}$", re.ASCII)


class DateError(ValueError):
    """The text is not a date a chronology can hold; the message says what to do."""


@dataclass(frozen=True)
class ParsedDate:
    occurred_on: date
    precision: str  # one of "datetime", "day", "month", "approximate" (models.DatePrecision)
    occurred_at: time | None
    text: str  # the date as written, tidied


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return 2000 + year if year < 70 else 1900 + year
    return year


def _a_year_after(today: date) -> date:
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


def _parse_time(match: re.Match[str], written: str) -> time:
    problem = f"{written} is not a real time: enter a time like 14:30 or 2:30pm"
    word = match["word"]
    if word:
        return time(0, 0) if word == "midnight" else time(12, 0)
    if match["hhmm"]:
        hour, minute, second, meridiem = int(match["hhmm"][:2]), int(match["hhmm"][2:]), 0, ""
    else:
        hour = int(match["hour"])
        minute = int(match["minute"] or 0)
        second = int(match["second"] or 0)
        meridiem = (match["meridiem"] or "").replace(".", "")
        if not meridiem and match["minute"] is None and not match["hrs"]:
            raise DateError(problem)  # a bare number after a date is not a time
    if meridiem:
        if not 1 <= hour <= 12:
            raise DateError(problem)
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DateError(problem)
    return time(hour, minute, second)


def _date_form(text: str) -> tuple[str, re.Match[str]] | None:
    for precision, form in _DATE_FORMS:
        match = form.match(text)
        if match is not None:
            return precision, match
    return None


def _checked_date(year: int, month: int, day: int, written: str) -> date:
    if not 1 <= month <= 12:
        if month > 12:
            raise DateError(f"There is no month {month}: write the day first, like 31/03/2021")
        raise DateError(f"There is no month {month}: enter a month from 1 to 12, like 31/03/2021")
    if year < EARLIEST_YEAR:
        raise DateError(f"Enter a date from {EARLIEST_YEAR} onwards, {EXAMPLE}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise DateError(f"{written} is not a real date: {MONTH_NAMES[month - 1]} {year} has {days} days")
    return date(year, month, day)


def parse_uk_date(text: str, today: date | None = None) -> ParsedDate:
    """The date `text` holds, or DateError with a message that says what to do."""
    return _parse(str(text if text is not None else ""), today or date.today())


@lru_cache(maxsize=4096)  # imports repeat dates: many entries share a day
def _parse(text: str, today: date) -> ParsedDate:
    tidied = " ".join(text.split())
    if not tidied:
        raise DateError(f"Enter the date, {EXAMPLE}")
    if len(tidied) > _INPUT_MAX_LENGTH or not tidied.isascii():
        raise DateError(ENTER_A_REAL_DATE)
    lowered, original = tidied.lower(), tidied

    approximate = False
    marker = _APPROXIMATE_BEFORE.match(lowered)
    if marker:
        approximate, lowered, original = True, lowered[marker.end() :], original[marker.end() :]
    if lowered.endswith("?"):
        approximate, lowered, original = True, lowered[:-1].rstrip(), original[:-1].rstrip()

    weekday = None
    named_day = _WEEKDAY_BEFORE.match(lowered)
    if named_day:
        weekday = _WEEKDAYS[named_day["weekday"]]
        lowered, original = lowered[named_day.end() :], original[named_day.end() :]

    occurred_at = None
    found = _date_form(lowered)
    if found is None:  # perhaps a date and a time after it
        after = _TIME_AFTER.search(lowered)
        if after is not None and after.start() > 0:
            date_part = lowered[: after.start()].rstrip(" ,")
            found = _date_form(date_part)
            if found is not None:
                written = re.sub(r"^(?:at\s+|[tT])", "", original[after.start() :].strip(" ,"))
                occurred_at = _parse_time(after, written)
                lowered, original = date_part, original[: len(date_part)]
    if found is None:
        if _SHORT_MONTH.match(lowered):
            raise DateError("Write the year in full for a month on its own, like March 2021")
        if _YEAR_ONLY.match(lowered):
            raise DateError(f"Enter the month as well as the year, {EXAMPLE}")
        raise DateError(ENTER_A_REAL_DATE)
    precision, match = found
    groups = match.groupdict()
    month = _MONTHS[groups["month_name"]] if groups.get("month_name") else int(groups["month"])
    day = int(groups["day"]) if precision == "day" else 1
    occurred_on = _checked_date(_full_year(groups["year"]), month, day, original)

    if precision == "month":
        if occurred_at is not None:
            raise DateError("Enter the day as well as the time, like 31/03/2021 14:30")
        if weekday is not None:
            raise DateError(ENTER_A_REAL_DATE)
        approximate = False  # a month on its own is already a range
    if weekday is not None and occurred_on.weekday() != weekday:
        raise DateError(
            f"{format_uk_date(occurred_on, 'day')} was a {WEEKDAY_NAMES[occurred_on.weekday()]}, "
            f"not a {WEEKDAY_NAMES[weekday]}: check the date"
        )
    latest = _a_year_after(today)
    if occurred_on > latest:
        raise DateError(f"Enter a date no later than {format_uk_date(latest, 'day')}: check the year")

    if approximate:
        precision = "approximate"
    elif occurred_at is not None:
        precision = "datetime"
    written = tidied if len(tidied) <= TEXT_MAX_LENGTH else format_uk_date(occurred_on, precision, occurred_at)
    return ParsedDate(occurred_on=occurred_on, precision=precision, occurred_at=occurred_at, text=written)


def format_time(value: time) -> str:
    """GOV.UK style: "2:30pm", "9am", "midday", "midnight"."""
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    meridiem = "am" if value.hour < 12 else "pm"
    return f"{hour}{meridiem}" if value.minute == 0 else f"{hour}:{value.minute:02d}{meridiem}"


def format_uk_date(occurred_on: date, precision: str, occurred_at: time | None = None) -> str:
    """ "31 March 2021", "March 2021", "?31 March 2021", "31 March 2021, 2:30pm"."""
    month_year = f"{MONTH_NAMES[occurred_on.month - 1]} {occurred_on.year}"
    if precision == "month":
        return month_year
    written = f"{occurred_on.day} {month_year}"
    if precision == "approximate":
        written = f"?{written}"
    if occurred_at is not None and precision in ("datetime", "approximate"):
        written = f"{written}, {format_time(occurred_at)}"
    return written
