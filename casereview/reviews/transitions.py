"""The one table of stage moves, each with the guard that says in plain words what is missing."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from casereview.involvement.selectors import set_up_missing as agencies_missing
from casereview.panel.selectors import set_up_missing as panel_missing
from casereview.planning.selectors import set_up_missing as terms_missing
from casereview.reviews.models import DecisionOutcome, Review
from casereview.reviews.stages import Stage


class Missing(str):
    """What a guard finds missing, in plain words, and the page (URL name) where it is put right."""

    page: str

    def __new__(cls, text: str, page: str = "reviews:review"):
        missing = super().__new__(cls, text)
        missing.page = page
        return missing


# A guard returns the list of what is missing; an empty list lets the move happen.
Guard = Callable[[Review, date | None], list[Missing]]


def referral_complete(review: Review, on: date | None) -> list[str]:
    missing = []
    if not review.incident_notified_on:
        missing.append(Missing("Record the date the serious incident was notified to Ofsted", "reviews:referral"))
    if not review.people.filter(relationship="subject").exists():
        missing.append(
            Missing(
                f"Add {review.subject_pseudonym} to the people register as the subject of the review", "reviews:people"
            )
        )
    return missing


def decided_to_hold(review: Review, on: date | None) -> list[str]:
    decision = getattr(review, "decision", None)
    if decision is None:
        return [Missing("Record the chair's decision to hold a review", "reviews:decision")]
    if decision.outcome != DecisionOutcome.HOLD:
        return [Missing("The chair decided not to hold a review: close it instead")]
    return []


def decided_not_to_hold(review: Review, on: date | None) -> list[str]:
    decision = getattr(review, "decision", None)
    if decision is None:
        return [Missing("Record the chair's decision first", "reviews:decision")]
    if decision.outcome != DecisionOutcome.NO_REVIEW:
        return [Missing("The chair decided to hold a review: it cannot be closed at the decision stage")]
    return []


def set_up_complete(review: Review, on: date | None) -> list[str]:
    """The leaflet's set-up: the panel appointed and independent, the agencies asked and their records
    secured, the terms of reference agreed."""
    found = [*panel_missing(review), *agencies_missing(review), *terms_missing(review)]
    return [Missing(text, page) for text, page in found]


def dated(event: str, after: Callable[[Review], date | None], after_label: str) -> Guard:
    """A move that marks a key event needs the event's date: not in the future, not before `after`."""

    def guard(review: Review, on: date | None) -> list[str]:
        if on is None:
            return [Missing(f"Enter the date {event}", "reviews:stage")]
        earlier = after(review)
        if earlier and on < earlier:
            return [Missing(f"The date {event} must be on or after {after_label}", "reviews:stage")]
        return []

    return guard


def nothing_required(review: Review, on: date | None) -> list[str]:
    return []


def decision_date(review: Review) -> date | None:
    decision = getattr(review, "decision", None)
    return decision.decided_on if decision else None


@dataclass(frozen=True)
class Move:
    from_stage: Stage
    to_stage: Stage
    guard: Guard
    action: str  # the button's words
    sets_date: str | None = None  # the review field the move's date is kept in


MOVES = [
    Move(Stage.REFERRAL, Stage.DECISION, referral_complete, "Send for the chair's decision"),
    Move(Stage.DECISION, Stage.SET_UP, decided_to_hold, "Start setting up the review"),
    Move(Stage.DECISION, Stage.CLOSED, decided_not_to_hold, "Close: no review to be held", "closed_on"),
    Move(Stage.SET_UP, Stage.AGENCY_REVIEWS, set_up_complete, "Start the agency reviews"),
    # Later capabilities add their preconditions here (chronologies and IMRs submitted, rounds closed).
    Move(Stage.AGENCY_REVIEWS, Stage.OVERVIEW, nothing_required, "Start the overview"),
    Move(Stage.OVERVIEW, Stage.CONSULTATION, nothing_required, "Start consultation with workers"),
    Move(Stage.CONSULTATION, Stage.ENDORSEMENT, nothing_required, "Send to the board for endorsement"),
    Move(
        Stage.ENDORSEMENT,
        Stage.SUBMISSION,
        dated("the board endorsed the report", decision_date, "the date of the decision"),
        "Record the board's endorsement",
        "endorsed_on",
    ),
    Move(
        Stage.SUBMISSION,
        Stage.LEARNING,
        dated("the reports were published", lambda r: r.endorsed_on, "the date of endorsement"),
        "Record publication",
        "published_on",
    ),
    Move(
        Stage.LEARNING,
        Stage.CLOSED,
        dated("the review was closed", lambda r: r.published_on, "the date of publication"),
        "Close the review",
        "closed_on",
    ),
]


def moves_from(review: Review) -> list[Move]:
    """The moves the review's type allows from its current stage."""
    stages = set(review.review_type.stages)
    return [m for m in MOVES if m.from_stage == review.stage and m.to_stage in stages]


def find_move(review: Review, to_stage: str) -> Move | None:
    return next((m for m in moves_from(review) if m.to_stage == to_stage), None)
