"""The timetable proposed for a first version: the rule, bank holidays, and its properties for any dates."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casereview.accounts.models import Role
from casereview.core.calendar import deadline, is_working_day, working_days_between
from casereview.core.errors import Conflict
from casereview.planning.selectors import completion_deadline, timetable_proposal
from casereview.planning.timetable import WORKING_WEEK, propose_timetable
from casereview.reviews.models import DeadlineRule
from casereview.reviews.services import deadline_override
from tests.factories import referred_review


def dates(milestones) -> list[date]:
    return [m.due_on for m in milestones]


def test_proposal_for_a_decision_before_easter_skips_the_bank_holidays():
    decided = date(2026, 3, 26)  # a Thursday; Good Friday is 3 April 2026 and Easter Monday 6 April
    complete_by = deadline(decided, 6, "months")
    assert complete_by == date(2026, 9, 28)  # 26 September is a Saturday
    proposed = propose_timetable(decided, complete_by)
    assert proposed[0].label == "First panel meeting: agree the terms of reference and timetable"
    assert proposed[0].due_on == date(2026, 4, 13)  # 10 working days on, not 9 April
    assert proposed[-1].label == "Board meeting to endorse the report"
    assert proposed[-1].due_on == date(2026, 9, 21)  # a working week before the deadline
    assert dates(proposed) == [
        date(2026, 4, 13),
        date(2026, 5, 14),
        date(2026, 6, 30),
        date(2026, 7, 7),
        date(2026, 8, 4),
        date(2026, 8, 21),
        date(2026, 9, 1),
        date(2026, 9, 21),
    ]


def test_proposal_over_christmas_counts_only_working_days():
    decided = date(2026, 12, 17)  # Christmas Day, Boxing Day (Monday 28th in lieu) and New Year's Day follow
    first = propose_timetable(decided, deadline(decided, 6, "months"))[0].due_on
    assert first == date(2027, 1, 5)
    assert working_days_between(decided, first) == 10


def test_a_short_deadline_squeezes_the_milestones_up_to_it():
    decided, complete_by = date(2026, 3, 3), date(2026, 3, 9)
    assert dates(propose_timetable(decided, complete_by)) == [
        date(2026, 3, 4),
        date(2026, 3, 5),
        date(2026, 3, 6),
        *[date(2026, 3, 9)] * 5,
    ]


def test_a_deadline_not_after_the_decision_puts_everything_on_the_decision():
    decided = date(2026, 3, 3)
    assert set(dates(propose_timetable(decided, decided - timedelta(days=30)))) == {decided}


@given(
    decided=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    days=st.integers(min_value=-60, max_value=800),
)
def test_proposal_is_in_order_between_the_decision_and_the_deadline(decided, days):
    complete_by = decided + timedelta(days=days)
    proposed = dates(propose_timetable(decided, complete_by))
    assert len(proposed) == 8
    assert proposed == sorted(proposed)
    assert all(decided <= day <= max(decided, complete_by) for day in proposed)
    span = working_days_between(decided, complete_by)
    if span >= 1:
        assert all(is_working_day(day) and day > decided for day in proposed)
    if span >= 20:  # time enough: every milestone on its own day, the board up to a working week before
        assert len(set(proposed)) == len(proposed)
        assert working_days_between(proposed[-1], complete_by) == min(WORKING_WEEK, round(span * 0.04))
    if span >= 125:
        assert working_days_between(decided, proposed[0]) == 10


def test_proposal_for_a_review_uses_its_decision_and_completion_deadline(held):
    review = held.fresh()
    decided = review.decision.decided_on
    assert completion_deadline(review) == deadline(decided, 6, "months")
    assert timetable_proposal(review) == propose_timetable(decided, deadline(decided, 6, "months"))


def test_proposal_follows_a_changed_completion_deadline(held):
    review = held.fresh()
    rule = DeadlineRule.objects.get(review_type=review.review_type, key="completion")
    later = deadline(review.decision.decided_on, 9, "months")
    deadline_override(actor=held.users[Role.BOARD_MANAGER], review=review, rule=rule, due_on=later, reason="Trial")
    review = held.fresh()
    assert completion_deadline(review) == later
    assert timetable_proposal(review)[-1].due_on < later


def test_no_proposal_before_the_decision(board, manager):
    with pytest.raises(Conflict, match="record the decision first"):
        timetable_proposal(referred_review(board, manager))
