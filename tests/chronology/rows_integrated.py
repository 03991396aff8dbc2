"""The state and bodies this part's permission rows need (see tests/chronology/permission_rows.py).

Read with casereview/chronology/rules.py ("Integrated chronology"): the review held (decided, at set-up); the world's
agency and a second agency of the board have each submitted version 1 with one entry, the two entries marked as a
possible duplicate. Pages and operations name the first agency's version and entry and the second agency's entry
("other"); bodies name the entries by key."""

from casereview.accounts.models import AgencyKind, Role
from casereview.accounts.services import agency_create
from casereview.chronology.services import chronology_draft, chronology_submit, entry_add
from casereview.reviews.models import Review
from casereview.reviews.services import review_change_stage, review_decide
from tests.factories import UserFactory, grant, today

PAGES = {
    "chronology:integrated",
    "chronology:timeline",
    "chronology:integrated-export",
    "chronology:version-export",
    "chronology:pair",
    "chronology:annotation",
}
PREFIX = "/api/reviews/{review_id}/chronology/"
OPERATIONS = {
    f"GET {PREFIX}integrated",
    f"POST {PREFIX}integrated/pairs",
    f"POST {PREFIX}integrated/annotations",
    f"GET {PREFIX}integrated/export",
    f"GET {PREFIX}versions/{{version_id}}/export",
}

VISIT = {"date": "31/03/2021", "significance": "significant"}
POLICE_VISIT = VISIT | {"what_happened": "Home visit by the health visitor; child seen, weight checked"}
HEALTH_VISIT = VISIT | {"what_happened": "Health visitor home visit, child seen and weighed"}


def bodies(ids: dict) -> dict:
    return {
        f"POST {PREFIX}integrated/pairs": {
            "first_key": ids.get("entry_key", ""),
            "second_key": ids.get("other_key", ""),
            "decision": "linked",
        },
        f"POST {PREFIX}integrated/annotations": {
            "entry_key": ids.get("entry_key", ""),
            "note": "Ask the health visitor about the weight",
            "themes": ["Neglect"],
        },
    }


def _submitted(author, review, agency, values):
    version = chronology_draft(actor=author, review=review, agency=agency)
    entry = entry_add(actor=author, version=version, **values)
    chronology_submit(actor=author, version=version)
    return version, entry


def prepare(operation: str, side) -> dict | None:
    if operation not in PAGES | OPERATIONS:
        return None
    manager, chair = side.users[Role.BOARD_MANAGER], side.users[Role.BOARD_CHAIR]
    review = review_change_stage(actor=manager, review=Review.objects.get(pk=side.review.pk), to_stage="decision")
    review_decide(
        actor=chair,
        review=review,
        grounds=["inter_agency_concerns"],
        outcome="hold",
        rationale="Agencies did not share what they knew.",
        decided_on=today(),
    )
    review = Review.objects.get(pk=review.pk)
    health = agency_create(
        actor=manager, board=side.board, name=f"Health of {side.board.short_name}", kind=AgencyKind.NHS_TRUST
    )
    health_author = UserFactory(full_name=f"IMR author of {health.name}")
    grant(health_author, Role.IMR_AUTHOR, side.board, review=review, agency=health)
    version, entry = _submitted(side.users[Role.IMR_AUTHOR], review, side.agency, POLICE_VISIT)
    _other_version, other = _submitted(health_author, review, health, HEALTH_VISIT)
    return {
        "version": version.pk,
        "entry": entry.pk,
        "other": other.pk,
        "entry_key": str(entry.key),
        "other_key": str(other.key),
    }
