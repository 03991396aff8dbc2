"""Reading the agencies involved: the status table, who sees which agency, and what set-up still needs."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from casereview.accounts.models import Role
from casereview.chronology.models import ChronologyVersion
from casereview.interviews.models import InvolvedWorker
from casereview.involvement.selectors import (
    NO_DEADLINE,
    agency_statuses,
    deadline_met,
    involvement_for_user_or_404,
    involvements_of,
    set_up_missing,
)
from casereview.involvement.services import involvement_withdraw
from casereview.panel.models import Appointment, Position
from casereview.panel.services import appointment_end
from casereview.records.models import AgencyVault
from casereview.records.services import records_secure
from casereview.reviews.deadlines import Status
from tests.factories import today


def secure(held, agency=None, on=None):
    vault = AgencyVault(held.fresh_review(), agency or held.police)
    return records_secure(actor=held.manager, vault=vault, secured_on=on or today())


def test_status_table_shows_each_agency_with_its_nominees_records_and_workers(held):
    author, senior = held.asked()
    held.add(held.health)
    secure(held)
    InvolvedWorker.objects.create(
        review=held.review, agency=held.police, full_name="A Worker", kind="practitioner", added_by=held.manager
    )
    rows = agency_statuses(involvements_of(held.manager, held.fresh_review()))
    assert [row.agency for row in rows] == [held.health, held.police]
    health, police = rows
    assert (police.imr_author, police.senior_manager, police.workers_listed) == (author, senior, 1)
    assert police.involvement.asked_on == today()
    assert police.records_secured.recorded_by == held.manager
    assert police.records_deadline.met_on == today()
    assert (health.imr_author, health.records_secured, health.workers_listed) == (None, None, 0)
    assert {state.status for state in health.deadlines} == {NO_DEADLINE}
    assert health.imr.tag == "No deadline"


@pytest.mark.parametrize(
    ("days", "status", "tag"),
    [(-1, Status.OVERDUE, "Overdue"), (0, Status.DUE_SOON, "Due soon"), (60, Status.ON_TIME, "")],
)
def test_chronology_initial_report_and_imr_show_their_deadline_status(held, days, status, tag):
    held.add()
    start = today() + timedelta(days=days)
    held.set_deadlines(
        records_secured_due_on=held.decided_on,
        initial_report_due_on=start,
        chronology_due_on=start,
        imr_due_on=start,
    )
    row = agency_statuses([held.involvement()])[0]
    assert {(state.status, state.tag) for state in (row.initial_report, row.chronology, row.imr)} == {(status, tag)}


def test_records_secured_deadline_is_met_by_the_vaults_confirmation(held):
    involvement = held.add()
    assert deadline_met(involvement, "records_secured_due_on") is None
    secure(held)
    assert deadline_met(involvement, "records_secured_due_on") == today()


def test_chronology_initial_report_and_imr_cannot_be_met_yet(held):
    involvement = held.add()
    for field in ["initial_report_due_on", "chronology_due_on", "imr_due_on"]:
        assert deadline_met(involvement, field) is None
    with pytest.raises(ValueError):
        deadline_met(involvement, "asked_on")


@pytest.mark.parametrize(
    "role", [Role.BOARD_MANAGER, Role.BOARD_CHAIR, Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER]
)
def test_board_staff_and_panel_see_every_agency(held, role):
    held.add()
    held.add(held.health)
    assert involvements_of(held.users[role], held.fresh_review()).count() == 2
    assert involvement_for_user_or_404(held.users[role], held.fresh_review(), held.health.pk).agency == held.health


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.WORKER, Role.NATIONAL_BODY])
def test_others_see_no_agency(held, role):
    held.add()
    with pytest.raises(Http404):
        involvements_of(held.users[role], held.fresh_review())
    with pytest.raises(Http404):
        involvement_for_user_or_404(held.users[role], held.fresh_review(), held.police.pk)


def test_an_agencys_staff_see_their_agency_only(held):
    author, senior = held.ready()
    held.add(held.health)
    for user in (author, senior):
        assert involvement_for_user_or_404(user, held.fresh_review(), held.police.pk).agency == held.police
        with pytest.raises(Http404):
            involvement_for_user_or_404(user, held.fresh_review(), held.health.pk)
        with pytest.raises(Http404):
            involvements_of(user, held.fresh_review())


def test_an_agency_not_involved_is_not_found(held):
    with pytest.raises(Http404):
        involvement_for_user_or_404(held.manager, held.fresh_review(), held.police.pk)
    with pytest.raises(Http404):
        involvement_for_user_or_404(held.manager, held.fresh_review(), "not a number")


def test_set_up_missing_asks_for_an_agency_first(held):
    assert set_up_missing(held.fresh_review()) == [
        ("Add the agencies involved with the family and ask them to review their involvement", "involvement:agencies")
    ]


def test_set_up_missing_names_each_agency_not_asked_or_not_secured(held):
    held.asked()
    held.add(held.health)
    assert set_up_missing(held.fresh_review()) == [
        ("Ask Northshire NHS Trust to review its involvement", "involvement:agencies"),
        ("Record that Northshire NHS Trust has secured its case records", "involvement:agencies"),
        ("Record that Northshire Police has secured its case records", "involvement:agencies"),
    ]


def test_set_up_needs_nothing_more_once_every_agency_is_asked_and_secured_or_withdrawn(held):
    held.asked()
    held.add(held.health)
    secure(held)
    involvement_withdraw(actor=held.manager, involvement=held.involvement(held.health), reason="Not involved")
    assert set_up_missing(held.fresh_review()) == []


def test_a_nomination_ended_leaves_the_position_empty(held):
    author, senior = held.ready()
    appointment_end(
        actor=held.manager, appointment=Appointment.objects.get(user=author, position=Position.IMR_AUTHOR), reason="Ill"
    )
    row = agency_statuses([held.involvement()])[0]
    assert (row.imr_author, row.senior_manager) == (None, senior)


def test_the_chronology_deadline_is_met_by_the_first_submission(held):
    involvement = held.add()
    assert deadline_met(involvement, "chronology_due_on") is None
    version = ChronologyVersion.objects.create(
        review=held.review, agency=involvement.agency, number=1, created_by=held.manager
    )
    assert deadline_met(involvement, "chronology_due_on") is None  # a draft does not count
    ChronologyVersion.objects.filter(pk=version.pk).update(submitted_at=timezone.now(), submitted_by=held.manager)
    assert deadline_met(involvement, "chronology_due_on") == timezone.localdate()
