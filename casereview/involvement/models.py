"""The agencies involved in a review: each asked to review its involvement, with its deadlines and status."""

from django.conf import settings
from django.db import models

from casereview.accounts.models import Agency
from casereview.reviews.models import Review

# The deadlines of an agency on a review, in the order the work is done, with the words pages use for each.
DEADLINE_FIELDS = ("records_secured_due_on", "initial_report_due_on", "chronology_due_on", "imr_due_on")
DEADLINE_LABELS = {
    "records_secured_due_on": "Records secured",
    "initial_report_due_on": "Initial report",
    "chronology_due_on": "Chronology",
    "imr_due_on": "IMR",
}
# What each deadline is for, in a few words (e-mail subjects): "... is to compile its chronology by 4 March 2026".
DEADLINE_TASK = {
    "records_secured_due_on": "secure its case records",
    "initial_report_due_on": "send its initial report",
    "chronology_due_on": "compile its chronology",
    "imr_due_on": "write its IMR",
}
# What each deadline is for, in a sentence: "... its records secured by 10 March 2026".
DEADLINE_WORK = {
    "records_secured_due_on": "secure its case records",
    "initial_report_due_on": "send an initial report of the issues apparent at once",
    "chronology_due_on": "compile its chronology of its involvement",
    "imr_due_on": "write its individual management review (IMR), signed off by its senior manager",
}


class AgencyInvolvement(models.Model):
    """One agency of the board asked to review its involvement with the family: what it is asked, by when,
    and whether it was withdrawn. Who writes its IMR and signs it off are panel appointments."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="involvements")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    asked_on = models.DateField("date the agency was asked", null=True, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    request_note = models.TextField(
        "what the agency is asked", blank=True, help_text="Anything the agency is asked beyond the usual requests"
    )

    records_secured_due_on = models.DateField("records secured deadline", null=True, blank=True)
    initial_report_due_on = models.DateField("initial report deadline", null=True, blank=True)
    chronology_due_on = models.DateField("chronology deadline", null=True, blank=True)
    imr_due_on = models.DateField("IMR deadline", null=True, blank=True)

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "agency__name"]
        verbose_name = "agency involved"
        verbose_name_plural = "agencies involved"
        constraints = [
            models.UniqueConstraint(fields=["review", "agency"], name="involvement_once_per_agency"),
        ]

    def __str__(self):
        return f"{self.review.reference}: {self.agency}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def has_deadlines(self) -> bool:
        return all(getattr(self, field) is not None for field in DEADLINE_FIELDS)

    def deadlines(self) -> dict[str, object]:
        return {field: getattr(self, field) for field in DEADLINE_FIELDS}
