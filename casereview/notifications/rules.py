"""Permission rules for notifications: a notification is seen and marked read by the user it was sent to, and
by no one else (not even the board manager: it is that user's own inbox)."""

import rules


@rules.predicate
def is_recipient(user, notification) -> bool:
    return notification is not None and getattr(user, "is_authenticated", False) and notification.user_id == user.pk


rules.add_perm("notifications.view_notification", is_recipient)
rules.add_perm("notifications.mark_read", is_recipient)
