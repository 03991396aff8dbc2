"""The state and bodies this part's permission rows need (see tests/chronology/permission_rows.py): the review held
and an import by the agency's IMR author at the stage each page shows (uploaded, checked, running, done)."""

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from casereview.accounts.models import Role
from casereview.chronology.imports import background_rows, import_confirm, import_map, import_upload
from casereview.reviews.models import Review
from casereview.reviews.services import review_change_stage, review_decide
from casereview.reviews.stages import Stage
from tests.factories import today

CSV = b"Date,What happened,Significance\r\n31/03/2021,Seen at home,routine\r\n01/04/2021,Seen at school,KPE\r\n"
IMPORT_PAGES = {
    "chronology:import": "held",
    "chronology:import-columns": "uploaded",
    "chronology:import-check": "checked",
    "chronology:import-progress": "running",
    "chronology:import-result": "done",
    "POST /api/reviews/{review_id}/chronology/agencies/{agency_id}/imports": "held",
    "POST /api/reviews/{review_id}/chronology/imports/{import_id}/import": "checked",
    "GET /api/reviews/{review_id}/chronology/imports/{import_id}": "uploaded",
}


def bodies(ids: dict) -> dict:
    from tests.test_permissions import Multipart  # the shared matrix's marker for a multipart body

    return {
        "POST /api/reviews/{review_id}/chronology/agencies/{agency_id}/imports": Multipart(
            file=SimpleUploadedFile("chronology.csv", CSV, "text/csv")
        ),
        "POST /api/reviews/{review_id}/chronology/imports/{import_id}/import": {},
    }


def held(side) -> Review:
    """The review decided "hold a review" and at set-up: the agency's IMR author may compile its chronology."""
    manager, chair = side.users[Role.BOARD_MANAGER], side.users[Role.BOARD_CHAIR]
    review = Review.objects.get(pk=side.review.pk)
    if review.stage == Stage.REFERRAL:
        review = review_change_stage(actor=manager, review=review, to_stage=Stage.DECISION)
        review_decide(
            actor=chair,
            review=review,
            grounds=["inter_agency_concerns"],
            outcome="hold",
            rationale="Agencies did not share what they knew.",
            decided_on=today(),
        )
    return Review.objects.get(pk=review.pk)


def prepare(operation: str, side) -> dict | None:
    if operation == "chronology:import-template":
        return {}
    stage = IMPORT_PAGES.get(operation)
    if stage is None:
        return None
    review = held(side)
    if stage == "held":
        return {}
    author = side.users[Role.IMR_AUTHOR]
    content = CSV
    if stage == "running":  # more rows than are checked at once: the check waits for the worker
        content = CSV + b"02/04/2021,Seen again,routine\r\n" * background_rows()
    chronology_import = import_upload(
        actor=author, review=review, agency=side.agency, file=ContentFile(content), name="chronology.csv"
    )
    if stage in ("checked", "running", "done"):
        chronology_import = import_map(
            actor=author, chronology_import=chronology_import, mapping=chronology_import.mapping
        )
    if stage == "done":
        chronology_import = import_confirm(actor=author, chronology_import=chronology_import)
    return {"import": chronology_import.pk}
