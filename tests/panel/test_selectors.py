"""The composition against the required seats, and what set-up still misses."""

import pytest
from django.http import Http404

from casereview.panel.models import Position
from casereview.panel.selectors import (
    FILLED,
    GAP,
    UNFILLED,
    composition,
    conflicts_of,
    declaration_statuses,
    panel_for_user_or_404,
    set_up_missing,
)
from casereview.panel.services import IndependenceRefused, conflict_override, declaration_make, seat_gap_record
from casereview.reviews.services import person_add
from tests.panel.conftest import appoint, fill_required_seats, listed_worker, person
from tests.panel.test_services import DECLARED

SCR_SEATS = ["Children's services", "Adult services", "Health commissioner", "NHS trust", "Police", "Probation"]


def test_composition_follows_the_review_type(held):
    seats = composition(held.fresh())
    assert [seat.label for seat in seats] == [*SCR_SEATS, "Legal adviser"]
    assert {seat.status for seat in seats} == {UNFILLED}


def test_representative_fills_the_seat_of_its_agencys_kind_only(held):
    police = appoint(held, person(), Position.AGENCY_REPRESENTATIVE, "police")
    appoint(held, person(), Position.AGENCY_REPRESENTATIVE, "education")  # no seat for education
    appoint(held, person(), Position.CO_OPTED, "trust")  # co-opted does not fill the trust's seat
    seats = {seat.code: seat for seat in composition(held.fresh())}
    assert seats["police"].status == FILLED and seats["police"].appointments == [police]
    assert seats["nhs_trust"].status == UNFILLED
    assert sum(seat.status == FILLED for seat in seats.values()) == 1


def test_gap_reason_counts_until_the_seat_is_filled(held):
    seat_gap_record(actor=held.manager, review=held.fresh(), seat="probation", reason="Not involved with the family")
    seats = {seat.code: seat for seat in composition(held.fresh())}
    assert seats["probation"].status == GAP
    assert seats["probation"].gap.reason == "Not involved with the family"


def test_set_up_missing_on_an_empty_panel(held):
    missing = set_up_missing(held.fresh())
    assert missing == [
        *[
            (f"Fill the {label} seat on the panel, or record why it is not filled", "panel:panel")
            for label in SCR_SEATS
        ],
        ("Fill the Legal adviser seat on the panel, or record why it is not filled", "panel:panel"),
        ("Appoint a panel chair", "panel:appoint"),
        ("Appoint a lead reviewer", "panel:appoint"),
    ]


def test_set_up_missing_lists_declarations_and_conflicts_then_nothing(held):
    fill_required_seats(held)
    chair, reviewer = person("Cara Chair"), person("Lee Reviewer")
    appoint(held, chair, Position.PANEL_CHAIR)
    appoint(held, reviewer, Position.LEAD_REVIEWER)
    review = held.fresh()
    waiting = [text for text, _page in set_up_missing(review)]
    assert len(waiting) == 9 and "Cara Chair has not made their independence declaration" in waiting

    appointees = {a.user for a in review.appointments.all()}
    for user in appointees:
        declaration_make(actor=user, review=review, **DECLARED)
    assert set_up_missing(review) == []

    person_add(actor=held.manager, review=review, full_name="Lee Reviewer", relationship="father", pseudonym="Father")
    assert set_up_missing(review) == [
        (
            "Resolve the conflict found for Lee Reviewer: Their name matches Father (father) on the people register",
            "panel:panel",
        ),
    ]
    conflict_override(actor=held.chair, conflict=conflicts_of(review)[0], reason="Same name, different person")
    assert set_up_missing(review) == []


def test_conflict_of_someone_refused_does_not_block_set_up(held):
    listed_worker(held, full_name="Rae Refused")
    with pytest.raises(IndependenceRefused):
        appoint(held, person("Rae Refused"), Position.CO_OPTED)
    assert not any(text.startswith("Resolve") for text, _page in set_up_missing(held.fresh()))
    assert len(conflicts_of(held.fresh())) == 1


def test_declaration_status_per_appointee(held):
    declared, waiting = person(), person()
    appoint(held, declared, Position.CO_OPTED)
    appoint(held, waiting, Position.LEGAL_ADVISER)
    appoint(held, person(), Position.SENIOR_MANAGER, "police")  # does not declare
    declaration_make(actor=declared, review=held.fresh(), **DECLARED)
    statuses = declaration_statuses(held.fresh())
    assert set(statuses) == {declared.pk, waiting.pk}
    assert statuses[declared.pk].declares_independence and statuses[waiting.pk] is None


def test_conflicts_unresolved_first(held):
    listed_worker(held, full_name="Ann First")
    listed_worker(held, full_name="Bob Second")
    for name in ["Ann First", "Bob Second"]:
        with pytest.raises(IndependenceRefused):
            appoint(held, person(name), Position.CO_OPTED)
    first = conflicts_of(held.fresh())[0]
    conflict_override(actor=held.chair, conflict=first, reason="Fine")
    assert [c.user.full_name for c in conflicts_of(held.fresh())] == ["Bob Second", "Ann First"]


def test_panel_is_not_found_for_those_who_may_not_see_it(held, member):
    with pytest.raises(Http404):
        panel_for_user_or_404(member, held.fresh())
    assert panel_for_user_or_404(held.chair, held.fresh()).seats
