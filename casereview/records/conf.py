"""The vault's limits, from settings (overridable in tests) or the environment, with safe defaults."""

import os

from django.conf import settings

from casereview.records.sniff import KINDS, ArchiveLimits

DEFAULT_MAX_BYTES = 100 * 1024 * 1024


def max_bytes() -> int:
    value = getattr(settings, "CASEREVIEW_VAULT_MAX_BYTES", None)
    return int(value if value is not None else os.environ.get("CASEREVIEW_VAULT_MAX_BYTES", DEFAULT_MAX_BYTES))


def allowed_kinds() -> set[str]:
    value = getattr(settings, "CASEREVIEW_VAULT_TYPES", None)
    if value is None:
        value = os.environ.get("CASEREVIEW_VAULT_TYPES", ",".join(KINDS))
    if isinstance(value, str):
        value = value.split(",")
    return {code.strip().lower() for code in value if code.strip().lower() in KINDS}


def archive_limits() -> ArchiveLimits:
    return getattr(settings, "CASEREVIEW_VAULT_ARCHIVE_LIMITS", None) or ArchiveLimits()


def size_label(size: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            amount = size / scale
            return f"{amount:.0f} {unit}" if amount == int(amount) else f"{amount:.1f} {unit}"
    return f"{size} bytes"
