"""The state and bodies this part's permission rows need (see tests/chronology/permission_rows.py).

Read with casereview/chronology/rules.py: the review held (decided, at set-up); the agency's IMR author has submitted
version 1 (one entry) and started version 2, a draft copying it. Pages and operations that read name version 1 (the
panel sees it); those that change name version 2 and its entry. Starting a version needs no draft: there, only
version 1 exists."""

from casereview.accounts.models import Role
from casereview.chronology.services import chronology_draft, chronology_submit, entry_add
from casereview.reviews.models import Review
from casereview.reviews.services import review_change_stage, review_decide
from casereview.reviews.stages import Stage
from tests.factories import today

PAGES = {
    "chronology:agencies",
    "chronology:agency",
    "chronology:version-new",
    "chronology:submit",
    "chronology:entry-new",
    "chronology:entry",
    "chronology:entry-remove",
}
PREFIX = "/api/reviews/{review_id}/chronology/"
OPERATIONS = {
    f"GET {PREFIX}agencies/{{agency_id}}/versions",
    f"POST {PREFIX}agencies/{{agency_id}}/draft",
    f"GET {PREFIX}versions/{{version_id}}/entries",
    f"POST {PREFIX}versions/{{version_id}}/entries",
    f"POST {PREFIX}versions/{{version_id}}/entries/bulk",
    f"POST {PREFIX}versions/{{version_id}}/submit",
    f"PUT {PREFIX}entries/{{entry_id}}",
    f"DELETE {PREFIX}entries/{{entry_id}}",
}
# What reads a version reads the submitted one; the rest change the draft.
READS_SUBMITTED = {f"GET {PREFIX}versions/{{version_id}}/entries"}
NO_DRAFT = {"chronology:version-new", f"POST {PREFIX}agencies/{{agency_id}}/draft"}

ENTRY = {"date": "31/03/2021", "what_happened": "Police attended the family home.", "significance": "significant"}


def bodies(ids: dict) -> dict:
    return {
        f"POST {PREFIX}versions/{{version_id}}/entries": ENTRY,
        f"POST {PREFIX}versions/{{version_id}}/entries/bulk": [ENTRY, ENTRY | {"date": "?22 May 2016"}],
        f"PUT {PREFIX}entries/{{entry_id}}": ENTRY | {"what_happened": "Police attended and spoke to Mother."},
    }


def prepare(operation: str, side) -> dict | None:
    if operation not in PAGES | OPERATIONS:
        return None
    manager, chair, author = side.users[Role.BOARD_MANAGER], side.users[Role.BOARD_CHAIR], side.users[Role.IMR_AUTHOR]
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
    first = chronology_draft(actor=author, review=review, agency=side.agency)
    entry = entry_add(actor=author, version=first, **ENTRY)
    chronology_submit(actor=author, version=first)
    if operation in NO_DRAFT:
        return {"version": first.pk, "entry": entry.pk}
    draft = chronology_draft(actor=author, review=review, agency=side.agency)
    if operation in READS_SUBMITTED:
        return {"version": first.pk, "entry": entry.pk}
    return {"version": draft.pk, "entry": draft.entries.get().pk}
