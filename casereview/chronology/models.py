"""Chronologies: each agency's account of its work with the family, in versions, and the lead reviewer's notes on
the integrated chronology."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from casereview.accounts.models import Agency
from casereview.chronology.dates import format_uk_date
from casereview.records.models import CaseRecordFile
from casereview.reviews.models import Person, Review


class ChronologyVersion(models.Model):
    """One version of an agency's chronology for a review. The latest is the draft until it is submitted; a
    submitted version is locked, and a change starts a new draft from a copy of its entries."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="chronology_versions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "agency__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "agency", "number"], name="chronology_version_unique"),
            # At most one draft per agency and review.
            models.UniqueConstraint(
                fields=["review", "agency"], condition=Q(submitted_at__isnull=True), name="chronology_one_draft"
            ),
        ]

    def __str__(self):
        state = "submitted" if self.submitted_at else "draft"
        return f"{self.review.reference}: {self.agency} chronology v{self.number} ({state})"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class DatePrecision(models.TextChoices):
    DATE_AND_TIME = "datetime", "Date and time"
    DAY = "day", "Day"
    MONTH = "month", "Month only"
    APPROXIMATE = "approximate", "Approximate"


class SourceKind(models.TextChoices):
    RECORD = "record", "A file in the records vault"
    INTERVIEW = "interview", "An interview"
    OTHER = "other", "Another reference"


class Significance(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SIGNIFICANT = "significant", "Significant"
    KEY_PRACTICE_EPISODE = "key", "Key practice episode"


class ChronologyEntry(models.Model):
    """One event in an agency's chronology. `key` stays the same when a new version copies the entry, so the lead
    reviewer's notes and links follow the event from version to version."""

    version = models.ForeignKey(ChronologyVersion, on_delete=models.PROTECT, related_name="entries")
    key = models.UUIDField(default=uuid.uuid4, db_index=True)
    # When: `occurred_on` orders the entry (the first day of the month for "month only"); `date_text` is the date
    # as the agency wrote it, e.g. "?22 May 2016".
    occurred_on = models.DateField()
    occurred_at = models.TimeField(null=True, blank=True)
    precision = models.CharField(max_length=20, choices=DatePrecision.choices, default=DatePrecision.DAY)
    date_text = models.CharField(max_length=40, blank=True)
    sequence = models.PositiveIntegerField(default=1, help_text="Order among the agency's entries of the same day")
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices, blank=True)
    source_file = models.ForeignKey(CaseRecordFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_reference = models.CharField(max_length=300, blank=True)
    people = models.ManyToManyField(Person, blank=True, related_name="chronology_entries")
    practitioners = models.CharField(
        max_length=300, blank=True, help_text="Practitioners' roles (and names where the agency records them)"
    )
    what_happened = models.TextField()
    action = models.TextField("action or decision taken", blank=True)
    outcome = models.TextField(blank=True)
    significance = models.CharField(max_length=20, choices=Significance.choices, default=Significance.ROUTINE)
    analysis = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "occurred_on", "occurred_at", "sequence", "id"]
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["version", "occurred_on", "sequence"], name="chronology_entry_order")]

    def __str__(self):
        return f"{self.date_text or self.occurred_on}: {self.what_happened[:60]}"

    @property
    def date_label(self) -> str:
        """The date the GOV.UK way, with its precision: "31 March 2021, 2:30pm", "March 2021", "?22 May 2016"."""
        return format_uk_date(self.occurred_on, self.precision, self.occurred_at)

    @property
    def has_source(self) -> bool:
        return bool(self.source_file_id or self.source_reference.strip())


class PairDecision(models.TextChoices):
    LINKED = "linked", "The same event"
    DISMISSED = "dismissed", "Different events"


class EntryPair(models.Model):
    """The lead reviewer's decision on two entries the integrated chronology marked as possibly the same event
    (by entry key, so it holds across versions)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="chronology_pairs")
    first_key = models.UUIDField()
    second_key = models.UUIDField()
    decision = models.CharField(max_length=20, choices=PairDecision.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["review", "first_key", "second_key"], name="chronology_pair_unique"),
        ]

    def __str__(self):
        return f"{self.review.reference}: {self.first_key} / {self.second_key} {self.decision}"


class EntryAnnotation(models.Model):
    """The lead reviewer's note and themes on an event of the integrated chronology (by entry key). A new note is
    a new row; the latest is shown."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="chronology_annotations")
    entry_key = models.UUIDField(db_index=True)
    note = models.TextField(blank=True)
    themes = models.JSONField(default=list)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "entry_key", "written_at", "id"]

    def __str__(self):
        return f"{self.review.reference}: note on {self.entry_key}"


# The themes reviews commonly find (domain notes), for tagging entries and, later, lessons.
THEMES = [
    "Information sharing",
    "Risk assessment",
    "Critical thinking and challenge",
    "The voice and daily life of the child",
    "Domestic abuse, parental mental ill-health and substance misuse",
    "Non-engaging or hostile families",
    "Invisible fathers and men",
    "Race, culture and identity",
    "Disability",
    "Neglect",
    "Babies and non-accidental injury",
    "Intrafamilial sexual abuse",
    "Risks outside the home",
    "Children missing education",
    "Supervision and management oversight",
    "Thresholds",
    "Workload",
    "Escalation",
    "Recording and chronologies",
    "Pre-birth assessment",
]


class ImportStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    CHECKING = "checking", "Checking the rows"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Not imported"


class ImportFileKind(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel spreadsheet"


class ChronologyImport(models.Model):
    """A spreadsheet uploaded to fill an agency's draft chronology: the file (kept privately by its SHA-256), which
    column holds which part of an entry, and how far checking and importing went. Every row goes in, or none."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="chronology_imports")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    file_kind = models.CharField(max_length=10, choices=ImportFileKind.choices)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    headers = models.JSONField(default=list, help_text="The file's column headings, in order")
    header_row = models.PositiveIntegerField(default=1)
    first_row = models.JSONField(default=list, help_text="The first row of events as text, shown beside the headings")
    # {entry part: column number, 1 for the first column}; the user confirms it before the rows are checked.
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.WAITING)
    rows_total = models.PositiveIntegerField(null=True, blank=True, help_text="None until the rows are counted")
    rows_done = models.PositiveIntegerField(default=0)
    # [[row number as the spreadsheet shows it, column heading or "", problem], …]
    row_errors = models.JSONField(default=list)
    problem = models.TextField(blank=True, help_text="Why the file as a whole could not be imported")
    preview = models.JSONField(default=list, help_text="The first rows as they will be imported")
    checked_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    version = models.ForeignKey(
        ChronologyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="imports"
    )
    entries_added = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "agency__name", "created_at", "id"]

    def __str__(self):
        return f"{self.review.reference}: {self.agency} import of {self.file_name} ({self.get_status_display()})"

    @property
    def is_ready(self) -> bool:
        """Checked with the confirmed columns, no row has a problem: it can be imported."""
        return self.status == ImportStatus.WAITING and self.checked_at is not None and not self.row_errors

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)
