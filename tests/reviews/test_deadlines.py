"""A review's deadlines: from its type's rules and key dates, overridden by hand with a reason."""

from datetime import timedelta

import pytest

from casereview.core.calendar import add_months, is_working_day, next_working_day, working_days_between
from casereview.reviews.deadlines import Status, deadline_status, next_deadline, review_deadlines
from casereview.reviews.models import Review
from casereview.reviews.selectors import review_for_user_or_404
from casereview.reviews.services import deadline_override
from casereview.reviews.stages import Stage
from tests.factories import days_ago, decided_review, referred_review, review_at_stage, scr, today

DUE_SOON = 10


@pytest.fixture(autouse=True)
def due_soon_window(settings):
    settings.CASEREVIEW_DUE_SOON_WORKING_DAYS = DUE_SOON


def by_key(review, **kwargs):
    return {d.rule.key: d for d in review_deadlines(Review.objects.get(pk=review.pk), **kwargs)}


def working_days_before(day, count):
    """The latest day from which `day` is exactly `count` working days away."""
    start = day
    while working_days_between(start, day) < count:
        start -= timedelta(days=1)
    return start


def override(review, manager, key, due_on, reason="Revised timetable agreed with the DfE"):
    rule = scr().deadline_rules.get(key=key)
    return deadline_override(actor=manager, review=review, rule=rule, due_on=due_on, reason=reason)


def test_serious_case_review_has_a_decision_and_a_completion_deadline_in_that_order(board, manager):
    review = referred_review(board, manager)

    assert [(d.rule.key, d.label) for d in review_deadlines(review)] == [
        ("decision", "Decision"),
        ("completion", "Completion"),
    ]


def test_decision_is_due_one_month_after_referral_on_a_working_day(board, manager):
    review = referred_review(board, manager)

    due = by_key(review)["decision"].due_on

    assert due == next_working_day(add_months(review.referred_on, 1))
    assert is_working_day(due)
    assert add_months(review.referred_on, 1) <= due <= add_months(review.referred_on, 1) + timedelta(days=5)


@pytest.mark.parametrize("days", range(28, 59, 3))
def test_decision_deadline_rolls_onto_the_next_working_day_whatever_the_referral_date(board, manager, days):
    review = referred_review(board, manager, referred_on=days_ago(days), incident_date=None)

    due = by_key(review)["decision"].due_on

    assert is_working_day(due)
    assert due == next_working_day(add_months(days_ago(days), 1))


def test_completion_is_due_six_months_after_the_decision(board, manager, chair):
    review = decided_review(board, manager, chair, decided_on=days_ago(50))

    due = by_key(review)["completion"].due_on

    assert due == next_working_day(add_months(days_ago(50), 6))
    assert is_working_day(due)


def test_completion_deadline_has_not_started_before_the_decision(board, manager):
    review = referred_review(board, manager)

    completion = by_key(review)["completion"]

    assert (completion.due_on, completion.met_on, completion.status) == (None, None, Status.NOT_STARTED)
    assert completion.colour == "grey"
    assert not completion.is_open


def test_deadline_far_off_is_on_time(board, manager):
    review = referred_review(board, manager)
    due = by_key(review)["decision"].due_on

    decision = by_key(review, today=working_days_before(due, DUE_SOON + 1))["decision"]

    assert decision.status == Status.ON_TIME
    assert decision.is_open


def test_deadline_within_the_due_soon_window_is_due_soon(board, manager):
    review = referred_review(board, manager)
    due = by_key(review)["decision"].due_on

    assert by_key(review, today=working_days_before(due, DUE_SOON))["decision"].status == Status.DUE_SOON
    assert by_key(review, today=due - timedelta(days=1))["decision"].status == Status.DUE_SOON
    assert by_key(review, today=due)["decision"].status == Status.DUE_SOON


def test_deadline_passed_without_the_event_is_overdue(board, manager):
    review = referred_review(board, manager)
    due = by_key(review)["decision"].due_on

    decision = by_key(review, today=due + timedelta(days=1))["decision"]

    assert (decision.status, decision.colour, decision.met_on) == (Status.OVERDUE, "red", None)


def test_deadline_met_on_time_is_met_whatever_today_is(board, manager, chair):
    review = decided_review(board, manager, chair, decided_on=days_ago(50))
    due = by_key(review)["decision"].due_on

    decision = by_key(review, today=due + timedelta(days=400))["decision"]

    assert (decision.met_on, decision.status, decision.is_open) == (days_ago(50), Status.MET, False)


def test_deadline_met_on_the_due_date_is_met(board, manager, chair):
    review = referred_review(board, manager, referred_on=days_ago(70), incident_date=None)
    due = by_key(review)["decision"].due_on
    review = decided_review(
        board,
        manager,
        chair,
        referred_on=days_ago(70),
        incident_date=None,
        subject_pseudonym="Child B",
        decided_on=due,
    )

    assert by_key(review)["decision"].status == Status.MET


def test_deadline_met_after_the_due_date_is_met_late(board, manager, chair):
    review = decided_review(board, manager, chair, decided_on=days_ago(1))

    decision = by_key(review)["decision"]

    assert decision.met_on == days_ago(1) > decision.due_on
    assert (decision.status, decision.colour) == (Status.MET_LATE, "orange")


def test_completion_is_met_by_the_boards_endorsement(board, manager, chair):
    review = review_at_stage(board, manager, chair, Stage.SUBMISSION)

    completion = by_key(review)["completion"]

    assert completion.met_on == review.endorsed_on
    assert completion.status == Status.MET


@pytest.mark.parametrize(
    ("due_offset", "met_offset", "today_offset", "status"),
    [
        (None, None, 0, Status.NOT_STARTED),
        (0, -1, 5, Status.MET),
        (0, 0, 5, Status.MET),
        (0, 1, 5, Status.MET_LATE),
        (0, None, 1, Status.OVERDUE),
        (0, None, 0, Status.DUE_SOON),
        (0, None, -60, Status.ON_TIME),
    ],
)
def test_deadline_status(due_offset, met_offset, today_offset, status):
    base = today()

    def at(offset):
        return None if offset is None else base + timedelta(days=offset)

    assert deadline_status(at(due_offset), at(met_offset), at(today_offset)) == status


def test_override_wins_over_the_computed_deadline(board, manager):
    review = referred_review(board, manager)
    computed = by_key(review)["decision"].due_on
    later = computed + timedelta(days=7)

    made = override(review, manager, "decision", later)

    decision = by_key(review, today=computed + timedelta(days=1))["decision"]
    assert (decision.due_on, decision.override, decision.status) == (later, made, Status.DUE_SOON)
    assert by_key(review)["completion"].override is None


def test_override_may_set_a_deadline_that_has_not_started(board, manager):
    review = referred_review(board, manager)

    override(review, manager, "completion", today() + timedelta(days=200))

    completion = by_key(review, today=today())["completion"]
    assert (completion.due_on, completion.status) == (today() + timedelta(days=200), Status.ON_TIME)


def test_latest_override_wins(board, manager):
    review = referred_review(board, manager)
    override(review, manager, "decision", today() + timedelta(days=90), reason="First extension")
    latest = override(review, manager, "decision", today() + timedelta(days=10), reason="Brought forward")

    decision = by_key(review)["decision"]

    assert (decision.due_on, decision.override) == (today() + timedelta(days=10), latest)


def test_latest_override_wins_on_a_review_loaded_through_the_selector(board, manager):
    review = referred_review(board, manager)
    override(review, manager, "decision", today() + timedelta(days=90), reason="First extension")
    override(review, manager, "decision", today() + timedelta(days=10), reason="Brought forward")

    loaded = review_for_user_or_404(manager, review.pk)

    assert review_deadlines(loaded)[0].due_on == today() + timedelta(days=10)


def test_next_deadline_is_the_earliest_open_one(board, manager, chair):
    referral_only = referred_review(board, manager)
    held = decided_review(board, manager, chair, subject_pseudonym="Child B")

    assert next_deadline(Review.objects.get(pk=referral_only.pk)).rule.key == "decision"
    assert next_deadline(Review.objects.get(pk=held.pk)).rule.key == "completion"


def test_next_deadline_is_none_when_every_deadline_is_met(board, manager, chair):
    review = review_at_stage(board, manager, chair, Stage.SUBMISSION)

    assert next_deadline(Review.objects.get(pk=review.pk)) is None
