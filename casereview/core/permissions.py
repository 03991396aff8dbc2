"""The two ways code asks a permission rule: a read answers 404 (not allowed looks exactly like not found), a
write is refused with a reason."""

from django.http import Http404

from casereview.core.errors import NotAllowed


def require_or_404(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise Http404("Not found")


def require_or_refuse(actor, perm: str, obj, what: str) -> None:
    """Refuse `actor` unless the rule allows; `what` completes "You do not have permission to …"."""
    if not actor.has_perm(perm, obj):
        raise NotAllowed(f"You do not have permission to {what}")
