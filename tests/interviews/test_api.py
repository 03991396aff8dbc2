"""The list of involved workers through the JSON API: scoped list, add, change, remove, and refusals."""

import pytest

from casereview.audit.models import AuditEvent
from casereview.interviews import services
from casereview.interviews.models import InvolvedWorker
from tests.factories import days_ago
from tests.web import api_call, bearer


def workers_path(held, worker=None):
    path = f"/api/reviews/{held.review.pk}/workers"
    return f"{path}/{worker.pk}" if worker is not None else path


def body(held, **overrides):
    return {
        "agency_id": held.police.pk,
        "full_name": "Harriet Visitor",
        "kind": "practitioner",
        "email": "Harriet.Visitor@example.org",
        "involved_from": days_ago(300),
        "involved_to": days_ago(100),
    } | overrides


def test_add_then_list(held):
    response = api_call(bearer(held.users["police_imr"]), "POST", workers_path(held), body(held))
    assert response.status_code == 201, response.content
    added = response.json()
    assert (added["agency_name"], added["email"], added["kind"], added["added_by"]) == (
        "Northshire Police",
        "harriet.visitor@example.org",
        "practitioner",
        "Police Imr",
    )
    listing = api_call(bearer(held.users["lead_reviewer"]), "GET", workers_path(held))
    assert [w["full_name"] for w in listing.json()] == ["Harriet Visitor"]
    assert AuditEvent.objects.get(action="workers.viewed").data == {"agency": None, "workers": 1, "via": "api"}


def test_agency_staff_list_only_their_agency(held):
    held.add()
    held.add(who="health_imr", agency=held.health, full_name="Nina Nurse", email="")
    listing = api_call(bearer(held.users["health_imr"]), "GET", workers_path(held)).json()
    assert [w["full_name"] for w in listing] == ["Nina Nurse"]


def test_bad_dates_are_refused_field_by_field(held):
    response = api_call(
        bearer(held.users["police_imr"]),
        "POST",
        workers_path(held),
        body(held, involved_from=days_ago(10), involved_to=days_ago(20)),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "involved_to": "The date their involvement ended must be the same as or after the date it started"
    }
    assert not InvolvedWorker.objects.exists()


@pytest.mark.parametrize(
    "overrides", [{"kind": "boss"}, {"involved_from": "not a date"}, {"surname": "Visitor"}, {"full_name": None}]
)
def test_malformed_bodies_are_refused(held, overrides):
    response = api_call(bearer(held.users["police_imr"]), "POST", workers_path(held), body(held, **overrides))
    assert response.status_code == 422
    assert not InvolvedWorker.objects.exists()


def test_adding_to_another_agencys_list_is_not_found(held):
    response = api_call(bearer(held.users["health_imr"]), "POST", workers_path(held), body(held))
    assert response.status_code == 404
    response = api_call(bearer(held.users["board_manager"]), "POST", workers_path(held), body(held))
    assert response.status_code == 404
    assert not InvolvedWorker.objects.exists()


def test_change_and_remove(held):
    worker = held.add()
    client = bearer(held.users["police_senior"])
    changed = api_call(client, "PUT", workers_path(held, worker), {"full_name": "Harriet Changed", "kind": "manager"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["full_name"], changed.json()["kind"], changed.json()["involved_from"]) == (
        "Harriet Changed",
        "manager",
        None,
    )
    assert api_call(client, "DELETE", workers_path(held, worker)).status_code == 204
    assert not InvolvedWorker.objects.exists()


def test_removing_a_worker_with_something_attached_is_a_conflict(held, monkeypatch):
    worker = held.add()
    monkeypatch.setattr(services, "WORKER_ATTACHMENTS", [("an interview", lambda w: True)])
    response = api_call(bearer(held.users["police_imr"]), "DELETE", workers_path(held, worker))
    assert response.status_code == 409
    assert "an interview is recorded with them" in response.json()["detail"]


def test_another_agency_cannot_change_or_remove_a_worker(held):
    worker = held.add()
    client = bearer(held.users["health_imr"])
    assert api_call(client, "PUT", workers_path(held, worker), {"full_name": "X", "kind": "manager"}).status_code == 404
    assert api_call(client, "DELETE", workers_path(held, worker)).status_code == 404
    assert InvolvedWorker.objects.get().full_name == "Harriet Visitor"
