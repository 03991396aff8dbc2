"""The panel through the JSON API: the same services and selectors as the pages, refusals answered alike."""

import pytest

from casereview.accounts.models import Role
from casereview.panel.models import Appointment, IndependenceConflict, Position
from tests.factories import UserFactory, grant
from tests.panel.conftest import appoint, listed_worker, person
from tests.web import api_call, bearer


def path(held, rest: str = "") -> str:
    return f"/api/reviews/{held.review.pk}/panel{rest}"


def test_get_the_panel(held):
    appoint(held, person("Pia Police"), Position.AGENCY_REPRESENTATIVE, "police")
    response = api_call(bearer(held.chair), "GET", path(held))
    assert response.status_code == 200
    body = response.json()
    seats = {seat["code"]: seat for seat in body["composition"]}
    assert seats["police"]["status"] == "filled" and seats["probation"]["status"] == "unfilled"
    (appointment,) = body["appointments"]
    assert (appointment["user_name"], appointment["position"], appointment["declaration"]) == (
        "Pia Police",
        "agency_representative",
        None,
    )
    assert body["conflicts"] == []


def test_appoint_by_email_then_refused_with_409_naming_the_conflict(held):
    manager = bearer(held.manager)
    response = api_call(
        manager,
        "POST",
        path(held, "/appointments"),
        {"email": "lena@example.org", "full_name": "Lena Lawyer", "position": "legal_adviser"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["position"] == "legal_adviser"

    listed_worker(held, full_name="Rae Refused")
    response = api_call(
        manager,
        "POST",
        path(held, "/appointments"),
        {"email": "rae@example.org", "full_name": "Rae Refused", "position": "co_opted"},
    )
    assert response.status_code == 409
    assert "Listed by Northbridge Police as a worker with the family" in response.json()["errors"]["user"]
    conflict = IndependenceConflict.objects.get()

    response = api_call(
        bearer(held.chair), "POST", path(held, f"/conflicts/{conflict.pk}/override"), {"reason": "Different Rae"}
    )
    assert response.status_code == 200 and response.json()["unresolved"] is False
    response = api_call(
        manager, "POST", path(held, "/appointments"), {"user_id": conflict.user_id, "position": "co_opted"}
    )
    assert response.status_code == 201


def test_appoint_by_id_only_someone_of_the_board(held, other_manager):
    known = UserFactory(full_name="Kit Known")
    grant(known, Role.BOARD_MEMBER, held.review.board)
    manager = bearer(held.manager)
    response = api_call(
        manager, "POST", path(held, "/appointments"), {"user_id": other_manager.pk, "position": "co_opted"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "user_id": "Choose someone with a role on this board, or give their email address"
    }
    response = api_call(manager, "POST", path(held, "/appointments"), {"user_id": known.pk, "position": "co_opted"})
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"email": "a@example.org", "full_name": "A", "position": "agency_representative"}, 400, "agency"),
        ({"email": "a@example.org", "full_name": "A", "position": "co_opted", "agency_id": 999999}, 400, "agency_id"),
        ({"email": "a@example.org", "full_name": "A", "position": "tea_maker"}, 422, "position"),
        ({"email": "a@example.org", "full_name": "A\x00", "position": "co_opted"}, 400, "full_name"),
        ({"email": "a@example.org", "position": "co_opted", "colour": "red"}, 422, "colour"),
    ],
)
def test_appointment_bad_input(held, body, status, field):
    response = api_call(bearer(held.manager), "POST", path(held, "/appointments"), body)
    assert response.status_code == status, response.content
    assert field in response.json()["errors"]
    assert not Appointment.objects.exists()


def test_second_chair_is_a_409(held):
    appoint(held, person("First Chair"), Position.PANEL_CHAIR)
    response = api_call(
        bearer(held.manager),
        "POST",
        path(held, "/appointments"),
        {"email": "b@example.org", "full_name": "Bea Second", "position": "panel_chair"},
    )
    assert response.status_code == 409
    assert response.json()["errors"] == {
        "position": "First Chair is already the panel chair of this review: end their appointment first"
    }


def test_end_an_appointment(held):
    appointment = appoint(held, person(), Position.CO_OPTED)
    client = bearer(held.manager)
    response = api_call(client, "POST", path(held, f"/appointments/{appointment.pk}/end"), {"reason": ""})
    assert response.status_code == 400 and response.json()["errors"] == {"reason": "Enter why the appointment ends"}
    response = api_call(client, "POST", path(held, f"/appointments/{appointment.pk}/end"), {"reason": "Left"})
    assert response.status_code == 200 and response.json()["ended_at"]


def test_record_a_seat_gap(held):
    client = bearer(held.manager)
    response = api_call(client, "POST", path(held, "/gaps"), {"seat": "nowhere", "reason": "x"})
    assert response.status_code == 400 and response.json()["errors"] == {"seat": "Choose the seat that is not filled"}
    response = api_call(client, "POST", path(held, "/gaps"), {"seat": "probation", "reason": "Not involved"})
    assert response.status_code == 201 and response.json()["seat"] == "probation"


def test_declare_through_the_api(held):
    user = person()
    appoint(held, user, Position.LEAD_REVIEWER)
    body = {
        "not_involved": True,
        "no_management_responsibility": True,
        "independent_of_workers": False,
        "knowledge_and_experience": "Independent reviewer of twelve SCRs",
        "details": "I trained two of the social workers",
    }
    response = api_call(bearer(user), "POST", f"/api/reviews/{held.review.pk}/declaration", body)
    assert response.status_code == 201
    panel = api_call(bearer(held.manager), "GET", path(held)).json()
    assert panel["appointments"][0]["declaration"]["independent_of_workers"] is False
    assert panel["conflicts"][0]["source"] == "declaration"


def test_not_allowed_answers_like_not_found(held, member):
    appointment = appoint(held, person(), Position.CO_OPTED)
    client = bearer(member)
    assert api_call(client, "GET", path(held)).status_code == 404
    response = api_call(client, "POST", path(held, f"/appointments/{appointment.pk}/end"), {"reason": "x"})
    assert response.status_code == 404
    response = api_call(
        client, "POST", path(held, "/appointments"), {"user_id": 1, "position": "co_opted", "agency_id": 9}
    )
    assert response.status_code == 404
