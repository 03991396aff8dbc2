"""The stages of a review and the one table of moves between them."""

from django.db import models


class Stage(models.TextChoices):
    REFERRAL = "referral", "Referral"
    DECISION = "decision", "Decision"
    SET_UP = "set_up", "Set-up"
    AGENCY_REVIEWS = "agency_reviews", "Agency reviews"
    OVERVIEW = "overview", "Overview"
    CONSULTATION = "consultation", "Consultation"
    ENDORSEMENT = "endorsement", "Endorsement"
    SUBMISSION = "submission", "Submission and publication"
    LEARNING = "learning", "Learning"
    CLOSED = "closed", "Closed"


STAGE_ORDER = list(Stage)


class KeyEvent(models.TextChoices):
    """Dates on a review that deadlines count from and are met by."""

    REFERRAL = "referral", "Referral"
    NOTIFICATION = "notification", "Serious incident notified"
    DECISION = "decision", "Decision"
    ENDORSEMENT = "endorsement", "Endorsement by the board"
    PUBLICATION = "publication", "Publication"
    CLOSURE = "closure", "Closure"
