"""API operations on chronologies: agency chronologies, their versions and entries (below, "Agency chronologies"),
then the other parts of the app in their own sections."""

from datetime import date, datetime, time
from typing import Literal
from uuid import UUID

from django.core.paginator import Paginator
from django.http import FileResponse, QueryDict
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from casereview.chronology import imports, services
from casereview.chronology.exports import DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE
from casereview.chronology.integrated import IntegratedFilters, integrated_page, integrated_versions_of, pseudonyms_of
from casereview.chronology.integrated_forms import IntegratedFilterForm
from casereview.chronology.models import ChronologyEntry, ChronologyImport, ChronologyVersion, ImportStatus
from casereview.chronology.selectors import (
    agency_chronology_for_user_or_404,
    entries_of,
    entry_for_user_or_404,
    version_for_user_or_404,
    versions_of,
)
from casereview.core.errors import Invalid
from casereview.core.schemas import ERRORS, StrictIn
from casereview.reviews.selectors import review_for_user_or_404

router = Router(tags=["Chronologies"])

# -- Agency chronologies ----------------------------------------------------------------------------------------

ENTRIES_PER_PAGE = 500


class VersionOut(Schema):
    id: int
    agency_id: int
    agency_name: str
    number: int
    state: str  # "draft" or "submitted"
    entries: int
    created_by: str
    created_at: datetime
    submitted_by: str | None
    submitted_at: datetime | None


class PersonRef(Schema):
    id: int
    pseudonym: str


def _time_of_day(value: time | None) -> str | None:
    """A local time of day as HH:MM: JSON Schema's "time" format needs a time zone, which an entry's time has not."""
    return f"{value:%H:%M}" if value is not None else None


class EntryOut(Schema):
    id: int
    key: UUID
    version_id: int
    date_text: str
    occurred_on: date
    occurred_at: str | None = Field(description="The local time of day, HH:MM, when the entry has one")
    precision: str
    sequence: int
    what_happened: str
    action: str
    outcome: str
    significance: str
    analysis: str
    people: list[PersonRef]
    practitioners: str
    source_kind: str
    source_file_id: int | None
    source_reference: str


class EntriesOut(Schema):
    version: VersionOut
    count: int
    page: int
    pages: int
    entries: list[EntryOut]


class EntryIn(StrictIn):
    """An entry. `date` as written: "31/03/2021", "31/03/2021 14:30", "March 2021", "?22 May 2016", "2021-03-31".
    Every field is checked by the service, which answers each problem with a message (400)."""

    date: str = ""
    what_happened: str = ""
    action: str = ""
    outcome: str = ""
    significance: str = "routine"
    analysis: str = ""
    people: list[int] = []
    practitioners: str = ""
    source_kind: str = ""
    source_file_id: int | None = None
    source_reference: str = ""
    sequence: int | None = None

    def entry_values(self) -> dict:
        values = self.dict()
        values["source_file"] = values.pop("source_file_id")
        return values


class BulkOut(Schema):
    version_id: int
    added: int
    ids: list[int]


def version_out(version: ChronologyVersion) -> dict:
    entries = getattr(version, "entry_count", None)
    return {
        "id": version.pk,
        "agency_id": version.agency_id,
        "agency_name": version.agency.name,
        "number": version.number,
        "state": "submitted" if version.is_submitted else "draft",
        "entries": entries if entries is not None else version.entries.count(),
        "created_by": str(version.created_by),
        "created_at": version.created_at,
        "submitted_by": str(version.submitted_by) if version.submitted_by_id else None,
        "submitted_at": version.submitted_at,
    }


def entry_out(entry: ChronologyEntry) -> dict:
    return {
        "id": entry.pk,
        "key": entry.key,
        "version_id": entry.version_id,
        "date_text": entry.date_text,
        "occurred_on": entry.occurred_on,
        "occurred_at": _time_of_day(entry.occurred_at),
        "precision": entry.precision,
        "sequence": entry.sequence,
        "what_happened": entry.what_happened,
        "action": entry.action,
        "outcome": entry.outcome,
        "significance": entry.significance,
        "analysis": entry.analysis,
        "people": [{"id": person.pk, "pseudonym": person.pseudonym} for person in entry.people.all()],
        "practitioners": entry.practitioners,
        "source_kind": entry.source_kind,
        "source_file_id": entry.source_file_id,
        "source_reference": entry.source_reference,
    }


@router.get(
    "/{review_id}/chronology/agencies/{agency_id}/versions",
    response={200: list[VersionOut], **ERRORS},
    summary="An agency's chronology versions",
)
def chronology_versions(request, review_id: int, agency_id: int):
    """The versions of the agency's chronology the caller may see, oldest first: all of them, the draft too, for
    the agency's IMR author and senior manager; the submitted ones for the panel, the lead reviewer and the board
    manager."""
    review = review_for_user_or_404(request.user, review_id)
    chronology = agency_chronology_for_user_or_404(request.user, review, agency_id)
    return [version_out(version) for version in versions_of(request.user, chronology)]


@router.post(
    "/{review_id}/chronology/agencies/{agency_id}/draft",
    response={200: VersionOut, **ERRORS},
    summary="Get or start the draft",
)
def chronology_draft(request, review_id: int, agency_id: int):
    """The agency's draft: the one it has, or a new version (a copy of the last submitted one's entries, keeping
    their keys). Only the agency's IMR author, while the review is held."""
    review = review_for_user_or_404(request.user, review_id)
    chronology = agency_chronology_for_user_or_404(request.user, review, agency_id)
    draft = services.chronology_draft(actor=request.user, review=review, agency=chronology.agency)
    return version_out(draft)


@router.get(
    "/{review_id}/chronology/versions/{version_id}/entries",
    response={200: EntriesOut, **ERRORS},
    summary="A version's entries",
)
def chronology_entries(request, review_id: int, version_id: int, page: Query[int] = 1):
    """The version's entries in time order, 500 a page (`page` from 1). A draft is seen only by the agency's own
    staff. Each call is kept in the audit trail."""
    review = review_for_user_or_404(request.user, review_id)
    version = version_for_user_or_404(request.user, review, version_id)
    shown = Paginator(entries_of(request.user, version), ENTRIES_PER_PAGE).get_page(page)
    services.chronology_viewed(actor=request.user, version=version, count=len(shown.object_list), via="api")
    return {
        "version": version_out(version),
        "count": shown.paginator.count,
        "page": shown.number,
        "pages": shown.paginator.num_pages,
        "entries": [entry_out(entry) for entry in shown.object_list],
    }


@router.post(
    "/{review_id}/chronology/versions/{version_id}/entries",
    response={201: EntryOut, **ERRORS},
    summary="Add an entry",
)
def chronology_entry_add(request, review_id: int, version_id: int, payload: EntryIn):
    """Add an entry to a draft (409 once it is submitted: start a new version with the draft operation)."""
    review = review_for_user_or_404(request.user, review_id)
    version = version_for_user_or_404(request.user, review, version_id)
    entry = services.entry_add(actor=request.user, version=version, **payload.entry_values())
    return Status(201, entry_out(entry))


@router.post(
    "/{review_id}/chronology/versions/{version_id}/entries/bulk",
    response={201: BulkOut, **ERRORS},
    summary="Add entries in bulk",
)
def chronology_entries_bulk(request, review_id: int, version_id: int, payload: list[EntryIn]):
    """Add a list of entries to a draft, all or nothing: if any is refused, nothing is added and the answer (400)
    lists every problem of every refused entry under "row N" (N from 1). Up to 200,000 entries, within the
    server's limit on the size of a request."""
    review = review_for_user_or_404(request.user, review_id)
    version = version_for_user_or_404(request.user, review, version_id)
    added = services.entries_add_bulk(actor=request.user, version=version, rows=[row.entry_values() for row in payload])
    return Status(201, {"version_id": version.pk, "added": len(added), "ids": [entry.pk for entry in added]})


@router.put("/{review_id}/chronology/entries/{entry_id}", response={200: EntryOut, **ERRORS}, summary="Change an entry")
def chronology_entry_change(request, review_id: int, entry_id: int, payload: EntryIn):
    """Replace an entry of a draft with the values given (409 once its version is submitted)."""
    review = review_for_user_or_404(request.user, review_id)
    entry = entry_for_user_or_404(request.user, review, entry_id)
    changed = services.entry_change(actor=request.user, entry=entry, **payload.entry_values())
    return entry_out(changed)


@router.delete("/{review_id}/chronology/entries/{entry_id}", response={204: None, **ERRORS}, summary="Remove an entry")
def chronology_entry_remove(request, review_id: int, entry_id: int):
    """Take an entry out of a draft (409 once its version is submitted)."""
    review = review_for_user_or_404(request.user, review_id)
    services.entry_remove(actor=request.user, entry=entry_for_user_or_404(request.user, review, entry_id))
    return Status(204, None)


@router.post(
    "/{review_id}/chronology/versions/{version_id}/submit",
    response={200: VersionOut, **ERRORS},
    summary="Submit a chronology",
)
def chronology_submit(request, review_id: int, version_id: int):
    """Submit the draft to the panel and the lead reviewer; it is then locked (409 if it has no entries)."""
    review = review_for_user_or_404(request.user, review_id)
    version = version_for_user_or_404(request.user, review, version_id)
    return version_out(services.chronology_submit(actor=request.user, version=version))


# -- Integrated chronology ------------------------------------------------------------------------------------


class IntegratedQuery(Schema):
    """The filters of the integrated chronology, as on the page: dates the UK way ("31/03/2016", "March 2016")."""

    agency: list[int] = Field(default_factory=list, description="Agency ids; none: every agency")
    person: int | None = Field(None, description="A person of the people register (id)")
    significance: list[str] = Field(default_factory=list, description="routine, significant or key; none: all")
    date_from: str = ""
    date_to: str = ""
    gap_days: int | None = Field(None, description="Shortest gap reported, in days (default: the setting)")
    page: int = Field(1, ge=1)


class ExportQuery(IntegratedQuery):
    format: Literal["xlsx", "docx"] = "xlsx"


class OtherEntryOut(Schema):
    id: int
    key: str
    agency: str
    date: str


class DuplicateOut(Schema):
    entry: OtherEntryOut
    score: float | None = Field(description="Similarity of the two texts; null if decided but not marked")
    decision: str = Field(description='"", "linked" or "dismissed"')
    note: str


class ContradictionOut(Schema):
    entry: OtherEntryOut
    reason: str


class LatestNoteOut(Schema):
    note: str
    themes: list[str]
    written_by: str
    written_at: datetime


class IntegratedEntryOut(Schema):
    id: int
    key: str
    agency_id: int
    agency: str
    version: int
    occurred_on: date
    occurred_at: str | None = Field(description="The local time of day, HH:MM, when the entry has one")
    precision: str
    date: str
    date_text: str
    sequence: int
    significance: str
    people: list[str]
    practitioners: str
    what_happened: str
    action: str
    outcome: str
    analysis: str
    source: str
    has_source: bool
    possible_duplicates: list[DuplicateOut]
    contradictions: list[ContradictionOut]
    note: LatestNoteOut | None


class GapOut(Schema):
    first_day: date
    last_day: date
    days: int
    before_entry: int = Field(description="The id of the entry the gap comes before")


class IntegratedOut(Schema):
    count: int
    page: int
    pages: int
    per_page: int
    gap_days: int
    entries: list[IntegratedEntryOut]
    gaps: list[GapOut]


class PairIn(StrictIn):
    first_key: str
    second_key: str
    decision: Literal["linked", "dismissed"]
    note: str = ""


class PairOut(Schema):
    first_key: str
    second_key: str
    decision: str
    note: str
    decided_by: str
    decided_at: datetime


class AnnotationIn(StrictIn):
    entry_key: str
    note: str = ""
    themes: list[str] = []


class AnnotationOut(LatestNoteOut):
    entry_key: str


def _filters_from(query: IntegratedQuery, review, versions) -> IntegratedFilters:
    data = QueryDict(mutable=True)
    data.setlist("agency", [str(pk) for pk in query.agency])
    data.setlist("significance", query.significance)
    for name in ("person", "date_from", "date_to", "gap_days"):
        value = getattr(query, name)
        if value not in (None, ""):
            data[name] = str(value)
    form = IntegratedFilterForm(data, versions=versions, people=pseudonyms_of(review))
    if not form.is_valid():
        raise Invalid(errors={field: messages[0] for field, messages in form.errors.items()})
    return form.filters()


def _other_out(other) -> dict:
    return {"id": other.pk, "key": other.key, "agency": other.agency, "date": other.date_label}


def _integrated_entry_out(row) -> dict:
    note = row.annotation
    return {
        "id": row.pk,
        "key": row.key,
        "agency_id": row.agency_id,
        "agency": row.agency,
        "version": row.version_number,
        "occurred_on": row.occurred_on,
        "occurred_at": _time_of_day(row.occurred_at),
        "precision": row.precision,
        "date": row.date_label,
        "date_text": row.date_text,
        "sequence": row.sequence,
        "significance": row.significance,
        "people": row.people,
        "practitioners": row.practitioners,
        "what_happened": row.what_happened,
        "action": row.action,
        "outcome": row.outcome,
        "analysis": row.analysis,
        "source": row.source,
        "has_source": row.has_source,
        "possible_duplicates": [
            {"entry": _other_out(m.other), "score": m.score, "decision": m.decision, "note": m.note}
            for m in row.duplicates
        ],
        "contradictions": [{"entry": _other_out(m.other), "reason": m.reason} for m in row.contradictions],
        "note": (
            {"note": note.note, "themes": note.themes, "written_by": note.written_by, "written_at": note.written_at}
            if note
            else None
        ),
    }


def _gaps_out(page) -> list[dict]:
    found, pending = [], []
    for line in page.lines:
        if line.is_gap:
            pending.append(line)
            continue
        found += [
            {"first_day": gap.first, "last_day": gap.last, "days": gap.days, "before_entry": line.pk} for gap in pending
        ]
        pending = []
    return found


@router.get("/{review_id}/chronology/integrated", response={200: IntegratedOut, **ERRORS})
def integrated_chronology(request, review_id: int, query: Query[IntegratedQuery]):
    """Every agency's latest submitted chronology merged in time order, filtered, 100 entries a page, each with its
    marks (possible duplicates with the lead reviewer's decision, contradictions, no source) and latest note, and
    the gaps with no contact between them. An audited read."""
    review = review_for_user_or_404(request.user, review_id)
    versions = integrated_versions_of(request.user, review)
    filters = _filters_from(query, review, versions)
    page = integrated_page(request.user, review, filters, query.page)
    services.integrated_viewed(
        actor=request.user, review=review, count=page.count, filters=filters, page=page.number, via="api"
    )
    return {
        "count": page.count,
        "page": page.number,
        "pages": page.pages,
        "per_page": page.per_page,
        "gap_days": filters.gap_threshold,
        "entries": [_integrated_entry_out(row) for row in page.rows],
        "gaps": _gaps_out(page),
    }


@router.post("/{review_id}/chronology/integrated/pairs", response={201: PairOut, **ERRORS})
def decide_pair(request, review_id: int, payload: PairIn):
    """The lead reviewer decides whether two entries (by key) record the same event: "linked" or "dismissed".
    Deciding again on the same pair changes the decision."""
    review = review_for_user_or_404(request.user, review_id)
    integrated_versions_of(request.user, review)
    pair = services.entry_pair_decide(actor=request.user, review=review, **payload.dict())
    return Status(
        201,
        {
            "first_key": str(pair.first_key),
            "second_key": str(pair.second_key),
            "decision": pair.decision,
            "note": pair.note,
            "decided_by": str(pair.decided_by),
            "decided_at": pair.decided_at,
        },
    )


@router.post("/{review_id}/chronology/integrated/annotations", response={201: AnnotationOut, **ERRORS})
def annotate_entry(request, review_id: int, payload: AnnotationIn):
    """The lead reviewer's note and themes on an entry (by key); the latest is shown. Themes come from the list
    every review uses (see the page)."""
    review = review_for_user_or_404(request.user, review_id)
    integrated_versions_of(request.user, review)
    note = services.entry_annotate(actor=request.user, review=review, **payload.dict())
    return Status(
        201,
        {
            "entry_key": str(note.entry_key),
            "note": note.note,
            "themes": note.themes,
            "written_by": str(note.written_by),
            "written_at": note.written_at,
        },
    )


EXPORT_RESPONSES = {
    "responses": {
        200: {
            "description": "The export, as an attachment",
            "content": {
                content_type: {"schema": {"type": "string", "format": "binary"}}
                for content_type in (XLSX_CONTENT_TYPE, DOCX_CONTENT_TYPE)
            },
        }
    }
}


def _download(export) -> FileResponse:
    response = FileResponse(export.file, as_attachment=True, filename=export.filename, content_type=export.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/{review_id}/chronology/integrated/export", response=ERRORS, openapi_extra=EXPORT_RESPONSES)
def export_integrated(request, review_id: int, query: Query[ExportQuery]):
    """The integrated chronology with the filters applied, every page, as XLSX or DOCX. Audited."""
    review = review_for_user_or_404(request.user, review_id)
    versions = integrated_versions_of(request.user, review)
    filters = _filters_from(query, review, versions)
    return _download(services.integrated_export(actor=request.user, review=review, filters=filters, fmt=query.format))


@router.get("/{review_id}/chronology/versions/{version_id}/export", response=ERRORS, openapi_extra=EXPORT_RESPONSES)
def export_version(request, review_id: int, version_id: int, format: Literal["xlsx", "docx"] = "xlsx"):
    """One agency's chronology version as XLSX or DOCX (whoever may see the version). Audited."""
    review = review_for_user_or_404(request.user, review_id)
    version = version_for_user_or_404(request.user, review, version_id)
    return _download(services.version_export(actor=request.user, version=version, fmt=format))


# -- Imports ----------------------------------------------------------------------------------------------------------


class ImportColumnOut(Schema):
    number: int
    letter: str
    heading: str
    part: str | None


class ImportProblemOut(Schema):
    row: int
    column: str
    message: str


class ImportPreviewRowOut(Schema):
    row: int
    date: str
    what_happened: str
    significance: str
    source: str
    people: str


class ImportOut(Schema):
    id: int
    agency_id: int
    file_name: str
    status: str
    rows_total: int | None
    rows_done: int
    columns: list[ImportColumnOut]
    mapping: dict[str, int]
    missing: list[str]
    checked: bool
    problem: str
    problems: list[ImportProblemOut]
    preview: list[ImportPreviewRowOut]
    entries_added: int
    version_id: int | None
    created_at: datetime
    finished_at: datetime | None


class ImportConfirmIn(StrictIn):
    mapping: dict[str, int] | None = None


def import_out(chronology_import: ChronologyImport) -> dict:
    part_of = {number: code for code, number in chronology_import.mapping.items()}
    return {
        "id": chronology_import.pk,
        "agency_id": chronology_import.agency_id,
        "file_name": chronology_import.file_name,
        "status": chronology_import.status,
        "rows_total": chronology_import.rows_total,
        "rows_done": chronology_import.rows_done,
        "columns": [
            {
                "number": number,
                "letter": imports.column_letter(number),
                "heading": heading,
                "part": part_of.get(number),
            }
            for number, heading in enumerate(chronology_import.headers, start=1)
        ],
        "mapping": chronology_import.mapping,
        "missing": [code for code in imports.REQUIRED_PARTS if code not in chronology_import.mapping],
        "checked": chronology_import.checked_at is not None,
        "problem": chronology_import.problem,
        "problems": [
            {"row": row, "column": column, "message": message} for row, column, message in chronology_import.row_errors
        ],
        "preview": chronology_import.preview,
        "entries_added": chronology_import.entries_added,
        "version_id": chronology_import.version_id,
        "created_at": chronology_import.created_at,
        "finished_at": chronology_import.finished_at,
    }


@router.post("/{review_id}/chronology/agencies/{agency_id}/imports", response={201: ImportOut, **ERRORS})
def upload_import(request, review_id: int, agency_id: int, file: File[UploadedFile]):
    """Upload a CSV or XLSX file (multipart `file`) to import into the agency's draft chronology. Its columns are
    matched from the usual headings (`mapping`, `missing`); when the date and what happened are found, every row is
    checked with them: `problems` lists each row's problems, `preview` the first rows as they will be imported. A
    large file is checked in the background (status "checking"): get the import for its progress."""
    review = review_for_user_or_404(request.user, review_id)
    chronology = agency_chronology_for_user_or_404(request.user, review, agency_id)
    chronology_import = imports.import_upload(
        actor=request.user, review=review, agency=chronology.agency, file=file, name=file.name or ""
    )
    if all(code in chronology_import.mapping for code in imports.REQUIRED_PARTS):
        chronology_import = imports.import_map(
            actor=request.user, chronology_import=chronology_import, mapping=chronology_import.mapping
        )
    return Status(201, import_out(chronology_import))


@router.post("/{review_id}/chronology/imports/{import_id}/import", response={200: ImportOut, 202: ImportOut, **ERRORS})
def confirm_import(request, review_id: int, import_id: int, payload: ImportConfirmIn):
    """Import the file into the agency's draft, all or nothing. `mapping` ({part: column number, 1 for the first
    column}) chooses the columns, checking every row again; without it the columns already matched are used.
    200 when imported; 202 while it runs in the background (get the import for its progress); 400 with every row's
    problems ({"row N": …}) and nothing imported when a row is wrong."""
    review = review_for_user_or_404(request.user, review_id)
    chronology_import = imports.import_for_user_or_404(request.user, review, import_id)
    mapping = chronology_import.mapping if payload.mapping is None else payload.mapping
    if chronology_import.is_ready and mapping == chronology_import.mapping:
        chronology_import = imports.import_confirm(actor=request.user, chronology_import=chronology_import)
    else:
        chronology_import = imports.import_map(
            actor=request.user, chronology_import=chronology_import, mapping=mapping, then_import=True
        )
    if chronology_import.status == ImportStatus.FAILED:
        raise imports.refusal_of(chronology_import)
    return Status(202 if chronology_import.is_running else 200, import_out(chronology_import))


@router.get("/{review_id}/chronology/imports/{import_id}", response={200: ImportOut, **ERRORS})
def get_import(request, review_id: int, import_id: int):
    """An import: its status (waiting, checking, importing, done or failed), progress (`rows_done` of
    `rows_total`), columns, problems and preview."""
    review = review_for_user_or_404(request.user, review_id)
    return import_out(imports.import_for_user_or_404(request.user, review, import_id))
