"""This app's rows of the permission matrix (tests/test_permissions.py): the same columns, the same rules.

Read with planning/rules.py: the review held (decided, at set-up) with version 1 of its terms of reference
(not agreed), a meeting held today and an open action of it. The terms are read by the board's staff, the
panel and the agencies' staff; changed by the board manager, panel chair and lead reviewer; agreed by the panel
chair. Meetings are read by the board's staff and the panel; changed by the board manager and the panel chair.
"""

from datetime import time, timedelta

from casereview.accounts.models import Role
from casereview.planning.services import meeting_action_add, meeting_add, terms_save
from casereview.reviews.models import Review
from casereview.reviews.services import review_change_stage, review_decide
from casereview.reviews.stages import Stage
from tests.factories import today

# fmt: off
#                                                         man cha mem nat pch pme leg lea imr snr wrk out anon
PAGES: dict[str, str] = {
    "planning:terms":                                     "200 200 404 404 200 200 200 200 200 200 404 404 302",
    "planning:terms-edit":                                "200 404 404 404 200 404 404 200 404 404 404 404 302",
    "planning:terms-version":                             "200 200 404 404 200 200 200 200 200 200 404 404 302",
    "planning:terms-agree":                               "404 404 404 404 200 404 404 404 404 404 404 404 302",
    "planning:meetings":                                  "200 200 404 404 200 200 200 200 404 404 404 404 302",
    "planning:meeting":                                   "200 200 404 404 200 200 200 200 404 404 404 404 302",
    "planning:meeting-new":                               "200 404 404 404 200 404 404 404 404 404 404 404 302",
    "planning:meeting-edit":                              "200 404 404 404 200 404 404 404 404 404 404 404 302",
    "planning:meeting-attendance":                        "200 404 404 404 200 404 404 404 404 404 404 404 302",
    "planning:action-new":                                "200 404 404 404 200 404 404 404 404 404 404 404 302",
    "planning:action-done":                               "200 404 404 404 200 404 404 404 404 404 404 404 302",
}

API: dict[str, str] = {
    "GET /api/reviews/{review_id}/terms":                 "200 200 404 404 200 200 200 200 200 200 404 404 401",
    "GET /api/reviews/{review_id}/terms/proposal":        "200 404 404 404 200 404 404 200 404 404 404 404 401",
    "GET /api/reviews/{review_id}/terms/versions":        "200 200 404 404 200 200 200 200 200 200 404 404 401",
    "POST /api/reviews/{review_id}/terms/versions":       "201 404 404 404 201 404 404 201 404 404 404 404 401",
    "GET /api/reviews/{review_id}/terms/versions/{version_id}":
                                                          "200 200 404 404 200 200 200 200 200 200 404 404 401",
    "POST /api/reviews/{review_id}/terms/versions/{version_id}/agreement":
                                                          "404 404 404 404 201 404 404 404 404 404 404 404 401",
    "GET /api/reviews/{review_id}/meetings":              "200 200 404 404 200 200 200 200 404 404 404 404 401",
    "POST /api/reviews/{review_id}/meetings":             "201 404 404 404 201 404 404 404 404 404 404 404 401",
    "GET /api/reviews/{review_id}/meetings/{meeting_id}": "200 200 404 404 200 200 200 200 404 404 404 404 401",
    "PUT /api/reviews/{review_id}/meetings/{meeting_id}": "200 404 404 404 200 404 404 404 404 404 404 404 401",
    "PUT /api/reviews/{review_id}/meetings/{meeting_id}/attendance":
                                                          "200 404 404 404 200 404 404 404 404 404 404 404 401",
    "POST /api/reviews/{review_id}/meetings/{meeting_id}/actions":
                                                          "201 404 404 404 201 404 404 404 404 404 404 404 401",
    "POST /api/reviews/{review_id}/meetings/{meeting_id}/actions/{action_id}/done":
                                                          "200 404 404 404 200 404 404 404 404 404 404 404 401",
}
# fmt: on

# Pages that accept POST: a refused POST must answer 404 and change nothing.
POST_PAGES: list[str] = [
    "planning:terms-edit",
    "planning:terms-agree",
    "planning:meeting-new",
    "planning:meeting-edit",
    "planning:meeting-attendance",
    "planning:action-new",
    "planning:action-done",
]


def bodies(ids: dict) -> dict:
    """A valid body for each operation of this app that takes one (ids may lack what another module made)."""
    return {
        "POST /api/reviews/{review_id}/terms/versions": {
            "period_from": (today() - timedelta(days=400)).isoformat(),
            "period_to": (today() - timedelta(days=20)).isoformat(),
            "lines_of_enquiry": ["How agencies shared information", "How the voice of the child was heard"],
            "agency_ids": [ids.get("agency", 0)],
            "family_involvement": "The mother is invited to meet the lead reviewer.",
            "milestones": [{"label": "First panel meeting", "due_on": (today() + timedelta(days=14)).isoformat()}],
            "change_note": "Second line of enquiry added",
        },
        "POST /api/reviews/{review_id}/terms/versions/{version_id}/agreement": {"agreed_on": today().isoformat()},
        "POST /api/reviews/{review_id}/meetings": {
            "held_on": (today() + timedelta(days=7)).isoformat(),
            "starts_at": "10:00",
            "place": "Room 2, Civic Centre",
        },
        "PUT /api/reviews/{review_id}/meetings/{meeting_id}": {
            "held_on": today().isoformat(),
            "starts_at": "14:30",
            "place": "By video call",
            "decisions": "The terms of reference were agreed.",
        },
        "PUT /api/reviews/{review_id}/meetings/{meeting_id}/attendance": {
            "attendance": [{"user_id": ids.get("attendee", 0), "attendance": "present"}],
            "others_attending": ["Dr Sam Patel, co-opted paediatric adviser"],
        },
        "POST /api/reviews/{review_id}/meetings/{meeting_id}/actions": {
            "what": "Write to the agencies in scope",
            "due_on": (today() + timedelta(days=10)).isoformat(),
            "owner_name": "Board business officer",
        },
        "POST /api/reviews/{review_id}/meetings/{meeting_id}/actions/{action_id}/done": {
            "done_on": today().isoformat()
        },
    }


def _ours(operation: str) -> bool:
    return operation.startswith("planning:") or "/terms" in operation or "/meetings" in operation


def prepare(operation: str, side) -> dict | None:
    """The state a page or operation of this app needs, and the ids of what it made; None if not ours."""
    if not _ours(operation):
        return None
    manager, chair = side.users[Role.BOARD_MANAGER], side.users[Role.BOARD_CHAIR]
    review = review_change_stage(actor=manager, review=Review.objects.get(pk=side.review.pk), to_stage=Stage.DECISION)
    review_decide(
        actor=chair,
        review=review,
        grounds=["inter_agency_concerns"],
        outcome="hold",
        rationale="Agencies did not share what they knew.",
        decided_on=today(),
    )
    review = Review.objects.get(pk=review.pk)
    terms = terms_save(
        actor=manager,
        review=review,
        period_from=today() - timedelta(days=400),
        period_to=today() - timedelta(days=20),
        lines_of_enquiry=["How agencies shared information"],
        agencies=[side.agency],
        family_involvement="The mother is invited to meet the lead reviewer.",
        milestones=[("First panel meeting", today() + timedelta(days=14))],
    )
    meeting = meeting_add(actor=manager, review=review, held_on=today(), starts_at=time(10, 0), place="Room 2")
    action = meeting_action_add(
        actor=manager, meeting=meeting, what="Write to the agencies", due_on=today(), owner_name="Board officer"
    )
    return {
        "version": terms.pk,
        "meeting": meeting.pk,
        "action": action.pk,
        "attendee": side.users[Role.PANEL_MEMBER].pk,
    }
