"""The review services: referral, decision, stage moves, deadline overrides and the people register."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from casereview.accounts.models import Role
from casereview.audit.models import AuditEvent
from casereview.chronology.models import ChronologyEntry, ChronologyVersion
from casereview.core.errors import Conflict, Invalid, NotAllowed, StageRefused
from casereview.reviews.deadlines import review_deadlines
from casereview.reviews.models import (
    DeadlineOverride,
    DeadlineRule,
    Decision,
    Person,
    Place,
    Review,
    ReviewType,
    StageChange,
)
from casereview.reviews.services import (
    deadline_override,
    person_add,
    person_change,
    person_remove,
    place_add,
    place_change,
    place_remove,
    review_change_referral,
    review_change_stage,
    review_decide,
    review_refer,
)
from casereview.reviews.stages import Stage
from casereview.reviews.transitions import MOVES, decided_not_to_hold, decided_to_hold
from tests.factories import (
    AgencyFactory,
    UserFactory,
    add_subject,
    appoint_team,
    days_ago,
    decided_review,
    grant,
    referral,
    referred_review,
    review_at_decision,
    review_at_stage,
    scr,
    set_up_review,
    today,
)

CHILD_DIED_LABEL = "A child has died and abuse or neglect is known or suspected to be a factor in the death"


def tomorrow():
    return today() + timedelta(days=1)


def refusal(error_class, call, **kwargs) -> dict[str, str]:
    """Call a service expecting it to refuse; return the refusal's messages by field."""
    with pytest.raises(error_class) as caught:
        call(**kwargs)
    return caught.value.errors


def missing(**kwargs) -> list[str]:
    """What a refused stage move says is missing, in order."""
    with pytest.raises(StageRefused) as caught:
        review_change_stage(**kwargs)
    return caught.value.missing


def audit_actions_during(run):
    """Run `run()` and return its result with the actions of the audit events it wrote, in order."""
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    result = run()
    return result, list(AuditEvent.objects.filter(id__gt=last).values_list("action", flat=True))


def reload(review: Review) -> Review:
    return Review.objects.get(pk=review.pk)


# --- Stage moves: every Move of the table, refused then allowed ---------------------------------------

COVERED_MOVES = {
    (Stage.REFERRAL, Stage.DECISION),
    (Stage.DECISION, Stage.SET_UP),
    (Stage.DECISION, Stage.CLOSED),
    (Stage.SET_UP, Stage.AGENCY_REVIEWS),
    (Stage.AGENCY_REVIEWS, Stage.OVERVIEW),
    (Stage.OVERVIEW, Stage.CONSULTATION),
    (Stage.CONSULTATION, Stage.ENDORSEMENT),
    (Stage.ENDORSEMENT, Stage.SUBMISSION),
    (Stage.SUBMISSION, Stage.LEARNING),
    (Stage.LEARNING, Stage.CLOSED),
}


def test_every_move_of_the_table_has_guard_tests_here():
    assert {(m.from_stage, m.to_stage) for m in MOVES} == COVERED_MOVES


def test_referral_to_decision_refused_until_ofsted_notified_and_subject_registered(board, manager):
    review = referred_review(board, manager)

    assert missing(actor=manager, review=review, to_stage=Stage.DECISION) == [
        "Record the date the serious incident was notified to Ofsted",
        "Add Child A to the people register as the subject of the review",
    ]
    assert reload(review).stage == Stage.REFERRAL

    review_change_referral(actor=manager, review=review, incident_notified_on=days_ago(61))
    assert missing(actor=manager, review=review, to_stage=Stage.DECISION) == [
        "Add Child A to the people register as the subject of the review"
    ]

    person_add(actor=manager, review=review, full_name="Sam Sibling", relationship="sibling", pseudonym="Sibling 1")
    assert missing(actor=manager, review=review, to_stage=Stage.DECISION) == [
        "Add Child A to the people register as the subject of the review"
    ]

    add_subject(review, manager)
    moved = review_change_stage(actor=manager, review=review, to_stage=Stage.DECISION)
    assert moved.stage == Stage.DECISION


def test_refused_move_says_in_one_message_where_it_cannot_go_and_what_is_missing(board, manager):
    review = referred_review(board, manager)

    errors = refusal(StageRefused, review_change_stage, actor=manager, review=review, to_stage=Stage.DECISION)

    assert errors == {
        "to_stage": "The review cannot move to decision yet. "
        "Record the date the serious incident was notified to Ofsted. "
        "Add Child A to the people register as the subject of the review."
    }


def test_referral_to_decision_refused_when_only_the_notification_is_missing(board, manager):
    review = referred_review(board, manager)
    add_subject(review, manager)

    assert missing(actor=manager, review=review, to_stage=Stage.DECISION) == [
        "Record the date the serious incident was notified to Ofsted"
    ]


def test_decision_to_set_up_refused_without_the_chairs_decision(board, manager):
    review = review_at_decision(board, manager)

    assert missing(actor=manager, review=review, to_stage=Stage.SET_UP) == [
        "Record the chair's decision to hold a review"
    ]


def test_decision_to_set_up_allowed_by_a_decision_to_hold(board, manager, chair):
    review = review_at_decision(board, manager)

    review_decide(
        actor=chair,
        review=review,
        grounds=["serious_injury"],
        outcome="hold",
        rationale="Serious harm.",
        decided_on=days_ago(50),
    )

    assert reload(review).stage == Stage.SET_UP


def test_decision_to_closed_refused_without_the_chairs_decision(board, manager):
    review = review_at_decision(board, manager)

    assert missing(actor=manager, review=review, to_stage=Stage.CLOSED) == ["Record the chair's decision first"]


def test_decision_to_closed_allowed_by_a_decision_not_to_hold(board, manager, chair):
    review = review_at_decision(board, manager)

    review_decide(
        actor=chair,
        review=review,
        grounds=[],
        outcome="no_review",
        rationale="Single-agency matter.",
        decided_on=days_ago(50),
    )

    review = reload(review)
    assert review.stage == Stage.CLOSED
    assert review.closed_on == days_ago(50)


def test_decision_guards_refuse_a_move_against_the_recorded_outcome(board, manager):
    # review_decide moves the review at once, so these branches are reached only by a stale page.
    review = review_at_decision(board, manager)

    review.decision = Decision(outcome="no_review", grounds=[], decided_on=days_ago(50))
    assert decided_to_hold(review, None) == ["The chair decided not to hold a review: close it instead"]
    assert decided_not_to_hold(review, None) == []

    review.decision = Decision(outcome="hold", grounds=[], decided_on=days_ago(50))
    assert decided_not_to_hold(review, None) == [
        "The chair decided to hold a review: it cannot be closed at the decision stage"
    ]
    assert decided_to_hold(review, None) == []


def test_set_up_to_agency_reviews_lists_the_panel_the_agencies_and_the_terms_of_reference(board, manager, chair):
    review = decided_review(board, manager, chair)

    found = missing(actor=manager, review=review, to_stage=Stage.AGENCY_REVIEWS)

    seats = [seat["label"] for seat in review.review_type.panel_seats]
    assert found == [
        *(f"Fill the {label} seat on the panel, or record why it is not filled" for label in seats),
        "Appoint a panel chair",
        "Appoint a lead reviewer",
        "Add the agencies involved with the family and ask them to review their involvement",
        "Write the terms of reference",
    ]


def test_set_up_to_agency_reviews_allowed_once_everything_is_done(board, manager, chair):
    review = decided_review(board, manager, chair)
    set_up_review(review, manager, chair)

    assert review_change_stage(actor=manager, review=review, to_stage=Stage.AGENCY_REVIEWS).stage == (
        Stage.AGENCY_REVIEWS
    )


def test_set_up_guard_counts_appointments_not_bare_memberships(board, manager, chair):
    """A role given without an appointment carries no declaration and no independence check."""
    review = decided_review(board, manager, chair)
    appoint_team(review)

    found = missing(actor=manager, review=review, to_stage=Stage.AGENCY_REVIEWS)

    assert "Appoint a panel chair" in found and "Appoint a lead reviewer" in found


def test_set_up_guard_counts_only_this_reviews_set_up(board, manager, chair):
    review = decided_review(board, manager, chair)
    other = decided_review(board, manager, chair, subject_pseudonym="Child B")
    set_up_review(other, manager, chair)

    found = missing(actor=manager, review=review, to_stage=Stage.AGENCY_REVIEWS)

    assert "Appoint a panel chair" in found and "Write the terms of reference" in found


@pytest.mark.parametrize(
    ("from_stage", "to_stage"),
    [
        (Stage.AGENCY_REVIEWS, Stage.OVERVIEW),
        (Stage.OVERVIEW, Stage.CONSULTATION),
        (Stage.CONSULTATION, Stage.ENDORSEMENT),
    ],
)
def test_moves_without_preconditions_are_allowed(board, manager, chair, from_stage, to_stage):
    review = review_at_stage(board, manager, chair, from_stage)

    assert review_change_stage(actor=manager, review=review, to_stage=to_stage).stage == to_stage


DATED_MOVES = [
    # from, to, date field, what the guard asks for, the date it must not be before
    (
        Stage.ENDORSEMENT,
        Stage.SUBMISSION,
        "endorsed_on",
        "the board endorsed the report",
        "the date of the decision",
        lambda review: review.decision.decided_on,
    ),
    (
        Stage.SUBMISSION,
        Stage.LEARNING,
        "published_on",
        "the reports were published",
        "the date of endorsement",
        lambda review: review.endorsed_on,
    ),
    (
        Stage.LEARNING,
        Stage.CLOSED,
        "closed_on",
        "the review was closed",
        "the date of publication",
        lambda review: review.published_on,
    ),
]


@pytest.mark.parametrize(("from_stage", "to_stage", "field", "event", "after_label", "after"), DATED_MOVES)
def test_dated_move_refused_without_a_date(
    board, manager, chair, from_stage, to_stage, field, event, after_label, after
):
    review = review_at_stage(board, manager, chair, from_stage)

    assert missing(actor=manager, review=review, to_stage=to_stage) == [f"Enter the date {event}"]
    assert reload(review).stage == from_stage


@pytest.mark.parametrize(("from_stage", "to_stage", "field", "event", "after_label", "after"), DATED_MOVES)
def test_dated_move_refused_with_a_date_before_the_previous_key_date(
    board, manager, chair, from_stage, to_stage, field, event, after_label, after
):
    review = review_at_stage(board, manager, chair, from_stage)
    too_early = after(review) - timedelta(days=1)

    assert missing(actor=manager, review=review, to_stage=to_stage, on=too_early) == [
        f"The date {event} must be on or after {after_label}"
    ]


@pytest.mark.parametrize(("from_stage", "to_stage", "field", "event", "after_label", "after"), DATED_MOVES)
def test_dated_move_refused_with_a_date_in_the_future(
    board, manager, chair, from_stage, to_stage, field, event, after_label, after
):
    review = review_at_stage(board, manager, chair, from_stage)

    errors = refusal(Invalid, review_change_stage, actor=manager, review=review, to_stage=to_stage, on=tomorrow())

    assert errors == {"on": "The date must be today or in the past"}
    assert reload(review).stage == from_stage


@pytest.mark.parametrize(("from_stage", "to_stage", "field", "event", "after_label", "after"), DATED_MOVES)
def test_dated_move_allowed_on_the_previous_key_date_and_records_it(
    board, manager, chair, from_stage, to_stage, field, event, after_label, after
):
    review = review_at_stage(board, manager, chair, from_stage)
    on = after(review)

    review_change_stage(actor=manager, review=review, to_stage=to_stage, on=on)

    review = reload(review)
    assert review.stage == to_stage
    assert getattr(review, field) == on


# --- Stage moves outside the table ---------------------------------------------------------------------


def test_move_to_an_unknown_stage_is_refused_naming_where_it_can_go(board, manager):
    review = referred_review(board, manager)

    errors = refusal(Conflict, review_change_stage, actor=manager, review=review, to_stage="limbo")

    assert errors == {
        "to_stage": "A review at the referral stage cannot move to an unknown stage “limbo”. "
        "From here it can move to: Decision."
    }


def test_move_that_skips_a_stage_is_refused_naming_where_it_can_go(board, manager):
    review = referred_review(board, manager)

    errors = refusal(Conflict, review_change_stage, actor=manager, review=review, to_stage=Stage.SET_UP)

    assert errors == {
        "to_stage": "A review at the referral stage cannot move to “Set-up”. From here it can move to: Decision."
    }
    assert reload(review).stage == Stage.REFERRAL


def test_move_backwards_is_refused_naming_both_ways_on_from_the_decision(board, manager):
    review = review_at_decision(board, manager)

    errors = refusal(Conflict, review_change_stage, actor=manager, review=review, to_stage=Stage.REFERRAL)

    assert errors == {
        "to_stage": "A review at the decision stage cannot move to “Referral”. "
        "From here it can move to: Set-up, Closed."
    }


def test_move_to_the_stage_it_is_at_is_refused(board, manager, chair):
    review = review_at_stage(board, manager, chair, Stage.OVERVIEW)

    errors = refusal(Conflict, review_change_stage, actor=manager, review=review, to_stage=Stage.OVERVIEW)

    assert errors == {
        "to_stage": "A review at the overview stage cannot move to “Overview”. From here it can move to: Consultation."
    }


def test_a_closed_review_cannot_be_moved(board, manager, chair):
    review = review_at_stage(board, manager, chair, Stage.CLOSED)

    with pytest.raises(NotAllowed):
        review_change_stage(actor=manager, review=review, to_stage=Stage.LEARNING)


def test_stage_move_writes_history_with_who_when_from_to_and_why(board, manager):
    review = referred_review(board, manager, incident_notified_on=days_ago(61))
    add_subject(review, manager)
    before = timezone.now()

    review_change_stage(actor=manager, review=review, to_stage=Stage.DECISION, reason="  Ready for the chair.  ")

    change = StageChange.objects.filter(review=review).latest("id")
    assert (change.from_stage, change.to_stage, change.changed_by, change.reason) == (
        Stage.REFERRAL,
        Stage.DECISION,
        manager,
        "Ready for the chair.",
    )
    assert before <= change.changed_at <= timezone.now()


def test_stage_move_refused_by_its_guard_writes_nothing(board, manager):
    review = referred_review(board, manager)
    changes, events = StageChange.objects.count(), AuditEvent.objects.count()

    with pytest.raises(Conflict):
        review_change_stage(actor=manager, review=review, to_stage=Stage.DECISION)

    assert (StageChange.objects.count(), AuditEvent.objects.count()) == (changes, events)


# --- The decision --------------------------------------------------------------------------------------


def decide(review, chair, **overrides):
    values = {
        "grounds": ["inter_agency_concerns"],
        "outcome": "hold",
        "rationale": "Agencies did not share what they knew.",
        "decided_on": days_ago(50),
    }
    return review_decide(actor=chair, review=review, **(values | overrides))


@pytest.fixture
def child_death_review(board, manager):
    return review_at_decision(board, manager, child_died=True, date_of_death=days_ago(62))


def test_decision_refuses_no_review_when_a_child_died_of_abuse_or_neglect(child_death_review, chair):
    errors = refusal(
        Invalid,
        decide,
        review=child_death_review,
        chair=chair,
        grounds=["child_died"],
        outcome="no_review",
        rationale="The family has moved away.",
    )

    assert errors == {"outcome": f"A review must be held because: {CHILD_DIED_LABEL.lower()}. Choose to hold a review"}


def test_decision_to_hold_on_a_required_ground_needs_no_rationale(child_death_review, chair):
    decision = decide(child_death_review, chair, grounds=["child_died", "child_died"], rationale="")

    assert decision.grounds == ["child_died"]
    assert decision.rationale == ""
    assert reload(child_death_review).stage == Stage.SET_UP


@pytest.mark.parametrize("grounds", [[], ["serious_injury"], ["sexual_abuse", "inter_agency_concerns"]])
@pytest.mark.parametrize("outcome", ["hold", "no_review"])
def test_decision_without_a_required_ground_needs_a_rationale(board, manager, chair, grounds, outcome):
    review = review_at_decision(board, manager)

    errors = refusal(Invalid, decide, review=review, chair=chair, grounds=grounds, outcome=outcome, rationale="  ")

    assert errors == {"rationale": "Enter the reasons for the decision"}


def test_decision_refuses_grounds_not_of_the_review_type(board, manager, chair):
    review = review_at_decision(board, manager)

    errors = refusal(Invalid, decide, review=review, chair=chair, grounds=["serious_injury", "bad_luck"])

    assert errors == {"grounds": "Choose grounds from the list; these are not grounds: bad_luck"}


def test_decision_refuses_an_unknown_outcome(board, manager, chair):
    review = review_at_decision(board, manager)

    errors = refusal(Invalid, decide, review=review, chair=chair, outcome="maybe")

    assert errors == {"outcome": "Choose whether to hold a review"}


def test_decision_refuses_a_date_before_the_referral(board, manager, chair):
    review = review_at_decision(board, manager)

    errors = refusal(Invalid, decide, review=review, chair=chair, decided_on=review.referred_on - timedelta(days=1))

    assert errors == {"decided_on": "The date of the decision must be on or after the date of the referral"}


def test_decision_refuses_a_date_in_the_future(board, manager, chair):
    review = review_at_decision(board, manager)

    errors = refusal(Invalid, decide, review=review, chair=chair, decided_on=tomorrow())

    assert errors == {"decided_on": "The date of the decision must be today or in the past"}


def test_decision_on_the_day_of_referral_and_today_are_allowed(board, manager, chair):
    first = review_at_decision(board, manager)
    second = review_at_decision(board, manager, subject_pseudonym="Child B")

    assert decide(first, chair, decided_on=first.referred_on).decided_on == first.referred_on
    assert decide(second, chair, decided_on=today()).decided_on == today()


def test_decision_refused_before_the_review_reaches_the_decision_stage(board, manager, chair):
    review = referred_review(board, manager)

    errors = refusal(Conflict, decide, review=review, chair=chair)

    assert errors == {"outcome": "The decision is recorded at the decision stage; this review is at the referral stage"}


def test_decision_cannot_be_recorded_twice(board, manager, chair):
    review = decided_review(board, manager, chair)

    errors = refusal(Conflict, decide, review=review, chair=chair)

    assert errors == {"outcome": "The decision is recorded at the decision stage; this review is at the set-up stage"}
    assert Decision.objects.filter(review=review).count() == 1


def test_decision_to_hold_moves_to_set_up_and_records_the_history(board, manager, chair):
    review = review_at_decision(board, manager)

    decision = decide(review, chair, grounds=["serious_injury"], rationale="  Life-threatening injury.  ")

    assert (decision.outcome, decision.decided_by, decision.rationale) == ("hold", chair, "Life-threatening injury.")
    assert reload(review).stage == Stage.SET_UP
    change = StageChange.objects.filter(review=review).latest("id")
    assert (change.from_stage, change.to_stage, change.changed_by, change.reason) == (
        Stage.DECISION,
        Stage.SET_UP,
        chair,
        "Life-threatening injury.",
    )
    assert reload(review).closed_on is None


def test_decision_not_to_hold_closes_the_review_on_the_decision_date(board, manager, chair):
    review = review_at_decision(board, manager)

    decide(
        review, chair, grounds=[], outcome="no_review", rationale="Not a case for a review.", decided_on=days_ago(45)
    )

    review = reload(review)
    assert (review.stage, review.closed_on) == (Stage.CLOSED, days_ago(45))
    history = list(review.stage_changes.values_list("from_stage", "to_stage", "changed_by", "reason"))
    assert history == [
        ("", Stage.REFERRAL, manager.pk, ""),
        (Stage.REFERRAL, Stage.DECISION, manager.pk, ""),
        (Stage.DECISION, Stage.CLOSED, chair.pk, "Not a case for a review."),
    ]


def test_refused_decision_leaves_no_decision_no_history_and_no_audit(child_death_review, chair):
    counts = (StageChange.objects.count(), AuditEvent.objects.count())

    with pytest.raises(Invalid):
        decide(child_death_review, chair, grounds=["child_died"], outcome="no_review")

    assert not Decision.objects.filter(review=child_death_review).exists()
    assert (StageChange.objects.count(), AuditEvent.objects.count()) == counts
    assert reload(child_death_review).stage == Stage.DECISION


def test_decision_whose_stage_move_fails_is_rolled_back_whole(board, manager, chair):
    # A review type with no "closed" stage: the Decision row and its audit are written, then the move fails.
    no_closing = ReviewType.objects.create(
        code="TST",
        name="Test review",
        stages=[s for s in scr().stages if s != Stage.CLOSED],
        decision_grounds=scr().decision_grounds,
    )
    review = review_at_decision(board, manager, review_type=no_closing)
    counts = (StageChange.objects.count(), AuditEvent.objects.count())

    with pytest.raises(Conflict):
        decide(review, chair, grounds=[], outcome="no_review", rationale="Not needed.")

    assert not Decision.objects.filter(review=review).exists()
    assert (StageChange.objects.count(), AuditEvent.objects.count()) == counts
    assert reload(review).stage == Stage.DECISION


# --- Permissions -----------------------------------------------------------------------------------------


def test_board_member_cannot_record_a_referral(board, member):
    with pytest.raises(NotAllowed):
        review_refer(actor=member, board=board, review_type=scr(), **referral())
    assert not Review.objects.exists()


def test_manager_of_another_board_cannot_record_a_referral_here(board, other_manager):
    with pytest.raises(NotAllowed):
        review_refer(actor=other_manager, board=board, review_type=scr(), **referral())


def test_board_chair_can_record_a_referral(board, chair):
    assert referred_review(board, chair).created_by == chair


@pytest.mark.parametrize("who", ["member", "manager", "other_chair"])
def test_only_the_boards_chair_can_decide(request, board, manager, chair, who):
    review = review_at_decision(board, manager)
    actor = request.getfixturevalue(who)

    with pytest.raises(NotAllowed):
        decide(review, actor)
    assert not Decision.objects.filter(review=review).exists()


@pytest.mark.parametrize("role", [Role.PANEL_CHAIR, Role.LEAD_REVIEWER, Role.WORKER])
def test_review_team_cannot_change_the_stage(board, manager, chair, role):
    review = review_at_stage(board, manager, chair, Stage.OVERVIEW)
    user = UserFactory()
    grant(user, role, board, review=review)

    with pytest.raises(NotAllowed):
        review_change_stage(actor=user, review=review, to_stage=Stage.CONSULTATION)


def test_manager_of_another_board_cannot_change_the_stage(board, manager, other_manager):
    review = referred_review(board, manager, incident_notified_on=days_ago(61))
    add_subject(review, manager)

    with pytest.raises(NotAllowed):
        review_change_stage(actor=other_manager, review=review, to_stage=Stage.DECISION)


def test_board_member_cannot_change_the_people_register(board, manager, member):
    review = referred_review(board, manager)

    with pytest.raises(NotAllowed):
        person_add(actor=member, review=review, full_name="X", relationship="mother", pseudonym="Mother")


# --- Referral ----------------------------------------------------------------------------------------------


def test_referral_creates_a_review_at_the_referral_stage(board, manager):
    review = referred_review(board, manager, subject_pseudonym="  Child A  ")

    assert (review.stage, review.subject_pseudonym, review.created_by) == (Stage.REFERRAL, "Child A", manager)
    assert list(review.stage_changes.values_list("from_stage", "to_stage", "changed_by")) == [
        ("", Stage.REFERRAL, manager.pk)
    ]


def test_referral_audit_records_the_reference_but_not_the_circumstances(board, manager):
    review = referred_review(board, manager)

    event = AuditEvent.objects.get(action="review.referred")
    assert (event.actor, event.review, event.board, event.object_id) == (manager, review, board, str(review.pk))
    assert event.data["reference"] == review.reference
    assert "circumstances" not in event.data


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"referred_on": tomorrow}, "referred_on", "The date of the referral must be today or in the past"),
        ({"incident_date": tomorrow}, "incident_date", "The date of the incident must be today or in the past"),
        (
            {"child_died": True, "date_of_death": tomorrow},
            "date_of_death",
            "The date of death must be today or in the past",
        ),
        (
            {"date_of_death": lambda: days_ago(62)},
            "date_of_death",
            "Remove the date of death, or say that the child died",
        ),
        ({"child_died": True}, "date_of_death", "Enter the date of death"),
        (
            {"incident_notified_on": tomorrow},
            "incident_notified_on",
            "The date Ofsted was notified must be today or in the past",
        ),
        (
            {"incident_notified_on": lambda: days_ago(63)},
            "incident_notified_on",
            "The date Ofsted was notified must be on or after the incident",
        ),
        ({"subject_pseudonym": "  "}, "subject_pseudonym", "Enter the pseudonym of the subject, for example Child A"),
        ({"referred_by_name": ""}, "referred_by_name", "Enter the name of the person who referred the case"),
        ({"circumstances": None}, "circumstances", "Enter the circumstances of the case"),
    ],
    ids=lambda value: value if isinstance(value, str) and " " not in value else None,
)
def test_referral_refuses_invalid_details(board, manager, overrides, field, message):
    values = {key: value() if callable(value) else value for key, value in overrides.items()}

    errors = refusal(Invalid, referred_review, board=board, manager=manager, **values)

    assert errors[field] == message
    assert not Review.objects.exists()


def test_referral_reports_every_problem_at_once(board, manager):
    errors = refusal(
        Invalid,
        referred_review,
        board=board,
        manager=manager,
        referred_on=tomorrow(),
        subject_pseudonym="",
        circumstances="",
    )

    assert set(errors) == {"referred_on", "subject_pseudonym", "circumstances"}


def test_referral_of_a_child_who_died_today_is_allowed(board, manager):
    review = referred_review(board, manager, child_died=True, date_of_death=today(), referred_on=today())

    assert (review.child_died, review.date_of_death) == (True, today())


def test_referral_refuses_an_agency_of_another_board(board, manager, other_board):
    errors = refusal(
        Invalid, referred_review, board=board, manager=manager, referring_agency=AgencyFactory(board=other_board)
    )

    assert errors == {"referring_agency": "Choose an agency of this board"}


def test_referral_accepts_an_agency_of_its_board(board, manager):
    agency = AgencyFactory(board=board)

    assert referred_review(board, manager, referring_agency=agency).referring_agency == agency


def test_referral_reference_is_numbered_per_board_and_year(board, manager, other_board, other_manager):
    year = days_ago(60).year

    first = referred_review(board, manager)
    second = referred_review(board, manager)
    elsewhere = referred_review(other_board, other_manager)

    assert (first.reference, second.reference) == (f"SCR-{year}-001", f"SCR-{year}-002")
    assert elsewhere.reference == f"SCR-{year}-001"


def test_referral_reference_follows_the_highest_number_taken(board, manager):
    year = days_ago(60).year
    referred_review(board, manager, reference=f"SCR-{year}-041")
    referred_review(board, manager, reference="LOCAL-REF-9")

    assert referred_review(board, manager).reference == f"SCR-{year}-042"


def test_referral_reference_uses_the_year_of_the_referral(board, manager):
    last_year = today().replace(year=today().year - 1, day=1)

    review = referred_review(board, manager, referred_on=last_year, incident_date=None)

    assert review.reference == f"SCR-{last_year.year}-001"


def test_referral_refuses_a_duplicate_reference_naming_it(board, manager):
    referred_review(board, manager, reference="SCR-2020-007")

    errors = refusal(Invalid, referred_review, board=board, manager=manager, reference=" scr-2020-007 ")

    assert errors == {"reference": "A review with the reference SCR-2020-007 already exists: enter another"}
    assert Review.objects.count() == 1


def test_referral_allows_the_same_reference_on_another_board(board, manager, other_board, other_manager):
    referred_review(board, manager, reference="SCR-2020-007")

    assert referred_review(other_board, other_manager, reference="SCR-2020-007").board == other_board


@pytest.mark.parametrize("reference", ["SCR 2020 7", "S", "-SCR-1", "SCR/2020/7"])
def test_referral_refuses_a_malformed_reference(board, manager, reference):
    errors = refusal(Invalid, referred_review, board=board, manager=manager, reference=reference)

    assert errors == {"reference": "Enter a reference of capital letters, numbers and hyphens, like SCR-2026-003"}


def test_referral_without_a_date_asks_for_the_date(board, manager):
    errors = refusal(Invalid, referred_review, board=board, manager=manager, referred_on=None)

    assert errors == {"referred_on": "Enter the date of the referral"}


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"circumstances": "Found\x00 at home"}, {"circumstances": "Remove the null character from the circumstances"}),
        ({"subject_pseudonym": "C" * 101}, {"subject_pseudonym": "Subject pseudonym must be 100 characters or fewer"}),
    ],
)
def test_referral_refuses_text_that_cannot_be_stored(board, manager, overrides, errors):
    assert refusal(Invalid, referred_review, board=board, manager=manager, **overrides) == errors
    assert not Review.objects.exists()


def test_decision_refuses_a_null_character_in_the_rationale(board, manager, chair):
    review = review_at_decision(board, manager)

    errors = refusal(Invalid, decide, review=review, chair=chair, rationale="Agencies\x00 failed")

    assert errors == {"rationale": "Remove the null character from the rationale"}


def test_person_add_refuses_an_over_long_pseudonym(board, manager):
    review = referred_review(board, manager)

    errors = refusal(
        Invalid, person_add, actor=manager, review=review, full_name="Jo", relationship="mother", pseudonym="M" * 101
    )

    assert errors == {"pseudonym": "Pseudonym must be 100 characters or fewer"}


def test_referral_can_be_corrected_before_the_decision(board, manager):
    review = referred_review(board, manager)

    (changed, actions) = audit_actions_during(
        lambda: review_change_referral(actor=manager, review=review, referred_by_name="Ruth Referrer")
    )

    assert reload(changed).referred_by_name == "Ruth Referrer"
    assert actions == ["review.referral_changed"]
    assert AuditEvent.objects.latest("id").data == {"changed": ["referred_by_name"]}


def test_referral_correction_refuses_fields_that_are_not_the_referral(board, manager):
    review = referred_review(board, manager)

    errors = refusal(Invalid, review_change_referral, actor=manager, review=review, stage=Stage.CLOSED)

    assert errors == {"__all__": "These details cannot be changed here: stage"}


def test_referral_correction_is_checked_like_a_referral(board, manager):
    review = referred_review(board, manager)

    errors = refusal(Invalid, review_change_referral, actor=manager, review=review, child_died=True)

    assert errors == {"date_of_death": "Enter the date of death"}


def test_referral_cannot_be_corrected_after_the_decision(board, manager, chair):
    review = decided_review(board, manager, chair)

    with pytest.raises(NotAllowed):
        review_change_referral(actor=manager, review=review, referred_by_name="Someone else")


# --- Audit: every successful service writes exactly its events --------------------------------------------


def _person(ctx):
    return person_add(
        actor=ctx.manager, review=ctx.review, full_name="Jo Bloggs", relationship="mother", pseudonym="Mother"
    )


def _place(ctx):
    return place_add(actor=ctx.manager, review=ctx.review, kind="school", name="St Mary's", pseudonym="School 1")


AUDITED_SERVICES = {
    "review_refer": (lambda ctx: referred_review(ctx.board, ctx.manager), ["review.referred"]),
    "review_change_referral": (
        lambda ctx: review_change_referral(actor=ctx.manager, review=ctx.review, referred_by_role="Health visitor"),
        ["review.referral_changed"],
    ),
    "review_change_stage": (
        lambda ctx: review_change_stage(actor=ctx.manager, review=ctx.review, to_stage=Stage.DECISION),
        ["review.stage_changed"],
    ),
    "review_decide": (
        lambda ctx: decide(
            review_change_stage(actor=ctx.manager, review=ctx.review, to_stage=Stage.DECISION), ctx.chair
        ),
        ["review.stage_changed", "review.decided", "review.stage_changed"],
    ),
    "deadline_override": (
        lambda ctx: deadline_override(
            actor=ctx.manager,
            review=ctx.review,
            rule=scr().deadline_rules.get(key="decision"),
            due_on=today(),
            reason="Agreed with the DfE",
        ),
        ["review.deadline_overridden"],
    ),
    "person_add": (_person, ["person.added"]),
    "person_change": (
        lambda ctx: person_change(actor=ctx.manager, person=_person(ctx), aliases="Jo B"),
        ["person.added", "person.changed"],
    ),
    "person_remove": (
        lambda ctx: person_remove(actor=ctx.manager, person=_person(ctx)),
        ["person.added", "person.removed"],
    ),
    "place_add": (_place, ["place.added"]),
    "place_change": (
        lambda ctx: place_change(actor=ctx.manager, place=_place(ctx), postcode="nb1 2ab"),
        ["place.added", "place.changed"],
    ),
    "place_remove": (lambda ctx: place_remove(actor=ctx.manager, place=_place(ctx)), ["place.added", "place.removed"]),
}


@pytest.mark.parametrize("service", AUDITED_SERVICES)
def test_service_writes_exactly_its_audit_events(board, manager, chair, service):
    review = referred_review(board, manager, incident_notified_on=days_ago(61))
    add_subject(review, manager)
    ctx = SimpleNamespace(board=board, manager=manager, chair=chair, review=review)
    run, expected = AUDITED_SERVICES[service]
    last = AuditEvent.objects.latest("id").pk

    run(ctx)

    events = AuditEvent.objects.filter(id__gt=last)
    assert [event.action for event in events] == expected
    assert all(event.board_id == board.pk and event.actor_id is not None for event in events)
    assert all(event.review_id is not None for event in events)


def test_audit_of_a_decision_records_grounds_outcome_and_date(board, manager, chair):
    review = review_at_decision(board, manager)

    decide(review, chair, grounds=["serious_injury"], decided_on=days_ago(50))

    event = AuditEvent.objects.get(action="review.decided")
    assert (event.actor, event.review) == (chair, review)
    assert event.data == {"grounds": ["serious_injury"], "outcome": "hold", "decided_on": days_ago(50).isoformat()}


# --- People register -------------------------------------------------------------------------------------


@pytest.fixture
def review(board, manager):
    return referred_review(board, manager)


def add_person(review, actor, **values):
    defaults = {"full_name": "Jo Bloggs", "relationship": "mother", "pseudonym": "Mother"}
    return person_add(actor=actor, review=review, **(defaults | values))


def add_place(review, actor, **values):
    defaults = {"kind": "school", "name": "St Mary's Primary", "pseudonym": "School 1"}
    return place_add(actor=actor, review=review, **(defaults | values))


def test_person_add_normalises_identifiers_and_trims_text(review, manager):
    person = add_person(
        review,
        manager,
        full_name="  Jo Bloggs ",
        nhs_number="943 476 5919",
        national_insurance_number="ab 12 34 56 c",
        date_of_birth=days_ago(9000),
        aliases="Jo B\nJoanne Bloggs\n",
    )

    person = Person.objects.get(pk=person.pk)
    assert (person.full_name, person.nhs_number, person.national_insurance_number) == (
        "Jo Bloggs",
        "9434765919",
        "AB123456C",
    )
    assert person.alias_list() == ["Jo B", "Joanne Bloggs"]


def test_person_add_refuses_a_pseudonym_already_used_whatever_its_case(review, manager):
    add_person(review, manager, pseudonym="Mother")

    errors = refusal(Invalid, add_person, review=review, actor=manager, full_name="Ann Other", pseudonym="mother")

    assert errors == {"pseudonym": "Someone in this review is already called mother: choose another"}


def test_same_pseudonym_is_allowed_in_another_review(board, manager, review):
    add_person(review, manager, pseudonym="Mother")
    other = referred_review(board, manager, subject_pseudonym="Child B")

    assert add_person(other, manager, pseudonym="Mother").pseudonym == "Mother"


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"nhs_number": "943 476 5918"}, {"nhs_number": "Enter a valid NHS number: 10 digits, like 943 476 5919"}),
        ({"nhs_number": "12345"}, {"nhs_number": "Enter a valid NHS number: 10 digits, like 943 476 5919"}),
        (
            {"national_insurance_number": "QQ 12 34 56 C"},
            {"national_insurance_number": "Enter a National Insurance number in the right format, like AB 12 34 56 C"},
        ),
        (
            {"national_insurance_number": "GB123456A"},
            {"national_insurance_number": "Enter a National Insurance number in the right format, like AB 12 34 56 C"},
        ),
        ({"full_name": " "}, {"full_name": "Enter the person's full name"}),
        ({"pseudonym": ""}, {"pseudonym": "Enter the pseudonym used in reports, for example Mother"}),
        ({"relationship": "neighbour"}, {"relationship": "Choose the person's relationship to the subject"}),
        ({"date_of_birth": tomorrow}, {"date_of_birth": "Date of birth must be today or in the past"}),
    ],
)
def test_person_add_refuses_invalid_details(review, manager, values, errors):
    values = {key: value() if callable(value) else value for key, value in values.items()}

    assert refusal(Invalid, add_person, review=review, actor=manager, **values) == errors
    assert not review.people.exists()


def test_person_change_keeps_its_own_pseudonym_in_another_case(review, manager):
    person = add_person(review, manager, pseudonym="Mother")

    changed = person_change(actor=manager, person=person, pseudonym="MOTHER", addresses="1 High Street")

    assert (changed.pseudonym, changed.address_list()) == ("MOTHER", ["1 High Street"])
    assert AuditEvent.objects.latest("id").data == {"changed": ["addresses", "pseudonym"]}


def test_person_change_refuses_anothers_pseudonym(review, manager):
    add_person(review, manager, pseudonym="Mother")
    father = add_person(review, manager, full_name="Joe Bloggs", relationship="father", pseudonym="Father")

    errors = refusal(Invalid, person_change, actor=manager, person=father, pseudonym="mother")

    assert errors == {"pseudonym": "Someone in this review is already called mother: choose another"}
    assert Person.objects.get(pk=father.pk).pseudonym == "Father"


def test_person_change_refuses_an_invalid_nhs_number(review, manager):
    person = add_person(review, manager)

    errors = refusal(Invalid, person_change, actor=manager, person=person, nhs_number="1234567890")

    assert errors == {"nhs_number": "Enter a valid NHS number: 10 digits, like 943 476 5919"}


def test_person_remove_deletes_and_audits_the_pseudonym(review, manager):
    person = add_person(review, manager)
    pk = person.pk

    person_remove(actor=manager, person=person)

    assert not review.people.exists()
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.data, event.object_id) == ("person.removed", {"pseudonym": "Mother"}, str(pk))


def test_person_named_in_a_chronology_entry_cannot_be_removed(review, manager):
    """Removing them would silently change the entries of a chronology, which a submitted version must never do."""
    person = add_person(review, manager)
    version = ChronologyVersion.objects.create(
        review=review, agency=AgencyFactory(board=review.board), number=1, created_by=manager
    )
    entry = ChronologyEntry.objects.create(version=version, occurred_on=days_ago(300), what_happened="Home visit")
    entry.people.add(person)

    with pytest.raises(Conflict) as refused:
        person_remove(actor=manager, person=person)

    assert refused.value.message.startswith("Mother is named in 1 chronology entry")
    assert review.people.filter(pk=person.pk).exists()


def test_lead_reviewer_can_change_the_people_register_of_their_review(board, manager, chair):
    review = decided_review(board, manager, chair)
    team = appoint_team(review)

    assert add_person(review, team.lead_reviewer).review == review
    assert add_place(review, team.panel_chair).review == review


def test_people_register_of_a_closed_review_cannot_be_changed(board, manager, chair):
    review = decided_review(board, manager, chair, outcome="no_review", grounds=(), rationale="No.")

    with pytest.raises(NotAllowed):
        add_person(review, manager)


@pytest.mark.parametrize("postcode", ["NB1 2AB", "nb1 2ab", "SW1A 1AA", "M1 1AE", "B338TH", " cr2 6xh "])
def test_place_accepts_a_real_postcode_in_capitals(review, manager, postcode):
    place = add_place(review, manager, postcode=postcode)

    assert place.postcode == postcode.strip().upper()


@pytest.mark.parametrize("postcode", ["12345", "NB1", "NB1 2A", "NB12 34AB", "N1-2AB"])
def test_place_refuses_a_postcode_that_is_not_one(review, manager, postcode):
    errors = refusal(Invalid, add_place, review=review, actor=manager, postcode=postcode)

    assert errors == {"postcode": "Enter a real postcode, like NB1 2AB"}


def test_place_refuses_a_pseudonym_already_used_whatever_its_case(review, manager):
    add_place(review, manager, pseudonym="School 1")

    errors = refusal(Invalid, add_place, review=review, actor=manager, name="Other school", pseudonym="SCHOOL 1")

    assert errors == {"pseudonym": "A place in this review is already called SCHOOL 1: choose another"}


def test_place_refuses_an_unknown_kind_and_a_missing_name(review, manager):
    errors = refusal(Invalid, add_place, review=review, actor=manager, kind="castle", name="")

    assert errors == {"kind": "Choose what kind of place it is", "name": "Enter the name of the place"}


def test_place_change_and_remove(review, manager):
    place = add_place(review, manager)

    changed = place_change(actor=manager, place=place, name="St Mary's C of E Primary", pseudonym="school 1")
    assert (changed.name, changed.pseudonym) == ("St Mary's C of E Primary", "school 1")

    place_remove(actor=manager, place=changed)
    assert not Place.objects.filter(review=review).exists()


# --- Deadline overrides ------------------------------------------------------------------------------------


def decision_rule():
    return scr().deadline_rules.get(key="decision")


def test_deadline_override_requires_a_reason(review, manager):
    errors = refusal(
        Invalid, deadline_override, actor=manager, review=review, rule=decision_rule(), due_on=today(), reason="  "
    )

    assert errors == {"reason": "Enter the reason for changing the deadline"}
    assert not DeadlineOverride.objects.exists()


def test_deadline_override_refuses_a_date_before_the_referral(review, manager):
    errors = refusal(
        Invalid,
        deadline_override,
        actor=manager,
        review=review,
        rule=decision_rule(),
        due_on=review.referred_on - timedelta(days=1),
        reason="Typo",
    )

    assert errors == {"due_on": "The new deadline must be on or after the date of the referral"}


def test_deadline_override_refuses_a_rule_of_another_review_type(review, manager):
    other_type = ReviewType.objects.create(code="CSPR", name="Child Safeguarding Practice Review", stages=[])
    rule = DeadlineRule.objects.create(
        review_type=other_type,
        key="rapid_review",
        label="Rapid review",
        starts_from="notification",
        met_by="decision",
        amount=15,
        unit="working_days",
    )

    errors = refusal(Invalid, deadline_override, actor=manager, review=review, rule=rule, due_on=today(), reason="x")

    assert errors == {"rule": "Choose a deadline of this review"}


def test_deadline_override_refused_to_a_board_member(review, member):
    with pytest.raises(NotAllowed):
        deadline_override(actor=member, review=review, rule=decision_rule(), due_on=today(), reason="Because")


def test_deadline_override_is_used_by_review_deadlines(review, manager):
    due = today() + timedelta(days=40)

    override = deadline_override(
        actor=manager, review=review, rule=decision_rule(), due_on=due, reason="  Agreed with the DfE  "
    )

    assert (override.reason, override.set_by) == ("Agreed with the DfE", manager)
    decision_deadline = review_deadlines(reload(review))[0]
    assert (decision_deadline.label, decision_deadline.due_on, decision_deadline.override) == (
        "Decision",
        due,
        override,
    )
