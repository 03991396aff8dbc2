"""Interviews with workers. So far: the workers each agency lists as having worked with the family."""

from django.conf import settings
from django.db import models

from casereview.accounts.models import Agency
from casereview.core.models import TimeStampedModel
from casereview.reviews.models import Review


class InvolvedWorkerKind(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner who provided direct services"
    CHILDMINDER = "childminder", "Childminder"
    VOLUNTEER = "volunteer", "Volunteer"
    FOSTER_CARER = "foster_carer", "Foster carer"
    MANAGER = "manager", "Manager"
    SUPERVISOR = "supervisor", "Supervisor"


MANAGING_KINDS = frozenset({InvolvedWorkerKind.MANAGER, InvolvedWorkerKind.SUPERVISOR})


class InvolvedWorker(TimeStampedModel):
    """Someone an agency's reading of its records shows worked with the family, or managed or supervised
    those who did: the list of whom to interview, and what the independence check reads."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="involved_workers")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(max_length=200)
    email = models.EmailField("email address", blank=True)
    kind = models.CharField(max_length=20, choices=InvolvedWorkerKind.choices)
    job_title = models.CharField(max_length=200, blank=True, help_text="For example: health visitor")
    involved_from = models.DateField(null=True, blank=True)
    involved_to = models.DateField(null=True, blank=True)
    line_manager_name = models.CharField(max_length=200, blank=True)
    line_manager_email = models.EmailField("line manager's email address", blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["agency__name", "full_name", "id"]

    def __str__(self):
        return f"{self.full_name} ({self.get_kind_display()}, {self.agency})"
