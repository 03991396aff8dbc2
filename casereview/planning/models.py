"""Planning a review: its terms of reference (versioned, agreed by the panel) and the panel's meetings."""

from django.conf import settings
from django.db import models

from casereview.accounts.models import Agency, Role
from casereview.core.models import TimeStampedModel
from casereview.reviews.models import Review


class TermsOfReference(models.Model):
    """One version of a review's terms of reference. A change is saved as a new version; none is ever edited."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="terms_versions")
    version = models.PositiveIntegerField()
    period_from = models.DateField("start of the period under review")
    period_to = models.DateField("end of the period under review")
    lines_of_enquiry = models.TextField("key lines of enquiry", help_text="One per line")
    agencies = models.ManyToManyField(Agency, related_name="+", verbose_name="agencies in scope")
    family_involvement = models.TextField("how the family is involved")
    change_note = models.TextField("what changed and why", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "-version"]
        verbose_name = "terms of reference"
        verbose_name_plural = "terms of reference"
        constraints = [
            models.UniqueConstraint(fields=["review", "version"], name="terms_of_reference_version_unique"),
        ]

    def __str__(self):
        return f"{self.review.reference}: terms of reference, version {self.version}"

    def enquiry_lines(self) -> list[str]:
        return [line for line in self.lines_of_enquiry.splitlines() if line.strip()]


class Milestone(models.Model):
    """A dated milestone of one version's timetable: saved with its version and never changed."""

    terms = models.ForeignKey(TermsOfReference, on_delete=models.PROTECT, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    label = models.CharField("milestone", max_length=200)
    due_on = models.DateField("date")

    class Meta:
        ordering = ["terms", "position"]
        constraints = [
            models.UniqueConstraint(fields=["terms", "position"], name="milestone_position_unique"),
        ]

    def __str__(self):
        return f"{self.label}: {self.due_on:%-d %B %Y}"


class TermsAgreement(models.Model):
    """The panel's agreement of one version of the terms of reference. A newer version needs its own."""

    terms = models.OneToOneField(TermsOfReference, on_delete=models.PROTECT, related_name="agreement")
    agreed_on = models.DateField("date the panel agreed")
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="terms_agreements"
    )
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["terms"]

    def __str__(self):
        return f"{self.terms}: agreed on {self.agreed_on:%-d %B %Y}"


class Meeting(TimeStampedModel):
    """A meeting of the review's panel: when and where, who attended, what it decided and the actions."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("date of the meeting")
    starts_at = models.TimeField("start time")
    place = models.CharField("where or how it is held", max_length=200)
    others_attending = models.TextField(
        "others attending", blank=True, help_text="One per line, for example a co-opted adviser"
    )
    decisions = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["review", "held_on", "starts_at", "id"]

    def __str__(self):
        return f"{self.review.reference}: panel meeting on {self.held_on:%-d %B %Y}"

    def others_list(self) -> list[str]:
        return [line.strip() for line in self.others_attending.splitlines() if line.strip()]


class Attendance(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Absent"


class MeetingAttendance(models.Model):
    """Whether one member of the panel was at a meeting, with the panel role they held."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=40, choices=Role.choices)
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "user__full_name"]
        verbose_name_plural = "meeting attendance"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_attendance_once_per_user"),
        ]

    def __str__(self):
        return f"{self.user} at {self.meeting}: {self.get_attendance_display()}"


class MeetingAction(models.Model):
    """An action a meeting agreed: what, who (a user of the review, or a name), by when, and when done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    what = models.CharField("action", max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_name = models.CharField("name of who will do it", max_length=200, blank=True)
    due_on = models.DateField("due date")
    done_on = models.DateField("date done", null=True, blank=True)
    done_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "due_on", "id"]

    def __str__(self):
        return f"{self.what} ({self.who}, by {self.due_on:%-d %B %Y})"

    @property
    def who(self) -> str:
        return str(self.owner) if self.owner_id else self.owner_name
