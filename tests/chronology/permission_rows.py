"""This app's rows of the permission matrix (tests/test_permissions.py): the same columns, the same rules.

Each part of the app keeps the state and bodies its rows need in its own module (rows_entries, rows_imports,
rows_integrated); the rows themselves are here."""

from tests.chronology import rows_entries, rows_imports, rows_integrated

PARTS = [rows_entries, rows_imports, rows_integrated]

# fmt: off
#                                                         man cha mem nat pch pme leg lea imr snr wrk out anon
PAGES: dict[str, str] = {
    # entries
    # imports
    # integrated
}

API: dict[str, str] = {
    # entries
    # imports
    # integrated
}
# fmt: on

# Pages that accept POST: a refused POST must answer 404 and change nothing.
POST_PAGES: list[str] = [
    # entries
    # imports
    # integrated
]


def bodies(ids: dict) -> dict:
    """A valid body for each operation of this app that takes one."""
    found = {}
    for part in PARTS:
        found |= part.bodies(ids)
    return found


def prepare(operation: str, side) -> dict | None:
    """The state a page or operation of this app needs, and the ids of what it made; None if not ours."""
    for part in PARTS:
        made = part.prepare(operation, side)
        if made is not None:
            return made
    return None
