"""Terms of reference and meetings through the JSON API: the same services, errors per field, 409 on conflicts."""

from datetime import timedelta

from casereview.accounts.models import Role
from casereview.planning.difference import long_date
from casereview.planning.models import MeetingAttendance, TermsOfReference
from casereview.planning.selectors import timetable_proposal
from tests.factories import today
from tests.planning.make import add_meeting, save_terms
from tests.web import api_call, bearer


def base(held) -> str:
    return f"/api/reviews/{held.review.pk}"


def version_body(held, **overrides) -> dict:
    decided = held.decided_on
    body = {
        "period_from": (today() - timedelta(days=700)).isoformat(),
        "period_to": (today() - timedelta(days=62)).isoformat(),
        "lines_of_enquiry": ["How agencies shared what they knew"],
        "agency_ids": [held.police.pk],
        "family_involvement": "The mother is invited to meet the lead reviewer.",
        "milestones": [{"label": "First panel meeting", "due_on": (decided + timedelta(days=14)).isoformat()}],
    }
    return body | overrides


def test_versions_are_posted_read_and_compared(held):
    client = bearer(held.users[Role.LEAD_REVIEWER])
    assert api_call(client, "GET", f"{base(held)}/terms").status_code == 404  # none yet
    first = api_call(client, "POST", f"{base(held)}/terms/versions", version_body(held, based_on_version=0))
    assert first.status_code == 201, first.content
    assert (first.json()["version"], first.json()["agreement"]) == (1, None)
    assert first.json()["agencies"] == [{"id": held.police.pk, "name": "Northshire Police"}]
    body = version_body(held, lines_of_enquiry=["How agencies shared what they knew", "Housing"], based_on_version=1)
    second = api_call(client, "POST", f"{base(held)}/terms/versions", body)
    assert second.status_code == 201

    reader = bearer(held.users[Role.SENIOR_MANAGER])
    current = api_call(reader, "GET", f"{base(held)}/terms").json()
    assert (current["version"], current["lines_of_enquiry"]) == (2, ["How agencies shared what they knew", "Housing"])
    assert [v["version"] for v in api_call(reader, "GET", f"{base(held)}/terms/versions").json()] == [2, 1]
    compared = api_call(reader, "GET", f"{base(held)}/terms/versions/{second.json()['id']}").json()
    assert compared["changes"] == [
        {
            "field": "lines_of_enquiry",
            "label": "Key lines of enquiry",
            "before": "",
            "after": "",
            "lines": [{"change": "added", "text": "Housing"}],
        }
    ]


def test_bad_milestone_is_answered_per_field(held):
    decided = held.decided_on
    body = version_body(held, milestones=[{"label": "Panel", "due_on": (decided - timedelta(days=1)).isoformat()}])
    response = api_call(bearer(held.users[Role.BOARD_MANAGER]), "POST", f"{base(held)}/terms/versions", body)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "milestones.0.due_on": f"Panel must be on or after the decision, {long_date(decided)}"
    }
    assert not TermsOfReference.objects.exists()


def test_stale_version_and_second_agreement_are_conflicts(held):
    terms = save_terms(held)
    manager = bearer(held.users[Role.BOARD_MANAGER])
    stale = api_call(manager, "POST", f"{base(held)}/terms/versions", version_body(held, based_on_version=0))
    assert stale.status_code == 409
    chair = bearer(held.users[Role.PANEL_CHAIR])
    agreement_url = f"{base(held)}/terms/versions/{terms.pk}/agreement"
    agreed = api_call(chair, "POST", agreement_url, {"agreed_on": today().isoformat(), "note": "As drafted"})
    assert agreed.status_code == 201
    assert (agreed.json()["agreed_on"], agreed.json()["recorded_by"]) == (today().isoformat(), "Panel chair Person")
    again = api_call(chair, "POST", agreement_url, {"agreed_on": today().isoformat()})
    assert again.status_code == 409
    assert "already agreed" in again.json()["detail"]
    assert api_call(manager, "GET", f"{base(held)}/terms").json()["agreement"]["note"] == "As drafted"


def test_agreement_at_a_meeting_of_another_review_is_refused(held, board, manager, chair):
    from tests.factories import review_at_stage

    terms = save_terms(held)
    other = review_at_stage(board, manager, chair, "set_up", reference="SCR-2026-555")
    other_meeting = add_meeting(held)
    other_meeting.review = other
    other_meeting.save()
    response = api_call(
        bearer(held.users[Role.PANEL_CHAIR]),
        "POST",
        f"{base(held)}/terms/versions/{terms.pk}/agreement",
        {"meeting_id": other_meeting.pk},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"meeting_id": "Choose a meeting of this review"}


def test_proposal_is_the_timetable_the_form_starts_from(held):
    response = api_call(bearer(held.users[Role.PANEL_CHAIR]), "GET", f"{base(held)}/terms/proposal")
    assert response.json() == [
        {"label": m.label, "due_on": m.due_on.isoformat()} for m in timetable_proposal(held.fresh())
    ]


def test_meeting_attendance_and_actions_through_the_api(held):
    chair = bearer(held.users[Role.PANEL_CHAIR])
    created = api_call(
        chair,
        "POST",
        f"{base(held)}/meetings",
        {"held_on": today().isoformat(), "starts_at": "09:30", "place": "Room 2"},
    )
    assert created.status_code == 201, created.content
    meeting = created.json()
    assert meeting["starts_at"] == "09:30"
    assert [row["attendance"] for row in meeting["attendance"]] == [None] * 4
    url = f"{base(held)}/meetings/{meeting['id']}"

    member = held.users[Role.PANEL_MEMBER]
    recorded = api_call(
        chair,
        "PUT",
        f"{url}/attendance",
        {"attendance": [{"user_id": member.pk, "attendance": "apologies"}], "others_attending": ["Dr Patel"]},
    )
    assert recorded.status_code == 200
    row = next(r for r in recorded.json()["attendance"] if r["user_id"] == member.pk)
    assert (row["attendance"], row["role"]) == ("apologies", "panel_member")
    assert recorded.json()["others_attending"] == ["Dr Patel"]
    outsider = api_call(
        chair,
        "PUT",
        f"{url}/attendance",
        {"attendance": [{"user_id": held.users[Role.WORKER].pk, "attendance": "present"}]},
    )
    assert outsider.status_code == 400
    assert MeetingAttendance.objects.count() == 1

    action = api_call(
        chair,
        "POST",
        f"{url}/actions",
        {"what": "Write to the agencies", "due_on": today().isoformat(), "owner_id": held.users[Role.BOARD_MANAGER].pk},
    )
    assert action.status_code == 201
    assert action.json()["who"] == held.users[Role.BOARD_MANAGER].full_name
    done_url = f"{url}/actions/{action.json()['id']}/done"
    assert api_call(chair, "POST", done_url, {"done_on": today().isoformat()}).json()["done_on"] == today().isoformat()
    assert api_call(chair, "POST", done_url, {"done_on": today().isoformat()}).status_code == 409

    changed = api_call(
        chair, "PUT", url, {"held_on": today().isoformat(), "starts_at": "10:00", "place": "Video", "decisions": "Go"}
    )
    assert (changed.status_code, changed.json()["decisions"]) == (200, "Go")
    listed = api_call(bearer(held.users[Role.LEGAL_ADVISER]), "GET", f"{base(held)}/meetings").json()
    assert [m["place"] for m in listed] == ["Video"]
    assert listed[0]["actions"][0]["done_on"] == today().isoformat()


def test_attendance_for_a_meeting_still_to_come_is_a_conflict(held):
    meeting = add_meeting(held, held_on=today() + timedelta(days=2))
    response = api_call(
        bearer(held.users[Role.BOARD_MANAGER]),
        "PUT",
        f"{base(held)}/meetings/{meeting.pk}/attendance",
        {"attendance": []},
    )
    assert response.status_code == 409


def test_unknown_fields_and_bad_values_are_refused(held):
    client = bearer(held.users[Role.BOARD_MANAGER])
    response = api_call(client, "POST", f"{base(held)}/terms/versions", version_body(held, colour="red"))
    assert response.status_code == 422
    response = api_call(client, "POST", f"{base(held)}/meetings", {"held_on": "x", "starts_at": "25:00", "place": ""})
    assert response.status_code == 422
    assert {"held_on", "starts_at"} <= set(response.json()["errors"])


def test_a_start_time_with_a_time_zone_is_refused(held):
    """Found by schemathesis: a meeting's start is a local time of day, HH:MM."""
    body = {"held_on": today().isoformat(), "starts_at": "12:04:17-11:16", "place": "Room 2"}
    response = api_call(bearer(held.users[Role.BOARD_MANAGER]), "POST", f"{base(held)}/meetings", body)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"starts_at"}


def test_workers_see_neither_terms_nor_meetings(held):
    save_terms(held)
    meeting = add_meeting(held)
    worker = bearer(held.users[Role.WORKER])
    for path in ["/terms", "/terms/versions", "/meetings", f"/meetings/{meeting.pk}"]:
        assert api_call(worker, "GET", f"{base(held)}{path}").status_code == 404
