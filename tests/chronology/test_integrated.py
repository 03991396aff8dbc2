"""The integrated chronology: every agency's latest submitted version merged in time order, its filters, its marks
(possible duplicates, contradictions, gaps, no source), the lead reviewer's decisions and notes, who sees it, and
its page, API and cost in queries."""

from datetime import date

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casereview.accounts.models import Role
from casereview.audit.models import AuditEvent
from casereview.chronology import merge
from casereview.chronology.integrated import (
    IntegratedFilters,
    integrated_entry_for_user_or_404,
    integrated_marks_warm,
    integrated_page,
    integrated_timeline,
    merge_items,
)
from casereview.chronology.models import ChronologyEntry, EntryAnnotation, EntryPair
from casereview.chronology.selectors import latest_submitted_versions
from casereview.chronology.services import (
    chronology_draft,
    chronology_submit,
    entries_add_bulk,
    entry_add,
    entry_annotate,
    entry_pair_decide,
)
from casereview.core.errors import Invalid, NotAllowed
from casereview.reviews.models import Review
from casereview.reviews.stages import Stage
from tests.chronology.entries_world import build_chronology_world, entry_values
from tests.factories import AgencyFactory, decided_review, grant, make_board_with_staff
from tests.web import api_call, page, signed_in

SEES = [Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER, "board_manager"]
SEES_NOT = ["board_chair", Role.BOARD_MEMBER, Role.NATIONAL_BODY, Role.WORKER, "police_imr", "health_senior"]

# Two agencies' words for one visit: similar enough to be marked as a possible duplicate (see merge.py).
POLICE_VISIT = "Home visit by the health visitor; child seen, weight checked"
HEALTH_VISIT = "Health visitor home visit, child seen and weighed"


@pytest.fixture(autouse=True)
def vault_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(board, manager, chair):
    return build_chronology_world(board, manager, chair)


def values(date_text="31/03/2021", what="Police attended the family home.", **overrides):
    return entry_values(date=date_text, what_happened=what, **({"action": "", "outcome": ""} | overrides))


def lead(world):
    return world.users[Role.LEAD_REVIEWER]


def rows(world, user=None, **filters):
    found = integrated_page(user or lead(world), world.fresh_review(), IntegratedFilters(**filters))
    return found.rows


def texts(found):
    return [row.what_happened for row in found]


# -- Merging -------------------------------------------------------------------------------------------------


def test_page_merges_every_agencys_latest_submitted_version_in_time_order(world):
    world.submitted(world.police, values("02/04/2021", "Police second"), values("01/04/2021", "Police first"))
    world.submitted(world.health, values("01/04/2021 09:00", "Health early"), values("03/04/2021", "Health last"))
    assert texts(rows(world)) == ["Health early", "Police first", "Police second", "Health last"]


def test_page_order_is_the_engines_merge_order(world):
    dates = ["March 2021", "01/03/2021", "01/03/2021 14:00", "01/03/2021 09:30", "?02/03/2021", "02/03/2021"]
    world.submitted(world.police, *(values(d, f"Police {n}") for n, d in enumerate(dates)))
    world.submitted(world.health, *(values(d, f"Health {n}") for n, d in enumerate(reversed(dates))))
    versions = latest_submitted_versions(world.fresh_review())
    expected = [item.key for item in merge.merge_order(merge_items(versions))]
    assert [row.key for row in rows(world)] == expected


@pytest.mark.parametrize("per_page", [1, 3, 7, 50])
def test_pages_cut_through_entries_of_the_same_day_in_merge_order(world, board, per_page):
    third = AgencyFactory(board=board, name="Aardvark Academy")  # first by name, last made
    author = world.users["police_senior"]
    grant(author, Role.IMR_AUTHOR, board, review=world.review, agency=third)
    days = ["01/03/2021", "01/03/2021 10:00", "02/03/2021", "March 2021"]
    world.submitted(world.police, *(values(days[n % 4], f"Police {n}") for n in range(9)))
    world.submitted(world.health, *(values(days[n % 3], f"Health {n}") for n in range(8)))
    version = chronology_draft(actor=author, review=world.fresh_review(), agency=third)
    entries_add_bulk(actor=author, version=version, rows=[values(days[n % 2], f"Academy {n}") for n in range(6)])
    chronology_submit(actor=author, version=version)
    review = world.fresh_review()
    expected = [item.key for item in merge.merge_order(merge_items(latest_submitted_versions(review)))]
    first = integrated_page(lead(world), review, IntegratedFilters(), 1, per_page)
    found = [
        row.key
        for number in range(1, first.pages + 1)
        for row in integrated_page(lead(world), review, IntegratedFilters(), number, per_page).rows
    ]
    assert found == expected


def test_uncertain_dates_are_marked(world):
    world.submitted(world.police, values("March 2021", "Month"), values("?22/03/2021", "About"), values("23/03/2021"))
    found = rows(world)
    assert [row.precision_tag for row in found] == ["Month only", "Approximate", ""]
    assert [row.date_label for row in found][:2] == ["March 2021", "?22 March 2021"]


def test_drafts_are_never_merged(world):
    world.submitted(world.police, values(what="Submitted police entry"))
    draft = world.draft(world.police)
    entry_add(actor=world.users["police_imr"], version=draft, **values(what="Draft police entry"))
    health = world.draft(world.health, "health_imr")
    entry_add(actor=world.users["health_imr"], version=health, **values(what="Draft health entry"))
    assert texts(rows(world)) == ["Submitted police entry"]


def test_a_new_submitted_version_replaces_the_agencys_earlier_one(world):
    world.submitted(world.police, values(what="Version one"))
    world.submitted(world.police, values("01/04/2021", what="Added in version two"))
    assert texts(rows(world)) == ["Version one", "Added in version two"]
    assert {row.version_number for row in rows(world)} == {2}


@pytest.mark.parametrize("who", SEES)
def test_the_panel_lead_reviewer_and_board_manager_see_it(world, who):
    world.submitted(world.police, values())
    assert len(rows(world, world.users[who])) == 1


@pytest.mark.parametrize("who", SEES_NOT)
def test_others_are_refused_as_not_found(world, who):
    world.submitted(world.police, values())
    with pytest.raises(Http404):
        rows(world, world.users[who])


# -- Filters ------------------------------------------------------------------------------------------------


@pytest.fixture
def filtered_world(world):
    world.submitted(
        world.police,
        values("01/01/2021", "Police January", people=[world.child.pk], significance="key"),
        values("01/02/2021", "Police February", people=[world.mother.pk], significance="routine"),
    )
    world.submitted(
        world.health,
        values("15/01/2021", "Health January", people=[world.child.pk, world.mother.pk], significance="significant"),
        values("March 2021", "Health March", significance="routine"),
    )
    return world


def test_filter_by_agency(filtered_world):
    assert texts(rows(filtered_world, agencies=frozenset({filtered_world.health.pk}))) == [
        "Health January",
        "Health March",
    ]


def test_filter_by_person(filtered_world):
    assert texts(rows(filtered_world, person=filtered_world.mother.pk)) == ["Health January", "Police February"]


def test_filter_by_significance(filtered_world):
    assert texts(rows(filtered_world, significance=frozenset({"key", "significant"}))) == [
        "Police January",
        "Health January",
    ]


def test_filter_by_period(filtered_world):
    found = rows(filtered_world, date_from=date(2021, 1, 10), date_to=date(2021, 3, 31))
    assert texts(found) == ["Health January", "Police February", "Health March"]


def test_filters_combine(filtered_world):
    found = rows(filtered_world, agencies=frozenset({filtered_world.police.pk}), person=filtered_world.child.pk)
    assert texts(found) == ["Police January"]


def test_pages_hold_a_hundred_entries_and_the_last_page_the_rest(world):
    version = world.draft(world.police)
    entries_add_bulk(
        actor=world.users["police_imr"],
        version=version,
        rows=[values(f"{1 + n % 28:02d}/0{1 + n // 28}/2021", f"Entry {n}") for n in range(130)],
    )
    chronology_submit(actor=world.users["police_imr"], version=version)
    review = world.fresh_review()
    first = integrated_page(lead(world), review, IntegratedFilters(), 1)
    second = integrated_page(lead(world), review, IntegratedFilters(), 2)
    beyond = integrated_page(lead(world), review, IntegratedFilters(), 9)
    assert (first.count, first.pages, len(first.rows), len(second.rows)) == (130, 2, 100, 30)
    assert beyond.number == 2
    assert not {row.key for row in first.rows} & {row.key for row in second.rows}


# -- Marks ---------------------------------------------------------------------------------------------------


def test_possible_duplicate_is_marked_on_both_entries_with_the_other(world):
    world.submitted(world.police, values(what=POLICE_VISIT, people=[world.child.pk]))
    world.submitted(world.health, values(what=HEALTH_VISIT, people=[world.child.pk]))
    police, health = sorted(rows(world), key=lambda row: row.agency)[::-1]
    assert [mark.other.key for mark in police.duplicates] == [health.key]
    assert [mark.other.key for mark in health.duplicates] == [police.key]
    assert police.duplicates[0].score >= 0.6
    assert police.duplicates[0].decision == ""


def test_different_days_or_people_are_not_duplicates(world):
    world.submitted(world.police, values("30/03/2021", POLICE_VISIT, people=[world.child.pk]))
    world.submitted(world.health, values("31/03/2021", HEALTH_VISIT, people=[world.child.pk]))
    assert not any(row.duplicates for row in rows(world))


def test_contradiction_is_marked_with_its_reason(world):
    world.submitted(world.police, values(what=POLICE_VISIT, outcome="Child seen at home", people=[world.child.pk]))
    world.submitted(world.health, values(what=HEALTH_VISIT, outcome="Child not seen", people=[world.child.pk]))
    found = rows(world)
    for row in found:
        (mark,) = row.contradictions
        assert mark.other.key != row.key
        assert "outcomes disagree" in mark.reason


def test_entry_without_a_source_is_marked(world):
    world.submitted(
        world.police,
        values(what="With a reference", source_reference="Incident log 123"),
        values("01/04/2021", "With a file", source_file=world.police_file.pk),
        values("02/04/2021", "Without a source"),
    )
    assert [(row.what_happened, row.has_source) for row in rows(world)] == [
        ("With a reference", True),
        ("With a file", True),
        ("Without a source", False),
    ]
    assert "Custody record" in rows(world)[1].source


def test_gap_shown_between_entries_when_no_agency_had_contact_for_the_threshold(world):
    world.submitted(world.police, values("01/01/2021", "Before"), values("01/03/2021", "After"))
    found = integrated_page(lead(world), world.fresh_review(), IntegratedFilters(gap_days=28))
    assert [line.is_gap for line in found.lines] == [False, True, False]
    gap = found.gaps[0]
    assert (gap.first, gap.last, gap.days) == (date(2021, 1, 2), date(2021, 2, 28), 58)
    longer = integrated_page(lead(world), world.fresh_review(), IntegratedFilters(gap_days=60))
    assert not longer.gaps


def test_gap_threshold_defaults_to_the_setting(world, settings):
    world.submitted(world.police, values("01/01/2021", "Before"), values("01/02/2021", "After"))
    settings.CASEREVIEW_CHRONOLOGY_GAP_DAYS = 40
    assert not integrated_page(lead(world), world.fresh_review(), IntegratedFilters()).gaps
    settings.CASEREVIEW_CHRONOLOGY_GAP_DAYS = 20
    assert len(integrated_page(lead(world), world.fresh_review(), IntegratedFilters()).gaps) == 1


def test_another_agencys_contact_closes_the_gap(world):
    world.submitted(world.police, values("20/01/2021", "Before"), values("10/03/2021", "After"))
    assert len(integrated_page(lead(world), world.fresh_review(), IntegratedFilters(gap_days=28)).gaps) == 1
    world.submitted(world.health, values("February 2021", "Health in February"))
    found = integrated_page(lead(world), world.fresh_review(), IntegratedFilters(gap_days=28))
    assert not found.gaps
    police_only = IntegratedFilters(agencies=frozenset({world.police.pk}), gap_days=28)
    assert not integrated_page(lead(world), world.fresh_review(), police_only).gaps  # gaps are of every agency


def test_marks_follow_a_new_submission(world):
    world.submitted(world.police, values(what=POLICE_VISIT, people=[world.child.pk]))
    world.submitted(world.health, values("01/01/2021", HEALTH_VISIT, people=[world.child.pk]))
    integrated_marks_warm(world.fresh_review())
    assert not any(row.duplicates for row in rows(world))
    world.submitted(world.health, values(what=HEALTH_VISIT, people=[world.child.pk]))
    marked = [row.agency for row in rows(world) if row.duplicates]
    assert sorted(marked) == ["Northshire NHS Trust", "Northshire Police"]


# -- The lead reviewer's decisions and notes ---------------------------------------------------------------


@pytest.fixture
def duplicate_world(world):
    world.submitted(world.police, values(what=POLICE_VISIT, people=[world.child.pk]))
    world.submitted(world.health, values(what=HEALTH_VISIT, people=[world.child.pk]))
    return world


def keys(world):
    return [row.key for row in rows(world)]


def test_lead_reviewer_links_a_possible_duplicate(duplicate_world):
    first, second = keys(duplicate_world)
    review = duplicate_world.fresh_review()
    pair = entry_pair_decide(
        actor=lead(duplicate_world), review=review, first_key=second, second_key=first, decision="linked", note="Same"
    )
    assert (str(pair.first_key), str(pair.second_key)) == tuple(sorted([first, second]))
    assert all(row.duplicates[0].decision == "linked" for row in rows(duplicate_world))
    assert AuditEvent.objects.filter(action="chronology.pair_decided").count() == 1


def test_lead_reviewer_dismisses_then_changes_their_mind(duplicate_world):
    first, second = keys(duplicate_world)
    review = duplicate_world.fresh_review()
    entry_pair_decide(
        actor=lead(duplicate_world), review=review, first_key=first, second_key=second, decision="dismissed"
    )
    assert rows(duplicate_world)[0].duplicates[0].decision == "dismissed"
    entry_pair_decide(actor=lead(duplicate_world), review=review, first_key=first, second_key=second, decision="linked")
    assert EntryPair.objects.get().decision == "linked"
    changed = AuditEvent.objects.get(action="chronology.pair_changed")
    assert changed.data["was"] == "dismissed"


@pytest.mark.parametrize("who", [Role.PANEL_CHAIR, Role.PANEL_MEMBER, "board_manager", "police_imr"])
def test_only_the_lead_reviewer_decides(duplicate_world, who):
    first, second = keys(duplicate_world)
    with pytest.raises(NotAllowed):
        entry_pair_decide(
            actor=duplicate_world.users[who],
            review=duplicate_world.fresh_review(),
            first_key=first,
            second_key=second,
            decision="linked",
        )
    assert not EntryPair.objects.exists()


def test_decisions_need_two_entries_of_the_chronology(duplicate_world):
    first, _second = keys(duplicate_world)
    review = duplicate_world.fresh_review()
    for other, field in [(first, "second_key"), ("not a key", "second_key"), ("1" * 32, "second_key")]:
        with pytest.raises(Invalid) as refused:
            entry_pair_decide(
                actor=lead(duplicate_world), review=review, first_key=first, second_key=other, decision="linked"
            )
        assert field in refused.value.errors
    with pytest.raises(Invalid) as refused:
        entry_pair_decide(
            actor=lead(duplicate_world), review=review, first_key=first, second_key=first, decision="maybe"
        )
    assert "decision" in refused.value.errors


def test_a_decision_holds_in_the_next_version(duplicate_world):
    first, second = keys(duplicate_world)
    review = duplicate_world.fresh_review()
    entry_pair_decide(actor=lead(duplicate_world), review=review, first_key=first, second_key=second, decision="linked")
    duplicate_world.submitted(duplicate_world.police, values("01/05/2021", "Added later"))  # copies the entry
    linked = [row for row in rows(duplicate_world) if row.duplicates]
    assert len(linked) == 2 and all(row.duplicates[0].decision == "linked" for row in linked)


def test_lead_reviewer_annotates_with_a_note_and_themes(duplicate_world):
    key = keys(duplicate_world)[0]
    review = duplicate_world.fresh_review()
    entry_annotate(actor=lead(duplicate_world), review=review, entry_key=key, note="First thought", themes=[])
    entry_annotate(
        actor=lead(duplicate_world),
        review=review,
        entry_key=key,
        note="Ask the health visitor\r\nabout the weight",
        themes=["Neglect", "Information sharing"],
    )
    (row,) = [row for row in rows(duplicate_world) if row.key == key]
    assert row.annotation.note == "Ask the health visitor\nabout the weight"
    assert row.annotation.themes == ["Information sharing", "Neglect"]  # in the list's order
    assert EntryAnnotation.objects.count() == 2
    event = AuditEvent.objects.filter(action="chronology.entry_annotated").last()
    assert event.data == {"entry_key": key, "themes": ["Information sharing", "Neglect"], "note": True}


def test_annotation_refuses_unknown_themes_empty_notes_and_others(duplicate_world):
    key = keys(duplicate_world)[0]
    review = duplicate_world.fresh_review()
    with pytest.raises(Invalid) as refused:
        entry_annotate(actor=lead(duplicate_world), review=review, entry_key=key, themes=["Made up"])
    assert "themes" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        entry_annotate(actor=lead(duplicate_world), review=review, entry_key=key, note="  ")
    assert refused.value.errors == {"note": "Enter a note or choose at least one theme"}
    with pytest.raises(Invalid):
        entry_annotate(actor=lead(duplicate_world), review=review, entry_key=key, note="x\x00")
    with pytest.raises(NotAllowed):
        entry_annotate(actor=duplicate_world.users[Role.PANEL_CHAIR], review=review, entry_key=key, note="Mine")
    assert not EntryAnnotation.objects.exists()


def test_nothing_is_decided_or_annotated_once_the_review_is_closed(duplicate_world, manager):
    first, second = keys(duplicate_world)
    Review.objects.filter(pk=duplicate_world.review.pk).update(stage=Stage.CLOSED)
    review = duplicate_world.fresh_review()
    with pytest.raises(NotAllowed):
        entry_pair_decide(
            actor=lead(duplicate_world), review=review, first_key=first, second_key=second, decision="linked"
        )
    with pytest.raises(NotAllowed):
        entry_annotate(actor=lead(duplicate_world), review=review, entry_key=first, note="Late")
    assert len(rows(duplicate_world)) == 2  # still readable


def test_an_entry_of_a_draft_is_not_found(world):
    world.submitted(world.police, values())
    draft = world.draft(world.police)
    in_draft = ChronologyEntry.objects.filter(version=draft).first()
    with pytest.raises(Http404):
        integrated_entry_for_user_or_404(lead(world), world.fresh_review(), in_draft.pk)
    with pytest.raises(Http404):
        integrated_entry_for_user_or_404(lead(world), world.fresh_review(), "nonsense")


# -- Timeline data -------------------------------------------------------------------------------------------


def test_timeline_has_a_lane_per_agency_and_the_filtered_entries(filtered_world):
    lanes, entries = integrated_timeline(lead(filtered_world), filtered_world.fresh_review(), IntegratedFilters())
    assert lanes == ["Northshire NHS Trust", "Northshire Police"]
    assert [entry.summary for entry in entries][:2] == ["Police January", "Health January"]
    key_only = IntegratedFilters(significance=frozenset({"key"}))
    _lanes, entries = integrated_timeline(lead(filtered_world), filtered_world.fresh_review(), key_only)
    assert [(entry.agency, entry.significance) for entry in entries] == [("Northshire Police", "key")]


# -- Cost ----------------------------------------------------------------------------------------------------


def _bulk(world, agency, count, who):
    version = world.draft(agency, who)
    entries_add_bulk(
        actor=world.users[who],
        version=version,
        rows=[
            values(f"{1 + n % 28:02d}/{1 + (n // 28) % 12:02d}/{2015 + n // 336}", f"Entry {n} of {agency.name}")
            for n in range(count)
        ],
    )
    chronology_submit(actor=world.users[who], version=version)


def _page_queries(world) -> int:
    review = world.fresh_review()
    filters = IntegratedFilters(significance=frozenset({"significant"}), date_from=date(2015, 1, 1))
    integrated_page(lead(world), review, filters)  # the marks are cached once per set of versions
    with CaptureQueriesContext(connection) as queries:
        found = integrated_page(lead(world), review, filters, 2)
    assert found.rows
    return len(queries)


def test_a_page_costs_the_same_queries_however_many_entries(board, manager, chair):
    small = build_chronology_world(board, manager, chair)
    _bulk(small, small.police, 120, "police_imr")
    _bulk(small, small.health, 120, "health_imr")
    staff = make_board_with_staff()
    large = build_chronology_world(staff.board, staff.manager, staff.chair)
    _bulk(large, large.police, 900, "police_imr")
    _bulk(large, large.health, 900, "health_imr")
    assert _page_queries(small) == _page_queries(large)


# -- Pages ---------------------------------------------------------------------------------------------------


def main_text(response) -> str:
    return " ".join(page(response).find("main").text.split())


def url(world, name="chronology:integrated", *args):
    return reverse(name, args=[world.review.pk, *args])


def test_page_shows_entries_marks_gaps_and_tags(duplicate_world):
    world = duplicate_world
    world.submitted(world.police, values("01/06/2021", "Much later", source_reference="Log 9"))
    world.submitted(world.health, values("March 2021", "Month only entry"))
    response = signed_in(world.users[Role.PANEL_CHAIR]).get(url(world))
    assert response.status_code == 200
    doc = page(response)
    body = main_text(response)
    assert "Possible duplicate" in body
    assert "No source" in body
    assert "Month only" in body
    assert "No contact from any agency for" in body
    assert "Link" not in [button.text for button in doc.find_all("button")]  # the panel chair may not decide
    assert AuditEvent.objects.filter(action="chronology.integrated_viewed").exists()


def test_page_orders_rows_in_merge_order(world):
    world.submitted(world.police, values("02/04/2021", "Police second"), values("01/04/2021", "Police first"))
    world.submitted(world.health, values("01/04/2021 09:00", "Health early"))
    body = signed_in(lead(world)).get(url(world)).content.decode()
    positions = [body.index(text) for text in ["Health early", "Police first", "Police second"]]
    assert positions == sorted(positions)


def test_page_filters_by_query_string(filtered_world):
    world = filtered_world
    client = signed_in(lead(world))
    body = client.get(url(world), {"agency": world.health.pk, "date_from": "January 2021", "date_to": "01/02/2021"})
    assert body.status_code == 200
    text = main_text(body)
    assert "Health January" in text and "Police January" not in text and "Health March" not in text


def test_page_explains_bad_filters(filtered_world):
    response = signed_in(lead(filtered_world)).get(url(filtered_world), {"date_from": "31/02/2021", "gap_days": "x"})
    assert response.status_code == 200
    text = main_text(response)
    assert "There is a problem" in text
    assert "February 2021 has 28 days" in text
    assert "Enter the number of days as a whole number" in text


def test_lead_reviewer_links_from_the_page_and_returns_to_it(duplicate_world):
    world = duplicate_world
    police, health = sorted(rows(world), key=lambda row: row.agency)[::-1]
    client = signed_in(lead(world))
    body = page(client.get(url(world)))
    assert {"Link", "Not the same"} <= {
        button.text.split(" with")[0].split(" as")[0] for button in body.find_all("button")
    }
    back = url(world) + "?page=1"
    response = client.post(url(world, "chronology:pair", police.pk, health.pk), {"decision": "linked", "back": back})
    assert response.status_code == 302 and response["Location"] == back
    assert EntryPair.objects.get().decision == "linked"
    assert "Linked" in main_text(client.get(url(world)))


def test_pair_page_compares_and_refuses_a_missing_decision(duplicate_world):
    world = duplicate_world
    police, health = sorted(rows(world), key=lambda row: row.agency)[::-1]
    client = signed_in(lead(world))
    shown = client.get(url(world, "chronology:pair", police.pk, health.pk))
    assert shown.status_code == 200
    assert POLICE_VISIT in main_text(shown) and HEALTH_VISIT in main_text(shown)
    refused = client.post(url(world, "chronology:pair", police.pk, health.pk), {"decision": ""})
    assert refused.status_code == 200
    assert "Choose whether the two entries record the same event" in main_text(refused)
    assert not EntryPair.objects.exists()


def test_pair_and_annotation_pages_are_not_found_for_the_panel(duplicate_world):
    world = duplicate_world
    police, health = rows(world)
    client = signed_in(world.users[Role.PANEL_CHAIR])
    assert client.get(url(world, "chronology:pair", police.pk, health.pk)).status_code == 404
    assert client.post(url(world, "chronology:pair", police.pk, health.pk), {"decision": "linked"}).status_code == 404
    assert client.post(url(world, "chronology:annotation", police.pk), {"note": "Mine"}).status_code == 404
    assert not EntryPair.objects.exists() and not EntryAnnotation.objects.exists()


def test_an_offsite_back_address_is_ignored(duplicate_world):
    world = duplicate_world
    police, health = rows(world)
    response = signed_in(lead(world)).post(
        url(world, "chronology:pair", police.pk, health.pk), {"decision": "linked", "back": "https://evil.example/"}
    )
    assert response["Location"] == url(world)


def test_lead_reviewer_annotates_from_the_page(duplicate_world):
    world = duplicate_world
    row = rows(world)[0]
    client = signed_in(lead(world))
    form = client.get(url(world, "chronology:annotation", row.pk))
    assert form.status_code == 200 and "Neglect" in main_text(form)
    response = client.post(
        url(world, "chronology:annotation", row.pk), {"note": "Ask about the weight", "themes": ["Neglect"]}
    )
    assert response.status_code == 302
    text = main_text(client.get(url(world)))
    assert "Ask about the weight" in text and "Neglect" in text
    refused = client.post(url(world, "chronology:annotation", row.pk), {"themes": ["Made up"]})
    assert "Choose themes from the list" in main_text(refused)


def test_review_of_another_board_is_not_found(world, other_board, other_manager, other_chair):
    world.submitted(world.police, values())
    elsewhere = decided_review(other_board, other_manager, other_chair)
    client = signed_in(lead(world))
    for name in ("chronology:integrated", "chronology:timeline", "chronology:integrated-export"):
        assert client.get(reverse(name, args=[elsewhere.pk])).status_code == 404


def test_entry_of_another_review_under_own_review_is_not_found(world):
    world.submitted(world.police, values())
    staff = make_board_with_staff()
    other = build_chronology_world(staff.board, staff.manager, staff.chair)
    other.submitted(other.police, values())
    foreign = ChronologyEntry.objects.filter(version__review=other.review).first()
    client = signed_in(lead(world))
    assert client.get(url(world, "chronology:annotation", foreign.pk)).status_code == 404


def test_page_without_submissions_says_so(world):
    response = signed_in(lead(world)).get(url(world))
    assert "No agency has submitted its chronology yet" in main_text(response)


# -- API -----------------------------------------------------------------------------------------------------


def api_url(world, tail=""):
    return f"/api/reviews/{world.review.pk}/chronology/integrated{tail}"


def test_api_lists_entries_with_marks_and_gaps(duplicate_world):
    world = duplicate_world
    world.submitted(world.police, values("01/06/2021", "Much later"))
    client = signed_in(world.users[Role.LEGAL_ADVISER])
    response = api_call(client, "GET", api_url(world) + "?gap_days=28")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3 and body["pages"] == 1 and body["gap_days"] == 28
    first = body["entries"][0]
    assert first["possible_duplicates"][0]["entry"]["key"] in {e["key"] for e in body["entries"]}
    assert first["has_source"] is False
    assert body["gaps"][0]["before_entry"] == body["entries"][2]["id"]


def test_api_filters_and_refuses_bad_filters(filtered_world):
    world = filtered_world
    client = signed_in(lead(world))
    found = api_call(client, "GET", api_url(world) + f"?agency={world.police.pk}&significance=key").json()
    assert [entry["what_happened"] for entry in found["entries"]] == ["Police January"]
    refused = api_call(client, "GET", api_url(world) + "?date_from=31/02/2021")
    assert refused.status_code == 400
    assert "date_from" in refused.json()["errors"]


def test_api_decides_a_pair_and_annotates(duplicate_world):
    world = duplicate_world
    first, second = keys(world)
    client = signed_in(lead(world))
    pair = api_call(
        client, "POST", api_url(world, "/pairs"), {"first_key": first, "second_key": second, "decision": "dismissed"}
    )
    assert pair.status_code == 201, pair.content
    assert pair.json()["decision"] == "dismissed"
    note = api_call(
        client, "POST", api_url(world, "/annotations"), {"entry_key": first, "note": "Hm", "themes": ["Neglect"]}
    )
    assert note.status_code == 201, note.content
    assert note.json()["themes"] == ["Neglect"]
    listed = api_call(client, "GET", api_url(world)).json()["entries"]
    assert listed[0]["possible_duplicates"][0]["decision"] == "dismissed"
    assert any(entry["note"] and entry["note"]["note"] == "Hm" for entry in listed)


def test_api_refuses_decisions_by_others_as_not_found(duplicate_world):
    world = duplicate_world
    first, second = keys(world)
    client = signed_in(world.users[Role.PANEL_CHAIR])
    response = api_call(
        client, "POST", api_url(world, "/pairs"), {"first_key": first, "second_key": second, "decision": "linked"}
    )
    assert response.status_code == 404
    assert not EntryPair.objects.exists()
