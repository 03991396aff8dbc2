"""The records vault: each agency's confirmation that its case records are secured, and its case-record files."""

from django.conf import settings
from django.db import models

from casereview.accounts.models import Agency
from casereview.records.sniff import KINDS
from casereview.reviews.models import Review

KIND_CHOICES = [(kind.code, kind.label) for kind in KINDS.values()]


class RecordsSecured(models.Model):
    """An agency's confirmation, once per review, that its case records are secured against loss."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="records_secured")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    secured_on = models.DateField("date the records were secured")
    note = models.TextField(blank=True, help_text="Where the records are held and how they were secured")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__name"]
        verbose_name = "records secured confirmation"
        verbose_name_plural = "records secured confirmations"
        constraints = [
            models.UniqueConstraint(fields=["review", "agency"], name="records_secured_once_per_agency"),
        ]

    def __str__(self):
        return f"{self.review.reference}: {self.agency} records secured on {self.secured_on:%d %B %Y}"


class CaseRecord(models.Model):
    """One case record of an agency on a review (for example "Children's services case file"): a series
    of file versions, of which the latest is current. Nothing is ever deleted or replaced."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="case_records")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    title_key = models.CharField(max_length=200, help_text="The title folded, so versions match whatever the case")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["review", "agency", "title_key"], name="case_record_title_unique"),
        ]

    def __str__(self):
        return f"{self.review.reference}: {self.agency}: {self.title}"


class CaseRecordFile(models.Model):
    """One version of a case record: a file kept content-addressed (by SHA-256) in the vault."""

    record = models.ForeignKey(CaseRecord, on_delete=models.PROTECT, related_name="files")
    version = models.PositiveIntegerField()
    name = models.CharField("file name", max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["record", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["record", "version"], name="case_record_version_unique"),
        ]

    def __str__(self):
        return f"{self.record.title} v{self.version} ({self.name})"

    @property
    def storage_path(self) -> str:
        return blob_path(self.sha256)

    @property
    def mime(self) -> str:
        return KINDS[self.kind].mime


def blob_path(sha256: str) -> str:
    return f"vault/{sha256[:2]}/{sha256}"


class AgencyVault:
    """The part of a review's vault that belongs to one agency: what the permission rules are asked about."""

    def __init__(self, review: Review, agency: Agency):
        self.review = review
        self.agency = agency

    def __repr__(self):
        return f"<AgencyVault review={self.review.pk} agency={self.agency.pk}>"
