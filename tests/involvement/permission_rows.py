"""This app's rows of the permission matrix (tests/test_permissions.py): the same columns, the same rules.

Every page and operation here needs the review held (decided, at set-up); all but adding also need the world's
agency involved. Asking also needs its IMR author and senior manager nominated (the world's own, by appointment)
and its deadlines set. Managing is for the board's staff and the panel chair; the table is for them and the
panel; an agency's own page also for its IMR author and senior manager."""

from datetime import date, timedelta

from casereview.accounts.models import Role
from casereview.involvement.selectors import involvement_for_user_or_404
from casereview.involvement.services import (
    involvement_add,
    involvement_nominate,
    involvement_set_deadlines,
)
from casereview.panel.models import Position
from casereview.reviews.models import Review
from casereview.reviews.services import review_change_stage, review_decide
from casereview.reviews.stages import Stage
from tests.factories import today

# fmt: off
#                                                         man cha mem nat pch pme leg lea imr snr wrk out anon
PAGES: dict[str, str] = {
    "involvement:agencies":                               "200 200 404 404 200 200 200 200 404 404 404 404 302",
    "involvement:agency-add":                             "200 200 404 404 200 404 404 404 404 404 404 404 302",
    "involvement:agency":                                 "200 200 404 404 200 200 200 200 200 200 404 404 302",
    "involvement:deadlines":                              "200 200 404 404 200 404 404 404 404 404 404 404 302",
    "involvement:nominate-imr-author":                    "200 200 404 404 200 404 404 404 404 404 404 404 302",
    "involvement:nominate-senior-manager":                "200 200 404 404 200 404 404 404 404 404 404 404 302",
    "involvement:ask":                                    "200 200 404 404 200 404 404 404 404 404 404 404 302",
    "involvement:withdraw":                               "200 200 404 404 200 404 404 404 404 404 404 404 302",
    "involvement:remove":                                 "200 200 404 404 200 404 404 404 404 404 404 404 302",
}

API: dict[str, str] = {
    "GET /api/reviews/{review_id}/agencies":              "200 200 404 404 200 200 200 200 404 404 404 404 401",
    "POST /api/reviews/{review_id}/agencies":             "201 201 404 404 201 404 404 404 404 404 404 404 401",
    "GET /api/reviews/{review_id}/agencies/{agency_id}":  "200 200 404 404 200 200 200 200 200 200 404 404 401",
    "DELETE /api/reviews/{review_id}/agencies/{agency_id}":
                                                          "204 204 404 404 204 404 404 404 404 404 404 404 401",
    "PUT /api/reviews/{review_id}/agencies/{agency_id}/deadlines":
                                                          "200 200 404 404 200 404 404 404 404 404 404 404 401",
    "POST /api/reviews/{review_id}/agencies/{agency_id}/nominations":
                                                          "201 201 404 404 201 404 404 404 404 404 404 404 401",
    "POST /api/reviews/{review_id}/agencies/{agency_id}/ask":
                                                          "200 200 404 404 200 404 404 404 404 404 404 404 401",
    "POST /api/reviews/{review_id}/agencies/{agency_id}/withdraw":
                                                          "200 200 404 404 200 404 404 404 404 404 404 404 401",
}
# fmt: on

# Pages that accept POST: a refused POST must answer 404 and change nothing.
POST_PAGES: list[str] = [
    "involvement:agency-add",
    "involvement:deadlines",
    "involvement:nominate-imr-author",
    "involvement:nominate-senior-manager",
    "involvement:ask",
    "involvement:withdraw",
    "involvement:remove",
]

API_PREFIX = "/api/reviews/{review_id}/agencies"
ADDING = {"involvement:agency-add", "POST /api/reviews/{review_id}/agencies"}
ASKING = {"involvement:ask", "POST /api/reviews/{review_id}/agencies/{agency_id}/ask"}


def deadlines() -> dict[str, date]:
    """Valid deadlines for a review decided today (the API body sends them as ISO dates)."""
    start = today()
    return {
        "records_secured_due_on": start,
        "initial_report_due_on": start + timedelta(days=28),
        "chronology_due_on": start + timedelta(days=42),
        "imr_due_on": start + timedelta(days=90),
    }


def bodies(ids: dict) -> dict:
    """A valid body for each operation of this app that takes one."""
    return {
        "POST /api/reviews/{review_id}/agencies": {"agency_id": ids["agency"]},
        "PUT /api/reviews/{review_id}/agencies/{agency_id}/deadlines": deadlines(),
        "POST /api/reviews/{review_id}/agencies/{agency_id}/nominations": {
            "position": "senior_manager",
            "email": "new.senior.manager@example.org",
            "full_name": "Nia Newcomer",
        },
        "POST /api/reviews/{review_id}/agencies/{agency_id}/ask": {"note": "Cover the last two years"},
        "POST /api/reviews/{review_id}/agencies/{agency_id}/withdraw": {"reason": "Did not know the family"},
    }


def _held(side) -> Review:
    """The world's review decided (hold a review), now at set-up, as the chair's decision leaves it."""
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
    return Review.objects.select_related("decision").get(pk=review.pk)


def prepare(operation: str, side) -> dict | None:
    """The state a page or operation of this app needs, and the ids of what it made; None if not ours."""
    if not (operation.startswith("involvement:") or API_PREFIX in operation):
        return None
    review = _held(side)
    if operation in ADDING:
        return {}
    manager = side.users[Role.BOARD_MANAGER]
    involvement_add(actor=manager, review=review, agency=side.agency)
    if operation in ASKING:
        involvement = involvement_for_user_or_404(manager, review, side.agency.pk)
        involvement_set_deadlines(actor=manager, involvement=involvement, **deadlines())
        for position, role in [(Position.IMR_AUTHOR, Role.IMR_AUTHOR), (Position.SENIOR_MANAGER, Role.SENIOR_MANAGER)]:
            involvement_nominate(actor=manager, involvement=involvement, position=position, user=side.users[role])
    return {}
