"""The panel of a review: appointments to its positions, gaps in its composition, independence declarations and
the conflicts the independence check finds."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from casereview.accounts.models import Agency, Membership, Role
from casereview.reviews.models import Review


class Position(models.TextChoices):
    PANEL_CHAIR = "panel_chair", "Panel chair"
    AGENCY_REPRESENTATIVE = "agency_representative", "Agency representative"
    LEGAL_ADVISER = "legal_adviser", "Legal adviser"
    CO_OPTED = "co_opted", "Co-opted member"
    LEAD_REVIEWER = "lead_reviewer", "Lead reviewer"
    IMR_AUTHOR = "imr_author", "IMR author"
    SENIOR_MANAGER = "senior_manager", "Senior manager"


# The role each position grants on the review (IMR author and senior manager with their agency).
POSITION_ROLES = {
    Position.PANEL_CHAIR: Role.PANEL_CHAIR,
    Position.AGENCY_REPRESENTATIVE: Role.PANEL_MEMBER,
    Position.LEGAL_ADVISER: Role.LEGAL_ADVISER,
    Position.CO_OPTED: Role.PANEL_MEMBER,
    Position.LEAD_REVIEWER: Role.LEAD_REVIEWER,
    Position.IMR_AUTHOR: Role.IMR_AUTHOR,
    Position.SENIOR_MANAGER: Role.SENIOR_MANAGER,
}
PANEL_POSITIONS = frozenset(
    {Position.PANEL_CHAIR, Position.AGENCY_REPRESENTATIVE, Position.LEGAL_ADVISER, Position.CO_OPTED}
)
AGENCY_STAFF_POSITIONS = frozenset({Position.IMR_AUTHOR, Position.SENIOR_MANAGER})
# Those who carry out the review declare their independence (the leaflet): the panel, the lead reviewer and
# the IMR authors. A senior manager signs the agency's report off and does not.
DECLARING_POSITIONS = PANEL_POSITIONS | {Position.LEAD_REVIEWER, Position.IMR_AUTHOR}
AGENCY_REQUIRED = frozenset({Position.AGENCY_REPRESENTATIVE, Position.IMR_AUTHOR, Position.SENIOR_MANAGER})
# Positions a review has one holder of at a time.
SINGLE_POSITIONS = frozenset({Position.PANEL_CHAIR, Position.LEAD_REVIEWER})


class Appointment(models.Model):
    """Who holds which position on a review, for which agency, appointed by whom. It is the record; the
    membership it grants is the access. Ending it revokes the membership and keeps the row."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="appointments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments")
    position = models.CharField(max_length=30, choices=Position.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    membership = models.OneToOneField(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointment"
    )
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField("reason", blank=True)

    class Meta:
        ordering = ["review", "appointed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "user", "position"],
                condition=Q(ended_at__isnull=True),
                name="appointment_active_once_per_position",
            ),
        ]

    def __str__(self):
        return f"{self.review.reference}: {self.user} – {self.get_position_display()}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def declares(self) -> bool:
        return self.position in DECLARING_POSITIONS


class SeatGap(models.Model):
    """Why a seat of the panel's required composition is not filled. The latest one for a seat counts."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="seat_gaps")
    seat = models.CharField(max_length=40, help_text="Code of a seat in the review type's panel_seats")
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "recorded_at", "id"]

    def __str__(self):
        return f"{self.review.reference}: {self.seat} not filled"


class Declaration(models.Model):
    """An appointee's declaration of independence. Each one is kept; the latest counts."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="declarations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations")
    not_involved = models.BooleanField(help_text="Not involved in the case")
    no_management_responsibility = models.BooleanField(
        help_text="No direct management responsibility for any aspect of the case"
    )
    independent_of_workers = models.BooleanField(help_text="Independent of the workers involved")
    knowledge_and_experience = models.TextField("child protection knowledge and experience")
    details = models.TextField(blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "user", "declared_at", "id"]

    def __str__(self):
        return f"{self.review.reference}: {self.user}'s declaration"

    @property
    def declares_independence(self) -> bool:
        return self.not_involved and self.no_management_responsibility and self.independent_of_workers


class ConflictSource(models.TextChoices):
    DECLARATION = "declaration", "Declaration"
    PEOPLE_REGISTER = "people_register", "People register"
    INTERVIEW_LIST = "interview_list", "Workers listed by an agency"
    LINE_MANAGEMENT = "line_management", "Line management"
    MANAGED_CASE = "managed_case", "Managed the case"
    CHRONOLOGY = "chronology", "Chronology"


class IndependenceConflict(models.Model):
    """A finding that a person may not be independent of the case. Its key names the finding, so a check run
    again adds only what is new; one no longer found is marked cleared, never deleted. The board chair may
    override it with a recorded reason."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="independence_conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=ConflictSource.choices)
    key = models.CharField(max_length=200, help_text='Names the finding, for example "worker:12:line_manager"')
    description = models.TextField()
    found_at = models.DateTimeField(help_text="When the finding was made, or made again after it cleared")
    raised_at = models.DateTimeField(null=True, blank=True, help_text="When the board managers were told")
    cleared_at = models.DateTimeField(null=True, blank=True, help_text="When the check stopped finding it")
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.TextField("reason", blank=True)

    class Meta:
        ordering = ["review", "found_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user", "key"], name="independence_conflict_key_unique"),
        ]

    def __str__(self):
        return f"{self.review.reference}: {self.user}: {self.description}"

    @property
    def is_unresolved(self) -> bool:
        return self.cleared_at is None and self.overridden_at is None
