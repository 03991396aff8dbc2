"""The merge engine: order across agencies, possible duplicates, contradictions, gaps and missing sources."""

from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casereview.chronology.merge import (
    Item,
    content_words,
    contradictions,
    duplicates_and_contradictions,
    gaps,
    merge_order,
    missing_sources,
    possible_duplicates,
    similarity,
)

HOME_VISIT = "Health visitor home visit, child seen and weighed"
HOME_VISIT_AGAIN = "Home visit by the health visitor; child seen, weight checked"


def item(
    key: str,
    agency: str = "Health",
    occurred_on: date = date(2021, 3, 10),
    *,
    precision: str = "day",
    occurred_at: time | None = None,
    sequence: int = 1,
    people: frozenset[int] = frozenset({1}),
    text: str = HOME_VISIT,
    outcome: str = "",
    has_source: bool = True,
) -> Item:
    if occurred_at is not None and precision == "day":
        precision = "datetime"
    return Item(
        key=key,
        agency=agency,
        occurred_on=occurred_on,
        precision=precision,
        occurred_at=occurred_at,
        sequence=sequence,
        people=people,
        practitioners="",
        text=text,
        outcome=outcome,
        has_source=has_source,
    )


def keys(items) -> list[str]:
    return [i.key for i in items]


# Order.


def test_merge_order_interleaves_agencies_by_date():
    items = [
        item("p2", "Police", date(2021, 3, 12)),
        item("h1", "Health", date(2021, 3, 10)),
        item("p1", "Police", date(2021, 3, 11)),
        item("h2", "Health", date(2021, 3, 13)),
    ]
    assert keys(merge_order(items)) == ["h1", "p1", "p2", "h2"]


def test_a_month_only_entry_comes_first_in_its_month():
    items = [
        item("feb", "Police", date(2021, 2, 28)),
        item("first", "Health", date(2021, 3, 1), occurred_at=time(8, 0)),
        item("mid", "Education", date(2021, 3, 15)),
        item("month", "Police", date(2021, 3, 1), precision="month"),
        item("april", "Health", date(2021, 4, 1)),
    ]
    assert keys(merge_order(items)) == ["feb", "month", "first", "mid", "april"]


def test_same_day_timed_entries_first_by_time_then_by_agency_and_sequence():
    day = date(2021, 3, 10)
    items = [
        item("police-2", "Police", day, sequence=2),
        item("school", "school", day),
        item("late", "Police", day, occurred_at=time(16, 0)),
        item("police-1", "Police", day, sequence=1),
        item("early", "Social care", day, occurred_at=time(9, 30)),
        item("gp", "GP", day),
    ]
    assert keys(merge_order(items)) == ["early", "late", "gp", "police-1", "police-2", "school"]


def test_an_approximate_entry_sorts_by_its_date_among_the_day_s_entries():
    items = [
        item("after", "Police", date(2021, 3, 11)),
        item("approx", "Health", date(2021, 3, 10), precision="approximate"),
        item("before", "Police", date(2021, 3, 9)),
        item("same-day", "Police", date(2021, 3, 10)),
    ]
    assert keys(merge_order(items)) == ["before", "approx", "same-day", "after"]


def test_merge_order_is_stable_for_entries_that_tie():
    items = [item("b", "Health"), item("a", "Health"), item("c", "Health")]
    assert keys(merge_order(items)) == ["b", "a", "c"]


# Similarity.


def test_similarity_uses_content_words_and_stems():
    first, second = content_words(HOME_VISIT), content_words(HOME_VISIT_AGAIN)
    assert "see" in first and "the" not in second
    assert similarity(first, second) == pytest.approx(0.8)
    assert similarity(first, frozenset()) == 0.0


# Possible duplicates.


def test_same_event_from_two_agencies_is_a_possible_duplicate():
    pairs = possible_duplicates([item("b", "Health"), item("a", "Social care", text=HOME_VISIT_AGAIN)])
    assert pairs == [("a", "b", 0.8)]


def test_similar_entries_of_one_agency_are_not_duplicates():
    assert possible_duplicates([item("a", "Health"), item("b", "Health", text=HOME_VISIT_AGAIN)]) == []


def test_duplicates_need_the_same_day():
    items = [item("a", "Health"), item("b", "Police", date(2021, 3, 11))]
    assert possible_duplicates(items) == []


def test_duplicates_need_a_shared_person_or_nobody_on_both():
    assert possible_duplicates([item("a", "Health"), item("b", "Police", people=frozenset({2}))]) == []
    assert possible_duplicates([item("a", "Health"), item("b", "Police", people=frozenset())]) == []
    assert possible_duplicates([item("a", "Health", people=frozenset()), item("b", "Police", people=frozenset())]) == [
        ("a", "b", 1.0)
    ]
    assert possible_duplicates(
        [item("a", "Health", people=frozenset({1, 2})), item("b", "Police", people=frozenset({2, 3}))]
    ) == [("a", "b", 1.0)]


def test_duplicates_need_similar_text():
    items = [item("a", "Health"), item("b", "Police", text="Strategy discussion held with police and social care")]
    assert possible_duplicates(items) == []


def test_the_threshold_decides_how_similar():
    items = [item("a", "Health"), item("b", "Police", text="Health visitor called about the child's weight")]
    assert possible_duplicates(items) == []
    assert [pair[:2] for pair in possible_duplicates(items, threshold=0.3)] == [("a", "b")]


def test_a_month_only_entry_can_duplicate_any_day_of_its_month():
    items = [
        item("a", "Health", date(2021, 3, 1), precision="month"),
        item("b", "Police", date(2021, 3, 31)),
        item("c", "School", date(2021, 4, 1)),
    ]
    assert [pair[:2] for pair in possible_duplicates(items)] == [("a", "b")]


def test_an_approximate_date_can_duplicate_three_days_either_side():
    items = [
        item("a", "Health", date(2021, 3, 10), precision="approximate"),
        item("b", "Police", date(2021, 3, 13)),
        item("c", "School", date(2021, 3, 14)),
        item("d", "GP", date(2021, 3, 7), precision="approximate"),
    ]
    assert [pair[:2] for pair in possible_duplicates(items)] == [("a", "b"), ("a", "d")]


def test_two_month_only_entries_are_one_pair_not_one_per_day():
    items = [
        item("a", "Health", date(2021, 3, 1), precision="month"),
        item("b", "Police", date(2021, 3, 1), precision="month"),
    ]
    assert possible_duplicates(items) == [("a", "b", 1.0)]


# Contradictions.


def test_the_same_event_at_times_more_than_an_hour_apart_is_a_contradiction():
    items = [
        item("a", "Police", occurred_at=time(14, 30)),
        item("b", "Health", occurred_at=time(17, 0), text=HOME_VISIT_AGAIN),
    ]
    assert contradictions(items) == [
        ("a", "b", "The times differ by 2 hours 30 minutes: Police recorded 2:30pm, Health 5pm")
    ]


def test_times_an_hour_or_less_apart_agree():
    items = [
        item("a", "Police", occurred_at=time(14, 30)),
        item("b", "Health", occurred_at=time(15, 30), text=HOME_VISIT_AGAIN),
    ]
    assert contradictions(items) == []


def test_one_agency_saw_the_child_and_the_other_did_not():
    items = [
        item("a", "Health", text="Home visit", outcome="Child seen and spoken to alone"),
        item("b", "Social care", text="Joint home visit", outcome="Child not seen; mother said he was asleep"),
    ]
    [(first, second, reason)] = contradictions(items)
    assert (first, second) == ("a", "b")
    assert reason == (
        "The outcomes disagree on “seen”: Health recorded “Child seen and spoken to alone”, "
        "Social care “Child not seen; mother said he was asleep”"
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Access gained, child seen", "No access, card left"),
        ("Mother attended", "Mother didn't attend"),
        ("Referral made to children's social care", "Referral was not made"),
        ("Child seen", "Unable to see the child"),
    ],
)
def test_outcomes_one_states_and_the_other_negates_contradict(first, second):
    items = [
        item("a", "Health", text="Home visit to the family", outcome=first),
        item("b", "Police", text="Home visit to the family", outcome=second),
    ]
    assert len(contradictions(items)) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Child seen", "Child seen and weighed"),
        ("Child not seen", "No access; child not seen"),
        ("Mother attended", ""),
        ("Child seen", "Mother not at home, father present"),
    ],
)
def test_outcomes_that_do_not_disagree_are_not_contradictions(first, second):
    items = [
        item("a", "Health", text="Home visit to the family", outcome=first),
        item("b", "Police", text="Home visit to the family", outcome=second),
    ]
    assert contradictions(items) == []


def test_without_both_outcomes_the_accounts_are_compared():
    items = [
        item("a", "Health", text="Home visit to the family, child seen"),
        item("b", "Police", text="Home visit to the family, child not seen", outcome="Advice given"),
    ]
    [(_first, _second, reason)] = contradictions(items)
    assert reason.startswith("The accounts disagree on “seen”")


def test_different_events_do_not_contradict():
    items = [
        item("a", "Health", occurred_at=time(9, 0), outcome="Child seen"),
        item("b", "Police", occurred_at=time(17, 0), text="Police attended a report of shouting", outcome="Not seen"),
        item("c", "Health", occurred_at=time(17, 0), text=HOME_VISIT_AGAIN, outcome="Child not seen"),
        item("d", "School", date(2021, 3, 11), occurred_at=time(17, 0), outcome="Child not seen"),
        item("e", "School", occurred_at=time(17, 0), people=frozenset({2}), outcome="Child not seen"),
    ]
    assert contradictions(items) == []


# Gaps.


def test_a_gap_of_the_threshold_is_reported_and_a_shorter_one_is_not():
    items = [
        item("a", "Health", date(2021, 3, 1)),
        item("b", "Police", date(2021, 3, 16)),  # 14 days without an entry: 2 to 15 March
        item("c", "Police", date(2021, 3, 30)),  # 13 days: 17 to 29 March
    ]
    assert gaps(items, min_days=14) == [(date(2021, 3, 2), date(2021, 3, 15))]
    assert gaps(items, min_days=13) == [(date(2021, 3, 2), date(2021, 3, 15)), (date(2021, 3, 17), date(2021, 3, 29))]
    assert gaps(items, min_days=15) == []


def test_any_agency_s_entry_closes_a_gap():
    items = [
        item("a", "Health", date(2021, 1, 1)),
        item("b", "School", date(2021, 1, 20)),
        item("c", "Health", date(2021, 2, 5)),
    ]
    assert gaps(items, min_days=20) == []


def test_a_month_only_entry_covers_its_whole_month():
    items = [
        item("a", "Health", date(2021, 1, 31)),
        item("b", "Police", date(2021, 2, 1), precision="month"),
        item("c", "Health", date(2021, 3, 31)),
    ]
    assert gaps(items, min_days=14) == [(date(2021, 3, 1), date(2021, 3, 30))]


def test_no_gaps_before_the_first_or_after_the_last_entry():
    assert gaps([], min_days=1) == []
    assert gaps([item("a")], min_days=1) == []
    assert gaps([item("a"), item("b")], min_days=1) == []


def test_gap_threshold_must_be_a_day_or_more():
    with pytest.raises(ValueError):
        gaps([item("a")], min_days=0)


# Missing sources.


def test_missing_sources_lists_entries_without_a_source_in_order():
    items = [item("a", has_source=False), item("b"), item("c", has_source=False)]
    assert missing_sources(items) == ["a", "c"]


# Properties.

AGENCIES = ["Health", "Police", "School", "Social care"]
WORDS = ["home", "visit", "child", "seen", "not", "mother", "school", "absent", "police", "called", "strategy", "gp"]


def _make_items(rows) -> list[Item]:
    result = []
    for index, (precision, occurred_on, agency, minutes, sequence, people, text, outcome, has_source) in enumerate(
        rows
    ):
        result.append(
            Item(
                key=f"k{index:03d}",
                agency=agency,
                occurred_on=occurred_on.replace(day=1) if precision == "month" else occurred_on,
                precision=precision,
                occurred_at=time(*divmod(minutes, 60)) if precision == "datetime" else None,
                sequence=sequence,
                people=people,
                practitioners="",
                text=" ".join(text),
                outcome=" ".join(outcome),
                has_source=has_source,
            )
        )
    return result


def items_strategy(max_size: int = 30):
    row = st.tuples(
        st.sampled_from(["day", "datetime", "month", "approximate"]),
        st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 6, 30)),
        st.sampled_from(AGENCIES),
        st.integers(min_value=0, max_value=24 * 60 - 1),
        st.integers(min_value=1, max_value=3),
        st.frozensets(st.integers(min_value=1, max_value=3), max_size=2),
        st.lists(st.sampled_from(WORDS), max_size=6),
        st.lists(st.sampled_from(WORDS), max_size=3),
        st.booleans(),
    )
    return st.lists(row, max_size=max_size).map(_make_items)


@given(items_strategy())
def test_merge_order_is_a_permutation_sorted_by_date(items):
    merged = merge_order(items)
    assert sorted(keys(merged)) == sorted(keys(items))
    assert [i.occurred_on for i in merged] == sorted(i.occurred_on for i in items)


@given(items_strategy(), st.integers(min_value=10, max_value=100).map(lambda n: n / 100))
def test_duplicates_are_distinct_ordered_pairs_across_agencies(items, threshold):
    by_key = {i.key: i for i in items}
    pairs = possible_duplicates(items, threshold)
    assert len({(a, b) for a, b, _ in pairs}) == len(pairs)
    for first, second, score in pairs:
        assert first < second
        assert by_key[first].agency != by_key[second].agency
        assert threshold <= score <= 1
        assert (by_key[first].people & by_key[second].people) or not (by_key[first].people | by_key[second].people)


@given(items_strategy())
def test_duplicates_do_not_depend_on_input_order(items):
    assert possible_duplicates(items) == possible_duplicates(list(reversed(items)))


@given(items_strategy())
def test_contradictions_are_distinct_ordered_pairs_across_agencies(items):
    by_key = {i.key: i for i in items}
    found = contradictions(items)
    assert len({(a, b) for a, b, _ in found}) == len(found)
    for first, second, reason in found:
        assert first < second and reason
        assert by_key[first].agency != by_key[second].agency


@given(items_strategy(), st.integers(min_value=1, max_value=30))
def test_gaps_never_contain_an_entry_date_and_are_long_enough(items, min_days):
    found = gaps(items, min_days)
    dates = {i.occurred_on for i in items}
    for start, end in found:
        assert (end - start).days + 1 >= min_days
        assert min(dates) < start <= end < max(dates)
        assert not any(start <= d <= end for d in dates)
        assert start - timedelta(days=1) in dates or any(
            i.precision == "month" and i.occurred_on <= start - timedelta(days=1) for i in items
        )
    assert found == sorted(found)


@given(items_strategy())
def test_missing_sources_are_exactly_the_items_without_one(items):
    assert set(missing_sources(items)) == {i.key for i in items if not i.has_source}


@given(items_strategy())
def test_one_pass_finds_what_the_two_functions_find(items):
    assert duplicates_and_contradictions(items) == (possible_duplicates(items), contradictions(items))
