"""This app's rows of the permission matrix (tests/test_permissions.py): the same columns, the same rules.

Every row is read with the review held (decided, at set-up), each review-role user of the world appointed to the
matching position (so they declare), and a conflict recorded for someone refused: see `prepare`."""

from casereview.accounts.models import Role
from casereview.panel.models import Position
from casereview.panel.services import IndependenceRefused, appointment_make
from casereview.reviews.models import Review
from casereview.reviews.services import person_add, review_change_stage, review_decide
from casereview.reviews.stages import Stage
from tests.factories import UserFactory, today

# fmt: off
#                                                         man cha mem nat pch pme leg lea imr snr wrk out anon
PAGES: dict[str, str] = {
    "panel:panel":                                        "200 200 404 404 200 200 200 200 404 404 404 404 302",
    "panel:appoint":                                      "200 200 404 404 404 404 404 404 404 404 404 404 302",
    "panel:end":                                          "200 200 404 404 404 404 404 404 404 404 404 404 302",
    "panel:gap":                                          "200 200 404 404 404 404 404 404 404 404 404 404 302",
    "panel:declaration":                                  "404 404 404 404 200 200 200 200 200 404 404 404 302",
    "panel:override":                                     "404 200 404 404 404 404 404 404 404 404 404 404 302",
}

API: dict[str, str] = {
    "GET /api/reviews/{review_id}/panel":                 "200 200 404 404 200 200 200 200 404 404 404 404 401",
    "POST /api/reviews/{review_id}/panel/appointments":   "201 201 404 404 404 404 404 404 404 404 404 404 401",
    "POST /api/reviews/{review_id}/panel/appointments/{appointment_id}/end":
                                                          "200 200 404 404 404 404 404 404 404 404 404 404 401",
    "POST /api/reviews/{review_id}/panel/gaps":           "201 201 404 404 404 404 404 404 404 404 404 404 401",
    "POST /api/reviews/{review_id}/declaration":          "404 404 404 404 201 201 201 201 201 404 404 404 401",
    "POST /api/reviews/{review_id}/panel/conflicts/{conflict_id}/override":
                                                          "404 200 404 404 404 404 404 404 404 404 404 404 401",
}
# fmt: on

# Pages that accept POST: a refused POST must answer 404 and change nothing.
POST_PAGES: list[str] = ["panel:appoint", "panel:end", "panel:gap", "panel:declaration", "panel:override"]

# The position each review-role user of the world is appointed to.
APPOINTED = {
    Role.PANEL_CHAIR: Position.PANEL_CHAIR,
    Role.PANEL_MEMBER: Position.CO_OPTED,
    Role.LEGAL_ADVISER: Position.LEGAL_ADVISER,
    Role.LEAD_REVIEWER: Position.LEAD_REVIEWER,
    Role.IMR_AUTHOR: Position.IMR_AUTHOR,
    Role.SENIOR_MANAGER: Position.SENIOR_MANAGER,
}


def bodies(ids: dict) -> dict:
    """A valid body for each operation of this app that takes one."""
    return {
        "POST /api/reviews/{review_id}/panel/appointments": {
            "email": "new.appointee@example.org",
            "full_name": "New Appointee",
            "position": "co_opted",
        },
        "POST /api/reviews/{review_id}/panel/appointments/{appointment_id}/end": {"reason": "Stood down"},
        "POST /api/reviews/{review_id}/panel/gaps": {"seat": "probation", "reason": "No contact with the family"},
        "POST /api/reviews/{review_id}/declaration": {
            "not_involved": True,
            "no_management_responsibility": True,
            "independent_of_workers": True,
            "knowledge_and_experience": "Ten years in child protection",
        },
        "POST /api/reviews/{review_id}/panel/conflicts/{conflict_id}/override": {"reason": "A different person"},
    }


def ours(operation: str) -> bool:
    return operation.startswith("panel:") or "/panel" in operation or operation.endswith("/declaration")


def prepare(operation: str, side) -> dict | None:
    """The state a page or operation of this app needs, and the ids of what it made; None if not ours."""
    if not ours(operation):
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
    appointments = {
        role: appointment_make(
            actor=manager,
            review=review,
            user=side.users[role],
            position=position,
            agency=side.agency if role in (Role.IMR_AUTHOR, Role.SENIOR_MANAGER) else None,
        )
        for role, position in APPOINTED.items()
    }
    person_add(actor=manager, review=review, full_name="Connie Conflicted", relationship="carer", pseudonym="Carer")
    try:
        appointment_make(
            actor=manager, review=review, user=UserFactory(full_name="Connie Conflicted"), position=Position.CO_OPTED
        )
    except IndependenceRefused as refusal:
        conflict = refusal.conflicts[0]
    else:
        raise AssertionError("the candidate named like someone on the register was not refused")
    return {"appointment": appointments[Role.PANEL_MEMBER].pk, "conflict": conflict.pk}
