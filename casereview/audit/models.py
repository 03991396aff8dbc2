"""Audit events: who did what to which object, when and from where. Rows are only ever added, each
hash-chained to the one before (see `casereview/audit/chain.py` and docs/decisions/0005)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    # Set before the insert (not auto_now_add) because the hash covers it.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    board = models.ForeignKey("accounts.Board", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    review = models.ForeignKey("reviews.Review", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # The place in the chain: 1, 2, 3, … with no gaps; unique, so two writers can never fork the chain.
    sequence = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
