"""Notifications: what a user is told (asked to do, reminded of, warned about), in the application and by e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    """One message to one user. E-mail is not a safe channel: subject and body carry review references and
    pseudonyms only, never a name or detail from the people register or the case records."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    review = models.ForeignKey(
        "reviews.Review", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True, help_text="Path of the page the notification is about")
    key = models.CharField(
        max_length=200, blank=True, help_text="Names what the notification is about, so it is sent only once"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~Q(key=""), name="notification_sent_once"),
        ]

    def __str__(self):
        return f"{self.user}: {self.subject}"
