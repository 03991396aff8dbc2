"""Writing audit events. Called by every service inside its own transaction."""

from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models

from casereview.audit.models import AuditEvent


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    request_id: str = ""


current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)


def audit_record(*, actor, action: str, obj: models.Model, data: dict | None = None, review=None, board=None):
    """Add one event. `data` holds what changed, in JSON-safe values."""
    context = current_request.get() or RequestContext()
    review = review if review is not None else (obj if obj._meta.label == "reviews.Review" else None)
    if board is None:
        board = getattr(review, "board", None) or getattr(obj, "board", None)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        board=board,
        review=review,
        data=data or {},
        ip_address=context.ip_address,
        request_id=context.request_id,
    )
