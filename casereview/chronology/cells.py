"""Make text safe to put in a spreadsheet cell: nothing a user wrote may become a formula (CSV injection).

Pure: imports nothing from Django. The rule is OWASP's: a string starting with "=", "+", "-", "@", a tab or a
carriage return gets a leading apostrophe, which spreadsheets show as text and do not evaluate. Anything else,
and any value that is not a string (numbers, dates), is returned unchanged.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise[T](value: T) -> T:
    """`value`, with a leading apostrophe when it is a string a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"  # type: ignore[return-value]  # still a str
    return value


def neutralise_row(values: list | tuple) -> list:
    """Every cell of a row, neutralised."""
    return [neutralise(value) for value in values]
