"""What changed between two versions: lines added and removed, milestones moved, fields compared one by one."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from casereview.planning.difference import (
    ADDED,
    KEPT,
    MOVED,
    REMOVED,
    LineChange,
    Snapshot,
    lines_difference,
    milestones_difference,
    terms_difference,
)

LINES = st.lists(st.sampled_from(["a", "b", "c", "d", "How agencies shared information", ""]) | st.text(), max_size=12)


@given(before=LINES, after=LINES)
def test_line_difference_rebuilds_both_versions(before, after):
    changes = lines_difference(before, after)
    assert [c.text for c in changes if c.change != ADDED] == before
    assert [c.text for c in changes if c.change != REMOVED] == after
    assert {c.change for c in changes} <= {KEPT, ADDED, REMOVED}


@given(lines=LINES)
def test_the_same_lines_are_all_kept(lines):
    assert all(c.change == KEPT for c in lines_difference(lines, list(lines)))


def test_a_changed_line_is_removed_and_its_new_wording_added():
    assert lines_difference(["a", "b", "c"], ["a", "B", "c", "d"]) == [
        LineChange(KEPT, "a"),
        LineChange(REMOVED, "b"),
        LineChange(ADDED, "B"),
        LineChange(KEPT, "c"),
        LineChange(ADDED, "d"),
    ]


MILESTONES = st.lists(
    st.tuples(st.sampled_from(["Panel", "IMRs", "Board"]), st.dates(date(2026, 1, 1), date(2026, 2, 1))), max_size=8
)


@given(before=MILESTONES, after=MILESTONES)
def test_milestone_difference_accounts_for_every_milestone_changed(before, after):
    changes = milestones_difference(before, after)
    moved = sum(c.change == MOVED for c in changes)
    added = sum(c.change == ADDED for c in changes)
    removed = sum(c.change == REMOVED for c in changes)
    assert len(after) - len(before) == added - removed
    if sorted(before) == sorted(after):
        assert added == removed == moved == 0
    assert moved <= min(len(before), len(after))


def test_a_milestone_with_a_new_date_is_shown_as_moved():
    changes = milestones_difference(
        [("First panel meeting", date(2026, 3, 10)), ("Board", date(2026, 9, 1))],
        [("First panel meeting", date(2026, 3, 17)), ("Board", date(2026, 9, 1)), ("IMRs", date(2026, 6, 1))],
    )
    assert changes == [
        LineChange(MOVED, "First panel meeting: from 10 March 2026 to 17 March 2026"),
        LineChange(ADDED, "IMRs, 1 June 2026"),
    ]


def snapshot(**overrides) -> Snapshot:
    values = {
        "period_from": date(2024, 1, 1),
        "period_to": date(2025, 12, 31),
        "lines_of_enquiry": ("a", "b"),
        "agencies": ("Police", "NHS trust"),
        "family_involvement": "Mother invited",
        "milestones": (("Panel", date(2026, 3, 10)),),
    }
    return Snapshot(**(values | overrides))


def test_terms_difference_names_each_field_that_changed_and_only_those():
    assert terms_difference(None, snapshot()) == []
    assert terms_difference(snapshot(), snapshot()) == []
    changes = terms_difference(
        snapshot(),
        snapshot(period_to=date(2026, 1, 5), agencies=("Police", "Probation"), family_involvement="Father too"),
    )
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("period", "1 January 2024 to 31 December 2025", "1 January 2024 to 5 January 2026"),
        ("agencies", "", ""),
        ("family_involvement", "Mother invited", "Father too"),
    ]
    assert changes[1].lines == [LineChange(REMOVED, "NHS trust"), LineChange(ADDED, "Probation")]


def test_milestones_put_in_another_order_on_the_same_date_are_still_a_change():
    day = date(2026, 3, 10)
    changes = terms_difference(
        snapshot(milestones=(("A", day), ("B", day))), snapshot(milestones=(("B", day), ("A", day)))
    )
    assert [(c.field, c.lines) for c in changes] == [
        ("milestones", [LineChange(KEPT, "Milestones on the same date are in another order")])
    ]
