"""API operations on the caller's own notifications: list them, mark one or all of them read."""

from datetime import datetime

from ninja import Router, Schema

from casereview.core.schemas import ERRORS
from casereview.notifications import services
from casereview.notifications.models import Notification
from casereview.notifications.selectors import notification_for_user_or_404, notifications_of

router = Router(tags=["Notifications"])


class NotificationOut(Schema):
    id: int
    review_id: int | None
    subject: str
    body: str
    link: str
    url: str
    created_at: datetime
    read_at: datetime | None
    unread: bool


class MarkedOut(Schema):
    marked: int


def notification_out(notification: Notification) -> dict:
    return {
        "id": notification.pk,
        "review_id": notification.review_id,
        "subject": notification.subject,
        "body": notification.body,
        "link": notification.link,
        "url": services.absolute(notification.link) if notification.link else "",
        "created_at": notification.created_at,
        "read_at": notification.read_at,
        "unread": notification.read_at is None,
    }


@router.get("", response={200: list[NotificationOut], **ERRORS}, summary="Your notifications")
def notification_list(request, unread: bool = False):
    """Your notifications, newest first; `unread=true` for the unread ones only."""
    return [notification_out(n) for n in notifications_of(request.user, unread_only=unread)]


@router.post("/read-all", response={200: MarkedOut, **ERRORS}, summary="Mark all your notifications read")
def notifications_read_all(request):
    return {"marked": services.notifications_read_all(actor=request.user)}


@router.post("/{notification_id}/read", response={200: NotificationOut, **ERRORS}, summary="Mark a notification read")
def notification_read(request, notification_id: int):
    notification = notification_for_user_or_404(request.user, notification_id)
    return notification_out(services.notification_read(actor=request.user, notification=notification))
