"""Reviews: their type, referral and decision, stage history, deadlines and the people register."""

from django.conf import settings
from django.db import models

from casereview.accounts.models import Agency, Board
from casereview.core.calendar import Unit
from casereview.core.models import TimeStampedModel
from casereview.reviews.stages import KeyEvent, Stage


class ReviewType(TimeStampedModel):
    """A kind of review (SCR, CSPR, SAR, DHR). Its stages, grounds and deadlines are data."""

    code = models.CharField(max_length=10, unique=True, help_text="Used in references, for example SCR")
    name = models.CharField(max_length=100)
    stages = models.JSONField(help_text="The stages this type moves through, in order")
    decision_grounds = models.JSONField(
        default=list,
        help_text='A list of {"code", "label", "requires_review"}; a ground that requires a review '
        "forbids a decision not to hold one",
    )
    panel_seats = models.JSONField(
        default=list,
        help_text='The panel\'s required composition: a list of {"code", "label"} with either "agency_kinds" '
        '(filled by a member representing an agency of one of those kinds) or "position" (filled by a member '
        "appointed to that position, for example legal_adviser)",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def ground_labels(self) -> dict[str, str]:
        return {ground["code"]: ground["label"] for ground in self.decision_grounds}

    def required_grounds(self) -> set[str]:
        return {ground["code"] for ground in self.decision_grounds if ground.get("requires_review")}


class DeadlineRule(models.Model):
    """A deadline of a review type: `amount` `unit`s after one key event, met by another."""

    review_type = models.ForeignKey(ReviewType, on_delete=models.CASCADE, related_name="deadline_rules")
    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)
    starts_from = models.CharField(max_length=20, choices=KeyEvent.choices)
    met_by = models.CharField(max_length=20, choices=KeyEvent.choices)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=20, choices=[(unit.value, unit.value.replace("_", " ")) for unit in Unit])

    class Meta:
        ordering = ["review_type", "id"]
        constraints = [models.UniqueConstraint(fields=["review_type", "key"], name="deadline_rule_key_unique")]

    def __str__(self):
        return f"{self.label}: {self.amount} {self.get_unit_display()} after {self.get_starts_from_display()}"


class Review(TimeStampedModel):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="reviews")
    review_type = models.ForeignKey(ReviewType, on_delete=models.PROTECT, related_name="reviews")
    reference = models.CharField(max_length=40)
    subject_pseudonym = models.CharField(max_length=100, help_text='How reports refer to the subject, e.g. "Child A"')
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.REFERRAL)

    # The referral
    referred_on = models.DateField()
    referred_by_name = models.CharField(max_length=200)
    referred_by_role = models.CharField(max_length=200, blank=True)
    referring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    circumstances = models.TextField()
    incident_date = models.DateField(null=True, blank=True)
    child_died = models.BooleanField(default=False)
    date_of_death = models.DateField(null=True, blank=True)
    incident_notified_on = models.DateField(
        null=True, blank=True, help_text="When the serious incident was notified to Ofsted"
    )

    # Later key dates
    endorsed_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["board", "reference"], name="review_reference_unique_per_board"),
        ]

    def __str__(self):
        return f"{self.reference} ({self.subject_pseudonym})"

    @property
    def caption(self) -> str:
        """How pages name the review above their heading: "SCR-2026-001: Child A"."""
        return f"{self.reference}: {self.subject_pseudonym}"

    def key_date(self, event: str):
        decision = getattr(self, "decision", None)
        return {
            KeyEvent.REFERRAL: self.referred_on,
            KeyEvent.NOTIFICATION: self.incident_notified_on,
            KeyEvent.DECISION: decision.decided_on if decision else None,
            KeyEvent.ENDORSEMENT: self.endorsed_on,
            KeyEvent.PUBLICATION: self.published_on,
            KeyEvent.CLOSURE: self.closed_on,
        }[event]


class DecisionOutcome(models.TextChoices):
    HOLD = "hold", "Hold a review"
    NO_REVIEW = "no_review", "Do not hold a review"


class Decision(models.Model):
    """The chair's decision whether to hold a review, against the review type's grounds."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="decision")
    grounds = models.JSONField(default=list, help_text="Codes of the grounds that apply")
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    rationale = models.TextField(blank=True)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.review.reference}: {self.get_outcome_display()}"

    def ground_labels(self) -> list[str]:
        labels = self.review.review_type.ground_labels()
        return [labels.get(code, code) for code in self.grounds]


class StageChange(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.review.reference}: {self.from_stage or 'new'} → {self.to_stage}"


class DeadlineOverride(models.Model):
    """A deadline set by hand for one review, with the reason. The latest one for a rule applies."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="deadline_overrides")
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["set_at", "id"]

    def __str__(self):
        return f"{self.review.reference}: {self.rule.label} due {self.due_on}"


class Relationship(models.TextChoices):
    SUBJECT = "subject", "Subject of the review"
    SIBLING = "sibling", "Brother or sister"
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent or parent's partner"
    CARER = "carer", "Carer"
    GRANDPARENT = "grandparent", "Grandparent"
    OTHER_RELATIVE = "other_relative", "Other relative"
    OTHER_ADULT = "other_adult", "Other adult"
    OTHER_CHILD = "other_child", "Other child"
    PRACTITIONER = "practitioner", "Practitioner who worked with the family"


class Person(TimeStampedModel):
    """Someone the review concerns, with everything that could identify them and their pseudonym."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="people")
    full_name = models.CharField(max_length=200)
    aliases = models.TextField(blank=True, help_text="Other names and spellings, one per line")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    date_of_birth = models.DateField(null=True, blank=True)
    addresses = models.TextField(blank=True, help_text="One address per line")
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    national_insurance_number = models.CharField(max_length=9, blank=True)
    other_identifiers = models.TextField(blank=True, help_text="One per line, for example: Police PNC 12/345678A")
    pseudonym = models.CharField(max_length=100, help_text='How reports refer to them, for example "Mother"')

    class Meta:
        ordering = ["review", "id"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(fields=["review", "pseudonym"], name="person_pseudonym_unique_per_review"),
        ]

    def __str__(self):
        return self.pseudonym

    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def address_list(self) -> list[str]:
        return [line.strip() for line in self.addresses.splitlines() if line.strip()]


class PlaceKind(models.TextChoices):
    HOME = "home", "Home address"
    SCHOOL = "school", "School"
    NURSERY = "nursery", "Nursery or childminder"
    GP_SURGERY = "gp_surgery", "GP surgery"
    HOSPITAL = "hospital", "Hospital or ward"
    WORKPLACE = "workplace", "Workplace"
    TOWN = "town", "Town or area"
    OTHER = "other", "Other"


class Place(TimeStampedModel):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="places")
    kind = models.CharField(max_length=20, choices=PlaceKind.choices)
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    pseudonym = models.CharField(max_length=100, help_text='How reports refer to it, for example "School 1"')

    class Meta:
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "pseudonym"], name="place_pseudonym_unique_per_review"),
        ]

    def __str__(self):
        return self.pseudonym
