"""API operations on the records vault: list a review's case records, upload, download, confirm secured."""

from datetime import date, datetime

from django.http import FileResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from casereview.core.schemas import ERRORS, StrictIn
from casereview.records import services
from casereview.records.models import CaseRecordFile, RecordsSecured
from casereview.records.selectors import (
    agency_vault_for_user_or_404,
    record_file_for_user_or_404,
    records_secured_by_agency,
    vault_agencies_of,
    vault_records_of,
)
from casereview.records.sniff import KINDS
from casereview.reviews.selectors import review_for_user_or_404

router = Router(tags=["Records vault"])
FILE_TYPES = sorted({kind.mime for kind in KINDS.values()})


class SecuredIn(StrictIn):
    secured_on: date
    note: str = ""


class SecuredOut(Schema):
    agency_id: int
    secured_on: date
    note: str
    recorded_by: str
    recorded_at: datetime


class RecordFileOut(Schema):
    id: int
    record_id: int
    title: str
    version: int
    name: str
    sha256: str
    size: int
    kind: str
    content_type: str
    uploaded_by: str
    uploaded_at: datetime


class CaseRecordOut(Schema):
    id: int
    title: str
    versions: list[RecordFileOut]


class AgencyRecordsOut(Schema):
    agency_id: int
    agency_name: str
    secured: SecuredOut | None
    records: list[CaseRecordOut]


def secured_out(secured: RecordsSecured) -> dict:
    return {
        "agency_id": secured.agency_id,
        "secured_on": secured.secured_on,
        "note": secured.note,
        "recorded_by": str(secured.recorded_by),
        "recorded_at": secured.recorded_at,
    }


def file_out(record_file: CaseRecordFile, title: str) -> dict:
    return {
        "id": record_file.pk,
        "record_id": record_file.record_id,
        "title": title,
        "version": record_file.version,
        "name": record_file.name,
        "sha256": record_file.sha256,
        "size": record_file.size,
        "kind": record_file.kind,
        "content_type": KINDS[record_file.kind].mime,
        "uploaded_by": str(record_file.uploaded_by),
        "uploaded_at": record_file.uploaded_at,
    }


@router.get("/{review_id}/records", response={200: list[AgencyRecordsOut], **ERRORS})
def list_records(request, review_id: int):
    """The case records of each agency the caller may see, newest version first, with its confirmation."""
    review = review_for_user_or_404(request.user, review_id)
    agencies = vault_agencies_of(request.user, review)
    secured = {agency.pk: row for agency, row in records_secured_by_agency(review) if row is not None}
    by_agency = {agency.pk: [] for agency in agencies}
    files = 0
    for record in vault_records_of(request.user, review):
        versions = [file_out(f, record.title) for f in record.files.all()]
        files += len(versions)
        by_agency[record.agency_id].append({"id": record.pk, "title": record.title, "versions": versions})
    services.records_viewed(actor=request.user, review=review, count=files)
    return [
        {
            "agency_id": agency.pk,
            "agency_name": agency.name,
            "secured": secured_out(secured[agency.pk]) if agency.pk in secured else None,
            "records": by_agency[agency.pk],
        }
        for agency in agencies
    ]


@router.post("/{review_id}/records/{agency_id}/files", response={201: RecordFileOut, **ERRORS})
def upload_record(request, review_id: int, agency_id: int, file: File[UploadedFile], title: Form[str] = ""):
    """Add a file (multipart `file`, optional `title`). The same title as an existing record adds a version."""
    review = review_for_user_or_404(request.user, review_id)
    vault = agency_vault_for_user_or_404(request.user, review, agency_id)
    stored = services.record_upload(actor=request.user, vault=vault, file=file, name=file.name or "", title=title)
    return Status(201, file_out(stored, stored.record.title))


@router.get(
    "/{review_id}/records/files/{file_id}",
    response=ERRORS,
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment",
                "content": {mime: {"schema": {"type": "string", "format": "binary"}} for mime in FILE_TYPES},
            }
        }
    },
)
def download_record(request, review_id: int, file_id: int):
    """The file as it was uploaded, streamed as an attachment."""
    review = review_for_user_or_404(request.user, review_id)
    record_file = record_file_for_user_or_404(request.user, review, file_id)
    opened = services.record_download(actor=request.user, record_file=record_file)
    response = FileResponse(opened, as_attachment=True, filename=record_file.name, content_type=record_file.mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(record_file.size)
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/{review_id}/records/{agency_id}/secured", response={201: SecuredOut, **ERRORS})
def secure_records(request, review_id: int, agency_id: int, payload: SecuredIn):
    """Confirm that the agency's case records for the review are secured. Once per agency."""
    review = review_for_user_or_404(request.user, review_id)
    vault = agency_vault_for_user_or_404(request.user, review, agency_id)
    secured = services.records_secure(actor=request.user, vault=vault, **payload.dict())
    return Status(201, secured_out(secured))
