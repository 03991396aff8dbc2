"""Users, boards (the tenants), agencies and the memberships that give users roles."""

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from casereview.core.models import TimeStampedModel


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("Enter an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("may use the Django admin", default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Part of every session's auth hash: a new value ends all of the user's sessions ("sign out everywhere").
    session_token = models.CharField(max_length=64, default=new_session_token, editable=False)
    # When a link to set the password was last e-mailed: password reset requests are limited by it.
    password_link_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def _get_session_auth_hash(self, secret=None):
        # Django checks this hash on every request (and its fallbacks for old secret keys); adding the session
        # token to the password hash lets one write end every session, as a password change does.
        key_salt = "casereview.accounts.User.session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_token}", secret=secret, algorithm="sha256"
        ).hexdigest()


class Board(TimeStampedModel):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, help_text="Used in review references, for example NSCB")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class AgencyKind(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    HEALTH_COMMISSIONER = "health_commissioner", "Health commissioner"
    NHS_TRUST = "nhs_trust", "NHS trust"
    GP_PRIMARY_CARE = "gp_primary_care", "GP and primary care"
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    EDUCATION = "education", "Education"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    HOUSING = "housing", "Housing"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    OTHER = "other", "Other"


class Agency(TimeStampedModel):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=AgencyKind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="agency_name_unique_per_board"),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    BOARD_MANAGER = "board_manager", "Board manager"
    BOARD_CHAIR = "board_chair", "Board chair"
    BOARD_MEMBER = "board_member", "Board member"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    PANEL_MEMBER = "panel_member", "Panel member"
    LEGAL_ADVISER = "legal_adviser", "Legal adviser"
    LEAD_REVIEWER = "lead_reviewer", "Lead reviewer"
    IMR_AUTHOR = "imr_author", "Agency IMR author"
    SENIOR_MANAGER = "senior_manager", "Agency senior manager"
    WORKER = "worker", "Worker"
    NATIONAL_BODY = "national_body", "National body recipient"


BOARD_ROLES = frozenset({Role.BOARD_MANAGER, Role.BOARD_CHAIR, Role.BOARD_MEMBER, Role.NATIONAL_BODY})
REVIEW_ROLES = frozenset({Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER, Role.WORKER})
AGENCY_ROLES = frozenset({Role.IMR_AUTHOR, Role.SENIOR_MANAGER})


class Membership(TimeStampedModel):
    """A role held by a user on a board, on an agency, or on one review (optionally for an agency)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships")
    review = models.ForeignKey(
        "reviews.Review", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )

    class Meta:
        ordering = ["board", "role"]
        # One constraint per scope, because SQLite cannot treat NULLs as equal in one constraint.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "board"],
                condition=Q(agency__isnull=True, review__isnull=True),
                name="membership_unique_on_board",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "agency"],
                condition=Q(agency__isnull=False, review__isnull=True),
                name="membership_unique_on_agency",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "review"],
                condition=Q(agency__isnull=True, review__isnull=False),
                name="membership_unique_on_review",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "review", "agency"],
                condition=Q(agency__isnull=False, review__isnull=False),
                name="membership_unique_on_review_for_agency",
            ),
        ]

    def __str__(self):
        where = self.review or self.agency or self.board
        return f"{self.user} – {self.get_role_display()} – {where}"

    def clean(self):
        if self.agency_id and self.agency.board_id != self.board_id:
            raise ValidationError({"agency": "Choose an agency of this board"})
        if self.review_id and self.review.board_id != self.board_id:
            raise ValidationError({"review": "Choose a review of this board"})
        if self.role in REVIEW_ROLES and not self.review_id:
            raise ValidationError({"review": f"Choose the review this {self.get_role_display().lower()} is on"})
        if self.role in AGENCY_ROLES and not self.agency_id:
            raise ValidationError({"agency": f"Choose the agency this {self.get_role_display().lower()} is in"})
        if self.role in BOARD_ROLES and (self.review_id or self.agency_id):
            raise ValidationError({"role": f"A {self.get_role_display().lower()} belongs to the whole board"})


class ApiToken(TimeStampedModel):
    """A bearer token for the JSON API. Only its SHA-256 is kept; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.user})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "crv_" + secrets.token_urlsafe(32)
