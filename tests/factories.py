"""Factories for plain rows, and helpers that build reviews through the services, as users would.

A review's state matters (its stage history, decision, audit trail), so a review at any stage is
reached by calling the same services the pages call: `referred_review`, `review_at_decision`,
`decided_review` and `review_at_stage`. Dates are relative to today (`timezone.localdate()`), the
day the services compare against.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from casereview.accounts.models import Agency, AgencyKind, Board, Membership, Role, User
from casereview.accounts.services import membership_grant
from casereview.involvement.models import AgencyInvolvement
from casereview.involvement.services import (
    default_deadlines,
    involvement_add,
    involvement_ask,
    involvement_nominate,
    involvement_set_deadlines,
)
from casereview.panel.models import Position
from casereview.panel.services import appointment_make, declaration_make, seat_gap_record
from casereview.planning.services import terms_agree, terms_save
from casereview.records.models import AgencyVault
from casereview.records.services import records_secure
from casereview.reviews.models import Review, ReviewType
from casereview.reviews.services import person_add, review_change_stage, review_decide, review_refer
from casereview.reviews.stages import STAGE_ORDER, Stage
from casereview.reviews.transitions import find_move

PASSWORD = "demo-password-123"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password = Password(PASSWORD)


class BoardFactory(DjangoModelFactory):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Northbury {n} Safeguarding Children Board")
    short_name = factory.Sequence(lambda n: f"NSCB{n}")


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.POLICE


def today() -> date:
    return timezone.localdate()


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def scr() -> ReviewType:
    """The Serious Case Review type, loaded by a data migration."""
    return ReviewType.objects.get(code="SCR")


def grant(user, role: str, board: Board, *, review: Review | None = None, agency: Agency | None = None) -> Membership:
    """A membership given by the system (actor None), as set-up and the demo do."""
    return membership_grant(actor=None, user=user, role=role, board=board, review=review, agency=agency)


@dataclass(frozen=True)
class BoardStaff:
    board: Board
    manager: User
    chair: User


def make_board_with_staff(**board_fields) -> BoardStaff:
    """A board with a board manager and a board chair."""
    board = BoardFactory(**board_fields)
    manager = UserFactory(full_name="Mary Manager")
    chair = UserFactory(full_name="Charles Chair")
    grant(manager, Role.BOARD_MANAGER, board)
    grant(chair, Role.BOARD_CHAIR, board)
    return BoardStaff(board, manager, chair)


def referral(**overrides) -> dict:
    """The details of a referral: valid by default, referred 60 days ago."""
    values = {
        "subject_pseudonym": "Child A",
        "referred_on": days_ago(60),
        "referred_by_name": "Rita Referrer",
        "referred_by_role": "Social worker",
        "circumstances": "A child was admitted to hospital with unexplained injuries.",
        "incident_date": days_ago(62),
    }
    return values | overrides


def referred_review(board: Board, manager: User, *, review_type: ReviewType | None = None, **overrides) -> Review:
    """A review at the referral stage, recorded by `manager` through `review_refer`."""
    reference = overrides.pop("reference", "")
    return review_refer(
        actor=manager, board=board, review_type=review_type or scr(), reference=reference, **referral(**overrides)
    )


def add_subject(review: Review, actor: User, **overrides):
    values = {
        "full_name": "Alex Example",
        "relationship": "subject",
        "pseudonym": review.subject_pseudonym,
    }
    return person_add(actor=actor, review=review, **(values | overrides))


def review_at_decision(board: Board, manager: User, **overrides) -> Review:
    """A referral made complete (Ofsted notified, subject on the register) and sent for the decision."""
    overrides.setdefault("incident_notified_on", days_ago(61))
    review = referred_review(board, manager, **overrides)
    add_subject(review, manager)
    return review_change_stage(actor=manager, review=review, to_stage=Stage.DECISION)


def decided_review(
    board: Board,
    manager: User,
    chair: User,
    *,
    outcome: str = "hold",
    grounds: tuple[str, ...] = ("inter_agency_concerns",),
    rationale: str = "Agencies did not share what they knew.",
    decided_on: date | None = None,
    **overrides,
) -> Review:
    """A review the chair decided on (by default: hold a review), now at set-up or closed."""
    review = review_at_decision(board, manager, **overrides)
    review_decide(
        actor=chair,
        review=review,
        grounds=list(grounds),
        outcome=outcome,
        rationale=rationale,
        decided_on=decided_on or review.referred_on + timedelta(days=7),
    )
    return Review.objects.get(pk=review.pk)


@dataclass(frozen=True)
class Team:
    panel_chair: User
    lead_reviewer: User
    agency: Agency | None = None
    imr_author: User | None = None
    senior_manager: User | None = None


def appoint_team(review: Review) -> Team:
    """A panel chair and a lead reviewer on the review, as plain memberships (no appointment, no declaration)."""
    team = Team(UserFactory(full_name="Pat Panelchair"), UserFactory(full_name="Lee Leadreviewer"))
    grant(team.panel_chair, Role.PANEL_CHAIR, review.board, review=review)
    grant(team.lead_reviewer, Role.LEAD_REVIEWER, review.board, review=review)
    return team


def declare(user: User, review: Review) -> None:
    declaration_make(
        actor=user,
        review=review,
        not_involved=True,
        no_management_responsibility=True,
        independent_of_workers=True,
        knowledge_and_experience="Twelve years in child protection.",
    )


def set_up_review(review: Review, manager: User, chair: User) -> Team:
    """Everything set-up needs, done through the services: a panel chair and a lead reviewer appointed and
    declared, the other seats' gaps explained, one agency asked (IMR author declared) with its records
    secured, and the terms of reference agreed."""
    panel_chair = UserFactory(full_name="Pat Panelchair")
    lead_reviewer = UserFactory(full_name="Lee Leadreviewer")
    appointment_make(actor=manager, review=review, user=panel_chair, position=Position.PANEL_CHAIR)
    appointment_make(actor=manager, review=review, user=lead_reviewer, position=Position.LEAD_REVIEWER)
    for seat in review.review_type.panel_seats:
        seat_gap_record(actor=manager, review=review, seat=seat["code"], reason="Covered by the chair's agency")
    agency = AgencyFactory(board=review.board, name=f"Children's services of {review.reference}")
    imr_author = UserFactory(full_name="Ira Author")
    senior_manager = UserFactory(full_name="Sam Senior")
    involvement = involvement_add(actor=manager, review=review, agency=agency)
    involvement_nominate(actor=manager, involvement=involvement, position=Position.IMR_AUTHOR, user=imr_author)
    involvement_nominate(actor=manager, involvement=involvement, position=Position.SENIOR_MANAGER, user=senior_manager)
    involvement = AgencyInvolvement.objects.get(pk=involvement.pk)
    involvement_set_deadlines(actor=manager, involvement=involvement, **default_deadlines(review))
    involvement_ask(actor=manager, involvement=AgencyInvolvement.objects.get(pk=involvement.pk))
    records_secure(actor=manager, vault=AgencyVault(review, agency), secured_on=today())
    for user in (panel_chair, lead_reviewer, imr_author):
        declare(user, review)
    decided = review.decision.decided_on
    terms = terms_save(
        actor=manager,
        review=review,
        period_from=decided - timedelta(days=365),
        period_to=decided,
        lines_of_enquiry="How agencies shared what they knew",
        agencies=[agency],
        family_involvement="The mother will be invited to meet the lead reviewer.",
        milestones=[("Board meeting", today() + timedelta(days=90))],
    )
    terms_agree(actor=panel_chair, terms=terms, agreed_on=today())
    return Team(panel_chair, lead_reviewer, agency, imr_author, senior_manager)


# The dates later moves record, in days before today: each on or after the one before.
STAGE_DATES = {"endorsed_on": 3, "published_on": 2, "closed_on": 1}


def review_at_stage(board: Board, manager: User, chair: User, stage: str, **overrides) -> Review:
    """A review held (decided: hold) and moved on, stage by stage, to `stage`, with dated moves dated."""
    review = decided_review(board, manager, chair, **overrides)
    if stage in (Stage.REFERRAL, Stage.DECISION):
        raise ValueError("Use referred_review or review_at_decision for the stages before the decision")
    if STAGE_ORDER.index(Stage(stage)) > STAGE_ORDER.index(Stage.SET_UP):
        set_up_review(review, manager, chair)
    while review.stage != stage:
        to_stage = STAGE_ORDER[STAGE_ORDER.index(Stage(review.stage)) + 1]
        move = find_move(review, to_stage)
        on = days_ago(STAGE_DATES[move.sets_date]) if move and move.sets_date else None
        review = review_change_stage(actor=manager, review=review, to_stage=to_stage, on=on)
    return Review.objects.get(pk=review.pk)
