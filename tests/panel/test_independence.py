"""Each source of the independence check, through `appointment_make` as the board manager uses it."""

from datetime import date

import pytest
from django.utils import timezone

from casereview.chronology.models import ChronologyEntry, ChronologyVersion
from casereview.core.errors import Conflict
from casereview.panel.independence import SOURCES, independence_findings
from casereview.panel.models import Appointment, ConflictSource, IndependenceConflict, Position
from casereview.panel.services import IndependenceRefused, declaration_make, independence_recheck
from casereview.reviews.services import person_add
from tests.panel.conftest import appoint, listed_worker, person


def refused(held, user, position=Position.CO_OPTED, agency=None) -> IndependenceRefused:
    with pytest.raises(IndependenceRefused) as refusal:
        appoint(held, user, position, agency)
    assert not Appointment.objects.filter(user=user).exists()
    return refusal.value


def test_register_match_by_full_name_refuses_and_names_the_pseudonym_not_the_name(held):
    person_add(
        actor=held.manager, review=held.review, full_name="Dana Smith-Jones", relationship="mother", pseudonym="Mother"
    )
    refusal = refused(held, person("Mrs  dana smith jones"))
    conflict = IndependenceConflict.objects.get()
    assert conflict.source == ConflictSource.PEOPLE_REGISTER
    assert conflict.description == "Their name matches Mother (mother) on the people register"
    assert "Dana" not in refusal.message and "Mother" in refusal.message
    assert refusal.errors.keys() == {"user"}


def test_register_match_by_alias(held):
    person_add(
        actor=held.manager,
        review=held.review,
        full_name="Robert Brown",
        aliases="Bobby Brown\nRob Browne",
        relationship="practitioner",
        pseudonym="Family support worker",
    )
    refused(held, person("Rob Browne"))
    assert IndependenceConflict.objects.get().key.startswith("person:")


def test_no_finding_for_a_different_name(held):
    person_add(
        actor=held.manager, review=held.review, full_name="Robert Brown", relationship="father", pseudonym="Father"
    )
    appointment = appoint(held, person("Roberta Brown"))
    assert appointment.pk and not IndependenceConflict.objects.exists()


def test_interview_list_match_by_email(held):
    listed_worker(held, email="Wendy.W@Police.example", full_name="W. Worker")
    refused(held, person("Someone Else", email="wendy.w@police.example"))
    conflict = IndependenceConflict.objects.get()
    assert conflict.source == ConflictSource.INTERVIEW_LIST
    assert conflict.description == "Listed by Northbridge Police as a worker with the family (Health visitor)"


def test_interview_list_match_by_name(held):
    worker = listed_worker(held, full_name="Wendy Worker", kind="childminder", job_title="")
    refused(held, person("Dr Wendy Worker"))
    conflict = IndependenceConflict.objects.get()
    assert conflict.key == f"worker:{worker.pk}"
    assert conflict.description == "Listed by Northbridge Police as the family's childminder"


def test_line_management_match(held):
    worker = listed_worker(held, line_manager_name="Larry Linemanager", line_manager_email="larry@police.example")
    refused(held, person("Lawrence Linemanager", email="LARRY@police.example"))
    conflict = IndependenceConflict.objects.get()
    assert (conflict.source, conflict.key) == (ConflictSource.LINE_MANAGEMENT, f"worker:{worker.pk}:line_manager")
    assert "line manager of a worker involved with the family (Health visitor)" in conflict.description


def test_line_management_match_by_name(held):
    listed_worker(held, line_manager_name="Larry Linemanager")
    refused(held, person("Larry Linemanager"))
    assert IndependenceConflict.objects.get().source == ConflictSource.LINE_MANAGEMENT


def test_managed_the_case(held):
    worker = listed_worker(held, "children", full_name="Mo Manager", kind="manager", job_title="Team manager")
    refused(held, person("Mo Manager"), Position.LEAD_REVIEWER)
    conflict = IndependenceConflict.objects.get()
    assert (conflict.source, conflict.key) == (ConflictSource.MANAGED_CASE, f"worker:{worker.pk}:managed")
    assert conflict.description == (
        "Works for Northbridge Children's Services, an agency under review, in a role that managed the case "
        "(Team manager)"
    )


def test_declaration_no_answer_is_a_conflict(held):
    user = person("Dee Clarer")
    appoint(held, user, Position.LEGAL_ADVISER)
    declaration_make(
        actor=user,
        review=held.fresh(),
        not_involved=True,
        no_management_responsibility=False,
        independent_of_workers=False,
        knowledge_and_experience="Ten years as a child protection lawyer",
        details="I supervised the social worker in 2024",
    )
    findings = independence_findings(held.review, user)
    assert {f.source for f in findings} == {ConflictSource.DECLARATION}
    assert [c.description for c in IndependenceConflict.objects.order_by("pk")] == [
        "Declared that they had direct management responsibility for an aspect of the case",
        "Declared that they are not independent of the workers involved",
    ]


def test_several_sources_are_each_named_in_the_refusal(held):
    person_add(actor=held.manager, review=held.review, full_name="Pat Doe", relationship="carer", pseudonym="Carer")
    listed_worker(held, full_name="Pat Doe")
    refusal = refused(held, person("Pat Doe"))
    assert len(refusal.conflicts) == 2
    assert "found 2 conflicts" in refusal.message
    for conflict in refusal.conflicts:
        assert conflict.description in refusal.message


def test_senior_manager_does_not_declare_and_is_not_checked(held):
    listed_worker(held, full_name="Sid Senior")
    appointment = appoint(held, person("Sid Senior"), Position.SENIOR_MANAGER, "police")
    assert appointment.pk and not IndependenceConflict.objects.exists()


def test_every_source_of_the_issue_is_checked():
    assert {source.__name__ for source in SOURCES} == {
        "from_declaration",
        "from_people_register",
        "from_interview_list",
        "from_line_management",
        "from_managed_case",
        "from_chronology",
    }


def chronology_entry(held, practitioners: str, agency_key: str = "police", number: int = 1) -> ChronologyEntry:
    """An entry in the agency's chronology (made directly: the chronology pages are another app's)."""
    version, _ = ChronologyVersion.objects.get_or_create(
        review=held.review, agency=held.agencies[agency_key], number=number, defaults={"created_by": held.manager}
    )
    return ChronologyEntry.objects.create(
        version=version,
        occurred_on=date(2025, 3, 4),
        date_text="?4 March 2025",
        practitioners=practitioners,
        what_happened="Home visit; the baby was asleep and not seen.",
    )


def test_chronology_naming_the_person_among_practitioners_refuses(held):
    entry = chronology_entry(held, "Health visitor (Jane  O'Neill), student nurse")
    refusal = refused(held, person("Mrs Jane ONeill"))
    conflict = IndependenceConflict.objects.get()
    assert conflict.source == ConflictSource.CHRONOLOGY
    assert conflict.key == f"chronology:{entry.key}"
    assert (
        conflict.description
        == "Named in Northbridge Police's chronology as a practitioner in the event of ?4 March 2025"
    )
    assert "chronology" in refusal.message.lower()


def test_chronology_matches_whole_names_only(held):
    chronology_entry(held, "Health visitor Jane O'Neillson")
    assert appoint(held, person("Jane O'Neill")).pk
    assert not IndependenceConflict.objects.exists()


def test_chronology_reads_only_each_agencys_latest_version(held):
    """A name taken out of a later version no longer counts; the event keeps its key across versions."""
    first = chronology_entry(held, "Social worker Sam Taylor")
    ChronologyVersion.objects.filter(pk=first.version_id).update(submitted_at=timezone.now(), submitted_by=held.manager)
    version_two = ChronologyVersion.objects.create(
        review=held.review, agency=held.agencies["police"], number=2, created_by=held.manager
    )
    ChronologyEntry.objects.create(
        version=version_two,
        key=first.key,
        occurred_on=first.occurred_on,
        practitioners="Social worker",
        what_happened=first.what_happened,
    )
    assert appoint(held, person("Sam Taylor")).pk


def test_a_chronology_entry_added_later_raises_a_conflict_on_recheck(held):
    appointment = appoint(held, person("Kim Lee"))
    chronology_entry(held, "Duty manager Kim Lee")

    new = independence_recheck(review=held.review)

    assert [conflict.user_id for conflict in new] == [appointment.user_id]
    assert new[0].source == ConflictSource.CHRONOLOGY


def test_a_finding_is_recorded_once_however_often_the_check_runs(held):
    listed_worker(held, full_name="Pat Doe")
    user = person("Pat Doe")
    refused(held, user)
    with pytest.raises(Conflict):
        appoint(held, user)
    assert IndependenceConflict.objects.count() == 1
