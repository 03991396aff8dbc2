"""The only way to load audit events: a review's trail, for those who may see it."""

from django.db.models import QuerySet
from django.http import Http404

from casereview.audit.models import AuditEvent


def trail_of(user, review) -> QuerySet[AuditEvent]:
    """The review's events, newest first. Not allowed answers like a missing review."""
    if not user.has_perm("audit.view_trail", review):
        raise Http404("No such review")
    return AuditEvent.objects.filter(review=review).select_related("actor").order_by("-id")
