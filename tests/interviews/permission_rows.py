"""This app's rows of the permission matrix (tests/test_permissions.py): the same columns, the same rules.

The rows are read with casereview/interviews/rules.py: the review held (decided, at set-up) and one worker
listed by the world's agency, whose IMR author and senior manager are the only ones who change its list."""

from casereview.accounts.models import Role
from casereview.interviews.models import InvolvedWorkerKind
from casereview.interviews.services import worker_add
from casereview.reviews.models import Review
from casereview.reviews.services import review_change_stage, review_decide
from casereview.reviews.stages import Stage
from tests.factories import today

# fmt: off
#                                                         man cha mem nat pch pme leg lea imr snr wrk out anon
PAGES: dict[str, str] = {
    "interviews:workers":                                 "200 200 404 404 200 200 200 200 200 200 404 404 302",
    "interviews:worker-new":                              "404 404 404 404 404 404 404 404 200 200 404 404 302",
    "interviews:worker":                                  "404 404 404 404 404 404 404 404 200 200 404 404 302",
    "interviews:worker-remove":                           "404 404 404 404 404 404 404 404 200 200 404 404 302",
}

API: dict[str, str] = {
    "GET /api/reviews/{review_id}/workers":               "200 200 404 404 200 200 200 200 200 200 404 404 401",
    "POST /api/reviews/{review_id}/workers":              "404 404 404 404 404 404 404 404 201 201 404 404 401",
    "PUT /api/reviews/{review_id}/workers/{worker_id}":   "404 404 404 404 404 404 404 404 200 200 404 404 401",
    "DELETE /api/reviews/{review_id}/workers/{worker_id}":
                                                          "404 404 404 404 404 404 404 404 204 204 404 404 401",
}
# fmt: on

# Pages that accept POST: a refused POST must answer 404 and change nothing.
POST_PAGES: list[str] = ["interviews:worker-new", "interviews:worker", "interviews:worker-remove"]


def bodies(ids: dict) -> dict:
    """A valid body for each operation of this app that takes one."""
    return {
        "POST /api/reviews/{review_id}/workers": {
            "agency_id": ids.get("agency", 0),
            "full_name": "Wendy Worker",
            "kind": InvolvedWorkerKind.PRACTITIONER,
            "email": "wendy.worker@example.org",
            "job_title": "Health visitor",
        },
        "PUT /api/reviews/{review_id}/workers/{worker_id}": {
            "full_name": "Harriet Changed",
            "kind": InvolvedWorkerKind.MANAGER,
        },
    }


def prepare(operation: str, side) -> dict | None:
    """The state a page or operation of this app needs, and the ids of what it made; None if not ours."""
    if not (operation.startswith("interviews:") or "/workers" in operation):
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
    worker = worker_add(
        actor=side.users[Role.IMR_AUTHOR],
        review=Review.objects.get(pk=review.pk),
        agency=side.agency,
        full_name="Harriet Visitor",
        kind=InvolvedWorkerKind.PRACTITIONER,
        job_title="Health visitor",
    )
    return {"worker": worker.pk}
