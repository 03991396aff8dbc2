"""The agencies involved through the JSON API: the same services, rules and messages as the pages."""

from datetime import timedelta

from casereview.accounts.models import Role
from casereview.interviews.models import InvolvedWorker
from casereview.involvement.models import AgencyInvolvement
from casereview.involvement.services import long_date
from casereview.notifications.models import Notification
from casereview.panel.models import Appointment
from tests.factories import AgencyFactory, UserFactory, today
from tests.involvement.conftest import deadlines_from
from tests.web import api_call, bearer


def base(held) -> str:
    return f"/api/reviews/{held.review.pk}/agencies"


def test_add_nominate_set_deadlines_and_ask(held, mailoutbox, django_capture_on_commit_callbacks):
    client = bearer(held.users[Role.PANEL_CHAIR])
    added = api_call(client, "POST", base(held), {"agency_id": held.police.pk})
    assert added.status_code == 201, added.content
    assert added.json()["agency_name"] == "Northshire Police"
    agency = f"{base(held)}/{held.police.pk}"
    for position, email in [("imr_author", "ivy@example.org"), ("senior_manager", "sam@example.org")]:
        response = api_call(
            client, "POST", f"{agency}/nominations", {"position": position, "email": email, "full_name": "New Person"}
        )
        assert response.status_code == 201, response.content
    dates = deadlines_from(held.decided_on)
    response = api_call(client, "PUT", f"{agency}/deadlines", dates)
    assert response.status_code == 200
    assert response.json()["imr"] == {"due_on": dates["imr_due_on"].isoformat(), "met_on": None, "status": "overdue"}
    with django_capture_on_commit_callbacks(execute=True):
        asked = api_call(client, "POST", f"{agency}/ask", {"note": "Cover 2024 onwards"})
    assert asked.status_code == 200
    body = asked.json()
    assert (body["asked_on"], body["request_note"]) == (today().isoformat(), "Cover 2024 onwards")
    assert body["imr_author"]["full_name"] == "New Person"
    assert sorted(m.to[0] for m in mailoutbox if "is asked" in m.subject) == ["ivy@example.org", "sam@example.org"]
    again = api_call(client, "POST", f"{agency}/ask", {})
    assert again.status_code == 409


def test_list_shows_every_agency_with_its_status(held):
    held.asked()
    held.add(held.health)
    listing = api_call(bearer(held.users[Role.LEAD_REVIEWER]), "GET", base(held)).json()
    assert [row["agency_name"] for row in listing] == ["Northshire NHS Trust", "Northshire Police"]
    assert listing[0]["chronology"] == {"due_on": None, "met_on": None, "status": "no deadline"}
    assert listing[1]["records_secured"] is None and listing[1]["workers_listed"] == 0


def test_agency_staff_get_their_agency_only(held):
    author, _senior = held.asked()
    held.add(held.health)
    client = bearer(author)
    assert api_call(client, "GET", f"{base(held)}/{held.police.pk}").status_code == 200
    assert api_call(client, "GET", f"{base(held)}/{held.health.pk}").status_code == 404
    assert api_call(client, "GET", base(held)).status_code == 404


def test_a_deadline_before_the_decision_is_refused(held):
    held.add()
    decided = held.decided_on
    dates = deadlines_from(decided) | {"imr_due_on": decided - timedelta(days=1)}
    response = api_call(bearer(held.manager), "PUT", f"{base(held)}/{held.police.pk}/deadlines", dates)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "imr_due_on": f"The IMR deadline must be on or after the decision, {long_date(decided)}"
    }


def test_a_refused_nomination_names_the_conflict(held):
    held.add()
    InvolvedWorker.objects.create(
        review=held.review, agency=held.police, full_name="Wendy Worker", kind="practitioner", added_by=held.manager
    )
    UserFactory(full_name="Wendy Worker", email="wendy@example.org")
    response = api_call(
        bearer(held.manager),
        "POST",
        f"{base(held)}/{held.police.pk}/nominations",
        {"position": "imr_author", "email": "wendy@example.org"},
    )
    assert response.status_code == 409
    assert "Wendy Worker cannot be appointed" in response.json()["detail"]
    assert not Appointment.objects.exists()


def test_unknown_fields_and_positions_are_refused(held):
    held.add()
    client = bearer(held.manager)
    path = f"{base(held)}/{held.police.pk}/nominations"
    assert api_call(client, "POST", path, {"position": "panel_chair", "email": "x@example.org"}).status_code == 422
    assert api_call(client, "POST", f"{base(held)}/{held.police.pk}/ask", {"notes": "typo"}).status_code == 422


def test_an_agency_id_beyond_64_bits_is_not_found(held):
    """Found by schemathesis: SQLite cannot hold such a number, and the lookup must answer like any unknown id."""
    response = api_call(bearer(held.manager), "POST", f"{base(held)}/{2**66}/ask", {"note": ""})
    assert response.status_code == 404


def test_another_boards_agency_cannot_be_added(held):
    response = api_call(bearer(held.manager), "POST", base(held), {"agency_id": AgencyFactory().pk})
    assert response.status_code == 400
    assert response.json()["errors"] == {"agency_id": "Choose an agency of this board"}


def test_withdraw_then_remove_refused_when_material_was_submitted(held):
    held.add()
    InvolvedWorker.objects.create(
        review=held.review, agency=held.police, full_name="Pat Practitioner", kind="practitioner", added_by=held.manager
    )
    client = bearer(held.manager)
    agency = f"{base(held)}/{held.police.pk}"
    refused = api_call(client, "DELETE", agency)
    assert refused.status_code == 409
    assert "mark it withdrawn, with a reason, instead" in refused.json()["detail"]
    assert api_call(client, "POST", f"{agency}/withdraw", {"reason": ""}).json()["errors"] == {
        "reason": "Enter the reason the agency is withdrawn"
    }
    withdrawn = api_call(client, "POST", f"{agency}/withdraw", {"reason": "Not involved after all"})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawal_reason"] == "Not involved after all"


def test_remove_an_agency_added_by_mistake(held):
    held.add()
    response = api_call(bearer(held.users[Role.BOARD_CHAIR]), "DELETE", f"{base(held)}/{held.police.pk}")
    assert response.status_code == 204
    assert not AgencyInvolvement.objects.exists()
    assert not Notification.objects.exists()
