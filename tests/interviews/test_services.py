"""Writing the list of involved workers: who may, what is checked, the audit trail, and the independence check."""

from datetime import timedelta

import pytest
from django.http import Http404

from casereview.audit.models import AuditEvent
from casereview.core.errors import Conflict, Invalid, NotAllowed
from casereview.interviews import services
from casereview.interviews.models import InvolvedWorker, InvolvedWorkerKind
from casereview.interviews.selectors import (
    AgencyWorkers,
    agency_workers_for_user_or_404,
    review_workers_of,
    worker_agencies_of,
    worker_for_user_or_404,
)
from casereview.interviews.services import worker_add, worker_change, worker_remove, workers_viewed
from casereview.notifications.models import Notification
from casereview.panel.models import IndependenceConflict
from casereview.panel.services import appointment_make
from casereview.reviews.stages import Stage
from tests.factories import AgencyFactory, UserFactory, days_ago, grant, referred_review, review_at_stage, today


@pytest.fixture
def rechecks(monkeypatch):
    """The reviews the independence check was run again for."""
    calls = []
    monkeypatch.setattr(services, "independence_recheck", lambda *, review: calls.append(review.pk))
    return calls


# -- Adding -----------------------------------------------------------------------------------------------


def test_agency_imr_author_lists_a_worker_with_tidied_details(held):
    worker = held.add(
        full_name="  Harriet   Visitor ",
        email=" Harriet.Visitor@Example.ORG ",
        job_title=" Health   visitor",
        line_manager_email="LIAM@example.org",
    )
    worker.refresh_from_db()
    assert (worker.full_name, worker.email, worker.job_title, worker.line_manager_email) == (
        "Harriet Visitor",
        "harriet.visitor@example.org",
        "Health visitor",
        "liam@example.org",
    )
    assert (worker.review, worker.agency, worker.added_by) == (held.review, held.police, held.users["police_imr"])


def test_listing_a_worker_needs_no_account(held):
    worker = held.add(email="")
    assert worker.email == ""


def test_adding_is_audited_with_the_agency_and_kind(held):
    worker = held.add()
    event = AuditEvent.objects.get(action="worker.added")
    assert (event.object_id, event.review_id) == (str(worker.pk), held.review.pk)
    assert event.data == {"agency": held.police.pk, "full_name": "Harriet Visitor", "kind": "practitioner"}


def test_agency_senior_manager_lists_workers_too(held):
    assert held.add(who="police_senior").added_by == held.users["police_senior"]


@pytest.mark.parametrize(
    "who", ["health_imr", "health_senior", "board_manager", "board_chair", "panel_chair", "lead_reviewer", "worker"]
)
def test_only_the_agencys_own_staff_list_its_workers(held, who):
    with pytest.raises(NotAllowed):
        held.add(who=who, agency=held.police)
    assert not InvolvedWorker.objects.exists()


def test_workers_are_not_listed_before_the_review_is_held(board, manager, held):
    review = referred_review(board, manager)
    grant(held.users["police_imr"], "imr_author", board, review=review, agency=held.police)
    with pytest.raises(NotAllowed):
        worker_add(
            actor=held.users["police_imr"], review=review, agency=held.police, full_name="A Worker", kind="volunteer"
        )


def test_workers_are_not_listed_once_the_review_is_closed(board, manager, chair):
    review = review_at_stage(board, manager, chair, Stage.CLOSED)
    agency = AgencyFactory(board=board, name="Closed Police")
    author = UserFactory()
    grant(author, "imr_author", board, review=review, agency=agency)
    with pytest.raises(NotAllowed):
        worker_add(actor=author, review=review, agency=agency, full_name="A Worker", kind="volunteer")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"full_name": "   "}, "full_name", "Enter the worker's full name"),
        ({"kind": ""}, "kind", "Choose what the worker did, for example practitioner or manager"),
        ({"kind": "boss"}, "kind", "Choose what the worker did, for example practitioner or manager"),
        ({"email": "not an email"}, "email", "Enter the worker's email address in the correct format"),
        ({"line_manager_email": "liam@"}, "line_manager_email", "Enter their line manager's email address"),
        ({"line_manager_name": ""}, "line_manager_name", "Enter the line manager's name"),
        ({"line_manager_email": "harriet.visitor@example.org"}, "line_manager_email", "not the worker's"),
        ({"involved_from": today() + timedelta(days=1)}, "involved_from", "must be today or in the past"),
        ({"involved_to": today() + timedelta(days=1)}, "involved_to", "must be today or in the past"),
        ({"involved_from": days_ago(10), "involved_to": days_ago(11)}, "involved_to", "same as or after"),
        ({"full_name": "Harriet\x00Visitor"}, "full_name", "Remove the null character from the full name"),
        ({"job_title": "x" * 201}, "job_title", "Job title must be 200 characters or fewer"),
        ({"full_name": "x" * 201}, "full_name", "Full name must be 200 characters or fewer"),
    ],
)
def test_bad_details_are_refused_with_a_message_and_nothing_saved(held, rechecks, values, field, message):
    with pytest.raises(Invalid) as refused:
        held.add(**values)
    assert message in refused.value.errors[field]
    assert not InvolvedWorker.objects.exists()
    assert not AuditEvent.objects.filter(action="worker.added").exists()
    assert rechecks == []


def test_involvement_may_start_and_end_on_the_same_day(held):
    worker = held.add(involved_from=days_ago(5), involved_to=days_ago(5))
    assert worker.involved_from == worker.involved_to


def test_the_same_email_is_listed_once_per_agency(held):
    held.add()
    with pytest.raises(Invalid, match="already listed for Northshire Police"):
        held.add(full_name="Someone Else", email="HARRIET.VISITOR@example.org")
    assert held.add(who="health_imr", agency=held.health).agency == held.health


# -- Changing and removing ------------------------------------------------------------------------------------


def test_changing_keeps_what_is_not_given_and_audits_what_changed(held):
    worker = held.add()
    worker_change(actor=held.users["police_senior"], worker=worker, job_title="Team manager", kind="manager")
    worker.refresh_from_db()
    assert (worker.job_title, worker.kind, worker.email) == (
        "Team manager",
        InvolvedWorkerKind.MANAGER,
        "harriet.visitor@example.org",
    )
    event = AuditEvent.objects.get(action="worker.changed")
    assert event.data["changed"] == ["job_title", "kind"]


def test_changing_checks_the_dates_against_what_is_kept(held):
    worker = held.add(involved_from=days_ago(50), involved_to=days_ago(40))
    with pytest.raises(Invalid, match="same as or after"):
        worker_change(actor=held.users["police_imr"], worker=worker, involved_from=days_ago(30))
    worker.refresh_from_db()
    assert worker.involved_from == days_ago(50)


def test_another_agency_cannot_change_or_remove_a_worker(held):
    worker = held.add()
    with pytest.raises(NotAllowed):
        worker_change(actor=held.users["health_imr"], worker=worker, full_name="Changed")
    with pytest.raises(NotAllowed):
        worker_remove(actor=held.users["health_senior"], worker=worker)
    assert InvolvedWorker.objects.get().full_name == "Harriet Visitor"


def test_a_worker_listed_by_mistake_is_removed_and_the_removal_audited(held):
    worker = held.add()
    pk = worker.pk
    worker_remove(actor=held.users["police_imr"], worker=worker)
    assert not InvolvedWorker.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="worker.removed")
    assert (event.object_id, event.data["full_name"]) == (str(pk), "Harriet Visitor")


def test_a_worker_with_something_attached_is_not_removed(held, monkeypatch):
    worker = held.add()
    monkeypatch.setattr(services, "WORKER_ATTACHMENTS", [("an interview", lambda w: w.pk == worker.pk)])
    with pytest.raises(Conflict, match="Harriet Visitor cannot be removed: an interview is recorded with them"):
        worker_remove(actor=held.users["police_imr"], worker=worker)
    assert InvolvedWorker.objects.filter(pk=worker.pk).exists()
    assert not AuditEvent.objects.filter(action="worker.removed").exists()


# -- The independence check runs again -------------------------------------------------------------------------


def test_each_add_change_and_remove_runs_the_independence_check_again(held, rechecks):
    worker = held.add()
    worker_change(actor=held.users["police_imr"], worker=worker, job_title="Team manager")
    worker_remove(actor=held.users["police_imr"], worker=worker)
    assert rechecks == [held.review.pk] * 3


def test_refused_changes_do_not_run_the_check(held, rechecks):
    worker = held.add()
    with pytest.raises(NotAllowed):
        worker_remove(actor=held.users["board_manager"], worker=worker)
    with pytest.raises(Invalid):
        worker_change(actor=held.users["police_imr"], worker=worker, full_name="")
    assert rechecks == [held.review.pk]


# -- Reading -----------------------------------------------------------------------------------------------------


def test_board_staff_and_panel_see_every_agency_agency_staff_their_own(held):
    held.add()
    held.add(who="health_imr", agency=held.health, full_name="Nina Nurse", email="nina@example.org")
    for who in ["board_manager", "board_chair", "panel_chair", "panel_member", "legal_adviser", "lead_reviewer"]:
        names = [w.full_name for w in review_workers_of(held.users[who], held.fresh_review())]
        assert names == ["Nina Nurse", "Harriet Visitor"], who  # by agency name: NHS Trust before Police
    assert [a.name for a in worker_agencies_of(held.users["police_imr"], held.fresh_review())] == ["Northshire Police"]
    assert [w.full_name for w in review_workers_of(held.users["health_senior"], held.fresh_review())] == ["Nina Nurse"]


@pytest.mark.parametrize("who", ["board_member", "national_body", "worker"])
def test_others_do_not_see_the_list(held, who):
    held.add()
    with pytest.raises(Http404):
        worker_agencies_of(held.users[who], held.fresh_review())
    with pytest.raises(Http404):
        agency_workers_for_user_or_404(held.users[who], held.fresh_review(), held.police.pk)


def test_agency_staff_cannot_load_another_agencys_worker(held):
    worker = held.add()
    with pytest.raises(Http404):
        worker_for_user_or_404(held.users["health_imr"], held.fresh_review(), worker.pk)
    with pytest.raises(Http404):
        agency_workers_for_user_or_404(held.users["health_imr"], held.fresh_review(), held.police.pk)
    assert worker_for_user_or_404(held.users["police_senior"], held.fresh_review(), worker.pk) == worker


def test_a_worker_is_not_found_under_another_agency(held):
    worker = held.add()
    with pytest.raises(Http404):
        worker_for_user_or_404(held.users["board_manager"], held.fresh_review(), worker.pk, agency_pk=held.health.pk)


def test_reading_the_list_is_audited(held):
    workers_viewed(actor=held.users["panel_chair"], review=held.fresh_review(), count=2)
    event = AuditEvent.objects.get(action="workers.viewed")
    assert (event.actor, event.review_id, event.data) == (
        held.users["panel_chair"],
        held.review.pk,
        {"agency": None, "workers": 2, "via": "page"},
    )


def test_agency_workers_is_what_the_rules_are_asked_about(held):
    listed = AgencyWorkers(held.fresh_review(), held.police)
    assert held.users["police_imr"].has_perm("interviews.change_workers", listed)
    assert not held.users["board_manager"].has_perm("interviews.change_workers", listed)
    assert held.users["board_manager"].has_perm("interviews.view_agency_workers", listed)
    assert not held.users["health_imr"].has_perm("interviews.view_agency_workers", listed)


def test_a_worker_whose_line_manager_sits_on_the_panel_raises_a_conflict_cleared_when_removed(held):
    """Through the panel's own check: the appointee is found by the line manager's email address, the board
    manager is told, and the conflict is marked cleared (kept) once the worker is taken off the list."""
    panellist = UserFactory(full_name="Pat Panellist", email="pat.panellist@example.org")
    appointment_make(actor=held.users["board_manager"], review=held.fresh_review(), user=panellist, position="co_opted")
    worker = held.add(line_manager_name="Patricia Panellist", line_manager_email="PAT.PANELLIST@example.org")
    conflict = IndependenceConflict.objects.get(user=panellist)
    assert (conflict.key, conflict.source, conflict.cleared_at) == (
        f"worker:{worker.pk}:line_manager",
        "line_management",
        None,
    )
    assert Notification.objects.filter(user=held.users["board_manager"], review=held.review).count() == 1
    worker_remove(actor=held.users["police_imr"], worker=worker)
    conflict.refresh_from_db()
    assert conflict.cleared_at is not None
