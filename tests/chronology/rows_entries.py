"""The state and bodies this part's permission rows need (see tests/chronology/permission_rows.py)."""


def bodies(ids: dict) -> dict:
    return {}


def prepare(operation: str, side) -> dict | None:
    return None
