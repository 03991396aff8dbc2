"""The only code that writes notifications: make them, e-mail them once the change they report is committed,
and mark them read for the user they were sent to."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from casereview.core.errors import NotAllowed
from casereview.notifications.models import Notification

log = logging.getLogger(__name__)


def notify(*, users: Iterable, subject: str, body: str, link: str = "", review=None, key: str = "") -> list:
    """Tell each of `users` something, in the application and by e-mail. With a `key`, a user already told
    about it is not told again (reminders run daily). The e-mail goes only when the caller's transaction
    commits, so nothing is announced that did not happen. Returns the notifications made."""
    made = []
    for user in {user.pk: user for user in users if user is not None and user.is_active}.values():
        if key and Notification.objects.filter(user=user, key=key).exists():
            continue
        made.append(
            Notification.objects.create(user=user, review=review, subject=subject, body=body, link=link, key=key)
        )
    if made:
        ids = [notification.pk for notification in made]
        transaction.on_commit(lambda: notifications_email(ids=ids))
    return made


def absolute(link: str) -> str:
    return settings.CASEREVIEW_BASE_URL.rstrip("/") + link if link.startswith("/") else link


def notifications_email(*, ids: Iterable[int]) -> int:
    """E-mail each notification not yet e-mailed; one that fails stays unsent for the next try. Returns how
    many were sent."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=list(ids), emailed_at__isnull=True).select_related("user"):
        body = notification.body
        if notification.link:
            body += f"\n\n{absolute(notification.link)}"
        body += "\n\nThis message was sent by Casereview. Sign in to see your notifications."
        message = EmailMessage(notification.subject, body, settings.DEFAULT_FROM_EMAIL, [notification.user.email])
        try:
            message.send()
        except Exception:  # an unreachable mail server must not undo the work the notification reports
            log.exception("Could not e-mail notification %s", notification.pk)
            continue
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def notifications_email_unsent() -> int:
    """Retry every notification whose e-mail could not be sent (run by `casereview remind`)."""
    return notifications_email(ids=Notification.objects.filter(emailed_at__isnull=True).values_list("pk", flat=True))


# Marking read changes only the user's own inbox, not the review: it is not written to the audit trail, whose
# events are what was done to a board's reviews (and a notification holds no register or record data to read).


@transaction.atomic
def notification_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's notifications read (again: the first time is kept)."""
    if not actor.has_perm("notifications.mark_read", notification):
        raise NotAllowed("You do not have permission to change this notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


@transaction.atomic
def notifications_read_all(*, actor) -> int:
    """Mark every unread notification of the actor read. Returns how many were unread."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed("Sign in to see your notifications")
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
