"""Writing agency chronologies: drafts and versions, entries one by one and in bulk, the lock on submission, and
who sees what."""

from datetime import date, time

import pytest
from django.http import Http404
from django.utils import timezone

from casereview.accounts.models import Role
from casereview.audit.models import AuditEvent
from casereview.chronology.models import ChronologyEntry, ChronologyVersion
from casereview.chronology.selectors import (
    AgencyChronology,
    agency_chronology_for_user_or_404,
    chronology_agencies_of,
    entries_of,
    entry_for_user_or_404,
    latest_submitted_versions,
    version_for_user_or_404,
    versions_of,
)
from casereview.chronology.services import (
    RowsInvalid,
    chronology_draft,
    chronology_submit,
    chronology_viewed,
    entries_add_bulk,
    entry_add,
    entry_change,
    entry_remove,
)
from casereview.core.errors import Conflict, Invalid, NotAllowed
from casereview.reviews.models import Review
from casereview.reviews.stages import Stage
from tests.chronology.entries_world import build_chronology_world, entry_values
from tests.factories import AgencyFactory, add_subject, grant, referred_review

PANEL = [Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER, "board_manager"]
NOBODY = ["board_chair", Role.BOARD_MEMBER, Role.NATIONAL_BODY, Role.WORKER]


@pytest.fixture(autouse=True)
def vault_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(board, manager, chair):
    return build_chronology_world(board, manager, chair)


def add(world, version, who="police_imr", **overrides):
    return entry_add(actor=world.users[who], version=version, **entry_values(**overrides))


# -- Drafts and versions --------------------------------------------------------------------------------


def test_imr_author_starts_version_one_as_the_draft(world):
    draft = world.draft()
    assert (draft.number, draft.is_submitted, draft.created_by) == (1, False, world.users["police_imr"])
    event = AuditEvent.objects.get(action="chronology.version_started")
    assert event.data == {"agency": world.police.pk, "number": 1, "copied_from": None, "entries": 0}


def test_chronology_draft_returns_the_draft_there_is(world):
    assert world.draft() == world.draft()
    assert ChronologyVersion.objects.count() == 1


@pytest.mark.parametrize("who", ["police_senior", "health_imr", "board_manager", Role.LEAD_REVIEWER, "board_chair"])
def test_only_the_agencys_imr_author_starts_its_draft(world, who):
    with pytest.raises(NotAllowed):
        chronology_draft(actor=world.users[who], review=world.fresh_review(), agency=world.police)
    assert not ChronologyVersion.objects.exists()


def test_no_chronology_is_compiled_before_the_review_is_held(board, manager, outsider):
    review = referred_review(board, manager, incident_notified_on=timezone.localdate())
    agency = AgencyFactory(board=board)
    grant(outsider, Role.IMR_AUTHOR, board, review=review, agency=agency)
    with pytest.raises(NotAllowed):
        chronology_draft(actor=outsider, review=review, agency=agency)


def test_a_new_version_copies_the_submitted_entries_with_their_keys_and_people(world):
    first = world.draft()
    kept = add(world, first, people=[world.child.pk, world.mother.pk], source_file=world.police_file)
    add(world, first, date="?22 May 2016", what_happened="Mother reported a fall.")
    chronology_submit(actor=world.users["police_imr"], version=first)

    second = world.draft()
    assert second.number == 2
    copies = {entry.key: entry for entry in ChronologyEntry.objects.filter(version=second)}
    assert set(copies) == set(ChronologyEntry.objects.filter(version=first).values_list("key", flat=True))
    copy = copies[kept.key]
    assert copy.pk != kept.pk
    assert set(copy.people.all()) == {world.child, world.mother}
    assert (copy.source_file, copy.what_happened, copy.date_text) == (
        world.police_file,
        kept.what_happened,
        "31/03/2021",
    )
    event = AuditEvent.objects.filter(action="chronology.version_started").last()
    assert event.data == {"agency": world.police.pk, "number": 2, "copied_from": 1, "entries": 2}


def test_changing_the_new_version_leaves_the_submitted_one_as_it_was(world):
    first = world.submitted()
    original = ChronologyEntry.objects.get(version=first)
    second = world.draft()
    copy = ChronologyEntry.objects.get(version=second)
    entry_change(actor=world.users["police_imr"], entry=copy, what_happened="Corrected account.", people=[])
    entry_remove(actor=world.users["police_imr"], entry=copy)
    original.refresh_from_db()
    assert original.what_happened == entry_values()["what_happened"]
    assert ChronologyEntry.objects.filter(version=first).count() == 1


def test_submitting_locks_the_version(world):
    version = world.draft()
    entry = add(world, version)
    submitted = chronology_submit(actor=world.users["police_imr"], version=version)
    assert submitted.submitted_by == world.users["police_imr"] and submitted.submitted_at is not None
    on = timezone.localdate()
    message = f"This chronology was submitted on {on.day} {on:%B} {on.year}: start a new version to change it"
    for attempt in [
        lambda: add(world, version),
        lambda: entry_change(actor=world.users["police_imr"], entry=entry, what_happened="Changed"),
        lambda: entry_remove(actor=world.users["police_imr"], entry=entry),
        lambda: entries_add_bulk(actor=world.users["police_imr"], version=version, rows=[entry_values()]),
        lambda: chronology_submit(actor=world.users["police_imr"], version=version),
    ]:
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.message == message
    entry.refresh_from_db()
    assert entry.what_happened == entry_values()["what_happened"]
    assert ChronologyEntry.objects.count() == 1


def test_a_stale_draft_object_is_refused_once_submitted(world):
    version = world.draft()
    add(world, version)
    stale = ChronologyVersion.objects.get(pk=version.pk)
    chronology_submit(actor=world.users["police_imr"], version=version)
    with pytest.raises(Conflict, match="start a new version"):
        add(world, stale)


def test_an_empty_chronology_cannot_be_submitted(world):
    version = world.draft()
    with pytest.raises(Conflict, match="Add at least one entry"):
        chronology_submit(actor=world.users["police_imr"], version=version)
    version.refresh_from_db()
    assert not version.is_submitted


def test_submission_is_audited(world):
    version = world.submitted()
    event = AuditEvent.objects.get(action="chronology.submitted")
    assert (event.object_id, event.review_id) == (str(version.pk), world.review.pk)
    assert event.data == {"agency": world.police.pk, "number": 1, "entries": 1}


@pytest.mark.parametrize("who", ["police_senior", "health_imr", Role.LEAD_REVIEWER, "board_manager"])
def test_only_the_imr_author_submits(world, who):
    version = world.draft()
    add(world, version)
    with pytest.raises(NotAllowed):
        chronology_submit(actor=world.users[who], version=version)


# -- Entries --------------------------------------------------------------------------------------------


def test_entry_takes_the_date_as_written(world):
    entry = add(world, world.draft(), date="?22 May 2016 14:30")
    assert (entry.occurred_on, entry.occurred_at, entry.precision, entry.date_text) == (
        date(2016, 5, 22),
        time(14, 30),
        "approximate",
        "?22 May 2016 14:30",
    )
    month = add(world, world.draft(), date="March 2021")
    assert (month.occurred_on, month.precision) == (date(2021, 3, 1), "month")


def test_entry_takes_a_date_already_read(world):
    entry = entry_add(
        actor=world.users["police_imr"],
        version=world.draft(),
        occurred_on=date(2021, 3, 17),
        precision="month",
        what_happened="Seen at clinic",
    )
    assert (entry.occurred_on, entry.precision, entry.date_text) == (date(2021, 3, 1), "month", "March 2021")


def test_entry_sequence_defaults_to_the_next_on_that_day(world):
    version = world.draft()
    first = add(world, version)
    second = add(world, version)
    other_day = add(world, version, date="01/04/2021")
    chosen = add(world, version, sequence=7)
    after = add(world, version)
    assert [e.sequence for e in (first, second, other_day, chosen, after)] == [1, 2, 1, 7, 8]


def test_entry_keeps_people_from_the_register_by_id_pseudonym_or_person(world):
    entry = add(world, world.draft(), people=[world.child.pk, "mother", world.child])
    assert set(entry.people.all()) == {world.child, world.mother}


def test_entry_refuses_people_not_on_this_reviews_register(world, board, manager):
    other = referred_review(board, manager)
    stranger = add_subject(other, manager, full_name="Somebody Else", pseudonym="Child Z")
    with pytest.raises(Invalid) as refused:
        add(world, world.draft(), people=[stranger.pk])
    assert refused.value.errors == {"people": "Choose people from this review's people register"}
    with pytest.raises(Invalid) as refused:
        add(world, world.draft(), people=["Uncle"])
    assert refused.value.errors == {"people": 'Choose people from this review\'s people register: "Uncle" is not on it'}
    assert not ChronologyEntry.objects.exists()


def test_entry_source_file_must_be_the_agencys_on_this_review(world):
    draft = world.draft()
    entry = add(world, draft, source_file=world.police_file.pk)
    assert (entry.source_kind, entry.source_file, entry.has_source) == ("record", world.police_file, True)
    health = world.draft(world.health, "health_imr")
    with pytest.raises(Invalid) as refused:
        add(world, health, who="health_imr", source_kind="record", source_file=world.police_file)
    assert refused.value.errors == {"source_file": "Choose a file from this agency's records vault on this review"}


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"source_kind": "record"}, {"source_file": "Choose the file in the records vault the entry comes from"}),
        (
            {"source_kind": "interview"},
            {
                "source_reference": "Enter which interview the entry comes from, "
                "for example the worker's role and the date"
            },
        ),
        ({"source_kind": "other"}, {"source_reference": "Enter the reference the entry comes from"}),
        (
            {"source_kind": "rumour"},
            {
                "source_kind": "Choose where the entry comes from: a file in the records vault, "
                "an interview or another reference"
            },
        ),
    ],
)
def test_entry_source_needs_what_its_kind_names(world, values, errors):
    with pytest.raises(Invalid) as refused:
        add(world, world.draft(), **values)
    assert refused.value.errors == errors


def test_entry_without_a_source_is_kept_and_marked_as_such(world):
    entry = add(world, world.draft())
    assert (entry.source_kind, entry.has_source) == ("", False)
    referenced = add(world, world.draft(), source_reference="  Health visitor's   notes ")
    assert (referenced.source_kind, referenced.source_reference) == ("other", "Health visitor's notes")


def test_entry_refuses_bad_input_with_a_message_per_field(world):
    with pytest.raises(Invalid) as refused:
        add(
            world,
            world.draft(),
            date="31/02/2021",
            what_happened="  ",
            significance="urgent",
            sequence=0,
            practitioners="x" * 301,
        )
    assert refused.value.errors == {
        "date": "31/02/2021 is not a real date: February 2021 has 28 days",
        "what_happened": "Enter what happened",
        "significance": "Choose the significance: routine, significant or key practice episode",
        "sequence": "Enter the order on the day as a whole number from 1 to 99999",
        "practitioners": "Practitioners must be 300 characters or fewer",
    }
    assert not ChronologyEntry.objects.exists()


def test_entry_refuses_a_null_character(world):
    with pytest.raises(Invalid) as refused:
        add(world, world.draft(), outcome="Closed\x00")
    assert refused.value.errors == {"outcome": "Remove the null character from the outcome"}


def test_entry_significance_accepts_its_label(world):
    assert add(world, world.draft(), significance="Key practice episode").significance == "key"
    assert add(world, world.draft(), significance="").significance == "routine"


def test_entry_change_keeps_what_is_not_given_and_reads_a_new_date(world):
    version = world.draft()
    entry = add(world, version, people=[world.child.pk], source_file=world.police_file.pk)
    add(world, version, date="01/04/2021")
    changed = entry_change(actor=world.users["police_imr"], entry=entry, date="1 April 2021 09:15")
    assert (changed.occurred_on, changed.occurred_at, changed.precision) == (date(2021, 4, 1), time(9, 15), "datetime")
    assert changed.sequence == 2  # last on its new day
    assert changed.what_happened == entry_values()["what_happened"]
    assert list(changed.people.all()) == [world.child] and changed.source_file == world.police_file
    event = AuditEvent.objects.get(action="chronology.entry_changed")
    assert event.data["changed"] == ["date_text", "occurred_at", "occurred_on", "precision", "sequence"]


def test_entry_change_to_an_interview_drops_the_file(world):
    entry = add(world, world.draft(), source_file=world.police_file.pk)
    changed = entry_change(
        actor=world.users["police_imr"], entry=entry, source_kind="interview", source_reference="Interview with PC 1"
    )
    assert (changed.source_kind, changed.source_file, changed.source_reference) == (
        "interview",
        None,
        "Interview with PC 1",
    )


def test_entry_remove_deletes_from_the_draft_and_is_audited(world):
    entry = add(world, world.draft(), people=[world.mother.pk])
    entry_remove(actor=world.users["police_imr"], entry=entry)
    assert not ChronologyEntry.objects.exists()
    event = AuditEvent.objects.get(action="chronology.entry_removed")
    assert event.data == {"agency": world.police.pk, "version": 1, "key": str(entry.key)}


@pytest.mark.parametrize("who", ["police_senior", "health_imr", Role.LEAD_REVIEWER, "board_manager"])
def test_only_the_imr_author_changes_entries(world, who):
    version = world.draft()
    entry = add(world, version)
    with pytest.raises(NotAllowed):
        add(world, version, who=who)
    with pytest.raises(NotAllowed):
        entry_change(actor=world.users[who], entry=entry, what_happened="Changed")
    with pytest.raises(NotAllowed):
        entry_remove(actor=world.users[who], entry=entry)
    assert ChronologyEntry.objects.count() == 1


def test_entries_are_audited_without_their_text(world):
    entry = add(world, world.draft())
    event = AuditEvent.objects.get(action="chronology.entry_added")
    assert event.data == {"agency": world.police.pk, "version": 1, "key": str(entry.key)}


# -- Bulk -----------------------------------------------------------------------------------------------


def test_bulk_adds_every_row_with_people_and_sequences(world):
    version = world.draft()
    add(world, version)  # sequence 1 on 31 March 2021
    rows = [
        entry_values(people=["Child A", "Mother"]),
        entry_values(date="01/04/2021", source_file=world.police_file.pk),
        {
            "occurred_on": date(2021, 3, 31),
            "precision": "day",
            "what_happened": "Read already",
            "people": [world.mother],
        },
        entry_values(sequence=9),
    ]
    added = entries_add_bulk(actor=world.users["police_imr"], version=version, rows=rows)
    assert [e.sequence for e in added] == [2, 1, 3, 9]
    assert all(e.pk for e in added)
    stored = {e.pk: e for e in ChronologyEntry.objects.prefetch_related("people")}
    assert {p.pseudonym for p in stored[added[0].pk].people.all()} == {"Child A", "Mother"}
    assert stored[added[1].pk].source_file == world.police_file
    assert stored[added[2].pk].date_text == "31 March 2021"
    assert ChronologyEntry.objects.filter(version=version).count() == 5
    event = AuditEvent.objects.get(action="chronology.entries_added")
    assert event.data == {"agency": world.police.pk, "version": 1, "entries": 4}


def test_bulk_is_all_or_nothing_and_names_every_problem_of_every_row(world):
    version = world.draft()
    rows = [
        entry_values(),
        entry_values(date="text in the date column", what_happened=""),
        entry_values(),
        entry_values(people=["Nobody"], significance="huge"),
    ]
    with pytest.raises(Invalid) as refused:
        entries_add_bulk(actor=world.users["police_imr"], version=version, rows=rows)
    assert isinstance(refused.value, RowsInvalid)
    assert refused.value.errors == {
        "row 2": "Enter what happened; Enter a real date, like 31/03/2021 or March 2021",
        "row 4": "Choose the significance: routine, significant or key practice episode; "
        'Choose people from this review\'s people register: "Nobody" is not on it',
    }
    assert refused.value.rows[2] == {
        "what_happened": "Enter what happened",
        "date": "Enter a real date, like 31/03/2021 or March 2021",
    }
    assert not ChronologyEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="chronology.entries_added").exists()


def test_bulk_refuses_no_rows(world):
    with pytest.raises(Invalid, match="There are no entries to add"):
        entries_add_bulk(actor=world.users["police_imr"], version=world.draft(), rows=[])


def test_bulk_is_refused_to_others_than_the_imr_author(world):
    version = world.draft()
    with pytest.raises(NotAllowed):
        entries_add_bulk(actor=world.users["police_senior"], version=version, rows=[entry_values()])


def test_bulk_of_many_rows_copies_into_the_next_version(world):
    version = world.draft()
    rows = [entry_values(date=f"{1 + n % 28}/03/2021", people=[world.child.pk]) for n in range(3000)]
    entries_add_bulk(actor=world.users["police_imr"], version=version, rows=rows)
    chronology_submit(actor=world.users["police_imr"], version=version)
    second = world.draft()
    assert ChronologyEntry.objects.filter(version=second).count() == 3000
    assert ChronologyEntry.people.through.objects.filter(chronologyentry__version=second).count() == 3000


# -- Who sees what ---------------------------------------------------------------------------------------


def test_drafts_are_invisible_to_the_panel(world):
    submitted = world.submitted()
    draft = world.draft()
    chronology = AgencyChronology(world.fresh_review(), world.police)
    for who in PANEL:
        user = world.users[who]
        assert versions_of(user, chronology) == [submitted]
        assert version_for_user_or_404(user, world.review, submitted.pk) == submitted
        with pytest.raises(Http404):
            version_for_user_or_404(user, world.review, draft.pk)
        with pytest.raises(Http404):
            entry_for_user_or_404(user, world.review, ChronologyEntry.objects.filter(version=draft).first().pk)
        with pytest.raises(Http404):
            entries_of(user, draft)


@pytest.mark.parametrize("who", ["police_imr", "police_senior"])
def test_agency_staff_see_their_draft_and_versions(world, who):
    submitted = world.submitted()
    draft = world.draft()
    chronology = agency_chronology_for_user_or_404(world.users[who], world.fresh_review(), world.police.pk)
    assert [v.pk for v in versions_of(world.users[who], chronology)] == [submitted.pk, draft.pk]
    assert entries_of(world.users[who], draft).count() == 1


@pytest.mark.parametrize("who", ["health_imr", "health_senior", *NOBODY])
def test_another_agencys_staff_and_those_without_a_part_see_nothing(world, who):
    submitted = world.submitted()
    review = world.fresh_review()
    with pytest.raises(Http404):
        agency_chronology_for_user_or_404(world.users[who], review, world.police.pk)
    with pytest.raises(Http404):
        version_for_user_or_404(world.users[who], review, submitted.pk)


@pytest.mark.parametrize("who", NOBODY)
def test_those_without_a_part_have_no_chronologies_page(world, who):
    with pytest.raises(Http404):
        chronology_agencies_of(world.users[who], world.fresh_review())


def test_chronology_agencies_of_the_panel_and_of_an_agency(world):
    review = world.fresh_review()
    assert chronology_agencies_of(world.users[Role.LEAD_REVIEWER], review) == [world.health, world.police]  # by name
    assert chronology_agencies_of(world.users["health_senior"], review) == [world.health]


def test_latest_submitted_versions_has_one_per_agency_and_no_draft(world):
    world.submitted()
    second = world.draft()
    chronology_submit(actor=world.users["police_imr"], version=second)
    world.draft()  # version 3, a draft
    health = world.submitted(world.health)
    latest = latest_submitted_versions(world.fresh_review())
    assert [(v.agency, v.number) for v in latest] == [(world.health, 1), (world.police, 2)]  # by agency name
    assert latest[0] == health


def test_entries_of_are_in_time_order(world):
    version = world.draft()
    add(world, version, date="02/04/2021", what_happened="Third")
    add(world, version, date="01/04/2021 14:00", what_happened="Second")
    add(world, version, date="01/04/2021", what_happened="First")
    add(world, version, date="March 2021", what_happened="Earliest")
    order = [e.what_happened for e in entries_of(world.users["police_imr"], version)]
    assert order == ["Earliest", "First", "Second", "Third"]


def test_reading_entries_is_audited(world):
    version = world.submitted()
    chronology_viewed(actor=world.users[Role.PANEL_CHAIR], version=version, count=1)
    event = AuditEvent.objects.get(action="chronology.viewed")
    assert event.actor == world.users[Role.PANEL_CHAIR]
    assert event.data == {"agency": world.police.pk, "version": 1, "entries": 1, "via": "page"}


def test_reading_a_draft_is_refused_to_the_panel(world):
    draft = world.draft()
    with pytest.raises(NotAllowed):
        chronology_viewed(actor=world.users[Role.PANEL_CHAIR], version=draft, count=0)


def test_a_closed_review_keeps_its_chronologies_readable_but_locked(world):
    version = world.submitted()
    Review.objects.filter(pk=world.review.pk).update(stage=Stage.CLOSED)  # the way there does not matter here
    review = world.fresh_review()
    assert versions_of(world.users[Role.LEAD_REVIEWER], AgencyChronology(review, world.police)) == [version]
    with pytest.raises(NotAllowed):
        chronology_draft(actor=world.users["police_imr"], review=review, agency=world.police)
