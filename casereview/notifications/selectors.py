"""The only ways to load notifications: a user's own, and nobody else's; another's answers like a missing one."""

from django.db.models import QuerySet
from django.http import Http404

from casereview.notifications.models import Notification


def notifications_of(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    found = Notification.objects.filter(user=user).select_related("review")
    return found.filter(read_at__isnull=True) if unread_only else found


def notification_for_user_or_404(user, pk) -> Notification:
    try:
        notification = notifications_of(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404("No such notification") from None
    if not user.has_perm("notifications.view_notification", notification):
        raise Http404("No such notification")
    return notification


def unread_count(user) -> int:
    """How many of the user's notifications are unread: one COUNT query, for the header of every page."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
