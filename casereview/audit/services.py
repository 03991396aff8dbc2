"""Writing audit events. Called by every service inside its own transaction; `audit_read` for reads."""

import ipaddress
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone

from casereview.audit.chain import GENESIS, HASHED_FIELDS, event_hash
from casereview.audit.models import AuditEvent

# Key of the PostgreSQL advisory lock that serialises appends to the chain ("caserevi" in ASCII).
CHAIN_LOCK_KEY = 0x6361736572657669


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    request_id: str = ""


current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def _lock_chain() -> None:
    """Hold the chain until this transaction ends, so that two writers never read the same last hash.
    SQLite needs nothing: its transactions begin IMMEDIATE (settings), which already serialises writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def audit_record(*, actor, action: str, obj: models.Model, data: dict | None = None, review=None, board=None):
    """Add one event, chained to the last one. `data` holds what changed, in JSON-safe values."""
    context = current_request.get() or RequestContext()
    review = review if review is not None else (obj if obj._meta.label == "reviews.Review" else None)
    if board is None:
        board = getattr(review, "board", None) or getattr(obj, "board", None)
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        board=board,
        review=review,
        data=data or {},
        ip_address=_valid_ip(context.ip_address),
        request_id=context.request_id,
    )
    with transaction.atomic():  # a savepoint inside the caller's transaction, or a transaction of its own
        _lock_chain()
        last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
        event.sequence = last["sequence"] + 1 if last else 1
        event.previous_hash = last["hash"] if last else GENESIS
        event.hash = event_hash(event.previous_hash, {name: getattr(event, name) for name in HASHED_FIELDS})
        event.save(force_insert=True)
    return event


def audit_read(*, actor, action: str, obj: models.Model, review, data: dict | None = None):
    """Record that `actor` read sensitive data: one event per page view or API call, written atomically
    whether or not the caller is in a transaction."""
    with transaction.atomic():
        return audit_record(actor=actor, action=action, obj=obj, review=review, data=data)
