"""Parse the day, month and year boxes of a GOV.UK date input into a date (pure: no Django)."""

import datetime

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS_BY_NAME = {name: number for number, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS_BY_NAME.update({name[:3]: number for number, name in enumerate(MONTH_NAMES, start=1)})
_MONTHS_BY_NAME["sept"] = 9

PARTS = ("day", "month", "year")


class DateInputProblem(Exception):
    """Why the boxes do not make a date; `parts` names the boxes to highlight."""

    def __init__(self, code: str, parts: tuple[str, ...] = PARTS, missing: tuple[str, ...] = ()) -> None:
        super().__init__(code)
        self.code = code  # "incomplete", "year_digits", "invalid" or "future"
        self.parts = parts
        self.missing = missing


def _month_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return _MONTHS_BY_NAME.get(text.lower().rstrip("."))


def parse_date_parts(
    day: str | None,
    month: str | None,
    year: str | None,
    *,
    max_date: datetime.date | None = None,
) -> datetime.date | None:
    """Return the date the boxes hold, None when all three are empty, or raise DateInputProblem."""
    values = {
        part: ("" if value is None else str(value)).strip()
        for part, value in zip(PARTS, (day, month, year), strict=True)
    }
    missing = tuple(part for part in PARTS if not values[part])
    if len(missing) == len(PARTS):
        return None
    if missing:
        raise DateInputProblem("incomplete", parts=missing, missing=missing)

    year_text = values["year"]
    if year_text.isascii() and year_text.isdigit() and len(year_text) != 4:
        raise DateInputProblem("year_digits", parts=("year",))
    day_text, month_text = values["day"], values["month"]
    month_number = _month_number(month_text) if month_text.isascii() else None
    if not (day_text.isascii() and day_text.isdigit() and year_text.isascii() and year_text.isdigit()):
        raise DateInputProblem("invalid")
    if month_number is None:
        raise DateInputProblem("invalid")
    try:
        value = datetime.date(int(year_text), month_number, int(day_text))
    except (ValueError, OverflowError):  # OverflowError: a day or month of many digits
        raise DateInputProblem("invalid") from None
    if max_date is not None and value > max_date:
        raise DateInputProblem("future")
    return value
