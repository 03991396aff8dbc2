"""This app's rows of the permission matrix (tests/test_permissions.py): the same columns, the same rules."""

# fmt: off
#                                                         man cha mem nat pch pme leg lea imr snr wrk out anon
PAGES: dict[str, str] = {
}

API: dict[str, str] = {
}
# fmt: on

# Pages that accept POST: a refused POST must answer 404 and change nothing.
POST_PAGES: list[str] = []


def bodies(ids: dict) -> dict:
    """A valid body for each operation of this app that takes one."""
    return {}


def prepare(operation: str, side) -> dict | None:
    """The state a page or operation of this app needs, and the ids of what it made; None if not ours."""
    return None
