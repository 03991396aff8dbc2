"""API operations on the agencies involved: their status, adding one, its deadlines, nominating its IMR author
and senior manager, asking it, withdrawing or removing it."""

from datetime import date, datetime
from typing import Literal

from ninja import Router, Schema, Status

from casereview.accounts.models import Agency
from casereview.core.errors import Invalid
from casereview.core.schemas import ERRORS, StrictIn
from casereview.involvement import services
from casereview.involvement.selectors import (
    AgencyStatus,
    DeadlineState,
    agency_status,
    agency_statuses,
    involvement_for_user_or_404,
    involvements_of,
)
from casereview.reviews.selectors import review_for_user_or_404

router = Router(tags=["Agencies involved"])


class AgencyIn(StrictIn):
    agency_id: int


class DeadlinesIn(StrictIn):
    records_secured_due_on: date | None = None
    initial_report_due_on: date | None = None
    chronology_due_on: date | None = None
    imr_due_on: date | None = None


class NominationIn(StrictIn):
    position: Literal["imr_author", "senior_manager"]
    email: str
    full_name: str = ""
    job_title: str = ""


class AskIn(StrictIn):
    note: str = ""


class WithdrawIn(StrictIn):
    reason: str


class NomineeOut(Schema):
    id: int
    full_name: str
    job_title: str


class RecordsSecuredOut(Schema):
    secured_on: date
    recorded_by: str


class DeadlineOut(Schema):
    due_on: date | None
    met_on: date | None
    status: str  # no deadline, on time, due soon, overdue, met, met late


class InvolvementOut(Schema):
    agency_id: int
    agency_name: str
    added_at: datetime
    asked_on: date | None
    request_note: str
    imr_author: NomineeOut | None
    senior_manager: NomineeOut | None
    records_secured: RecordsSecuredOut | None
    case_records: int
    workers_listed: int
    records_secured_deadline: DeadlineOut
    initial_report: DeadlineOut
    chronology: DeadlineOut
    imr: DeadlineOut
    withdrawn_at: datetime | None
    withdrawal_reason: str


def _nominee(user) -> dict | None:
    return None if user is None else {"id": user.pk, "full_name": user.full_name, "job_title": user.job_title}


def _deadline(state: DeadlineState) -> dict:
    return {"due_on": state.due_on, "met_on": state.met_on, "status": state.status}


def involvement_out(status: AgencyStatus) -> dict:
    involvement, secured = status.involvement, status.records_secured
    return {
        "agency_id": involvement.agency_id,
        "agency_name": involvement.agency.name,
        "added_at": involvement.added_at,
        "asked_on": involvement.asked_on,
        "request_note": involvement.request_note,
        "imr_author": _nominee(status.imr_author),
        "senior_manager": _nominee(status.senior_manager),
        "records_secured": {"secured_on": secured.secured_on, "recorded_by": str(secured.recorded_by)}
        if secured
        else None,
        "case_records": status.case_records,
        "workers_listed": status.workers_listed,
        "records_secured_deadline": _deadline(status.records_deadline),
        "initial_report": _deadline(status.initial_report),
        "chronology": _deadline(status.chronology),
        "imr": _deadline(status.imr),
        "withdrawn_at": involvement.withdrawn_at,
        "withdrawal_reason": involvement.withdrawal_reason,
    }


def _load(request, review_id: int, agency_id: int):
    review = review_for_user_or_404(request.user, review_id)
    return involvement_for_user_or_404(request.user, review, agency_id)


@router.get("/{review_id}/agencies", response={200: list[InvolvementOut], **ERRORS})
def list_agencies(request, review_id: int):
    """Every agency involved, withdrawn ones included, with its status. Chronologies, initial reports and IMRs
    show their deadlines only until their submission is added."""
    review = review_for_user_or_404(request.user, review_id)
    return [involvement_out(status) for status in agency_statuses(involvements_of(request.user, review))]


@router.post("/{review_id}/agencies", response={201: InvolvementOut, **ERRORS})
def add_agency(request, review_id: int, payload: AgencyIn):
    """Add an agency of the board to the agencies involved."""
    review = review_for_user_or_404(request.user, review_id)
    agency = Agency.objects.filter(pk=payload.agency_id, board_id=review.board_id).first()
    if agency is None and request.user.has_perm("involvement.add", review):
        raise Invalid("Choose an agency of this board", field="agency_id")
    involvement = services.involvement_add(actor=request.user, review=review, agency=agency)
    return Status(201, involvement_out(agency_status(involvement)))


@router.get("/{review_id}/agencies/{agency_id}", response={200: InvolvementOut, **ERRORS})
def get_agency(request, review_id: int, agency_id: int):
    """One agency's involvement: for the panel, the board's staff and the agency's own IMR author and senior
    manager."""
    return involvement_out(agency_status(_load(request, review_id, agency_id)))


@router.delete("/{review_id}/agencies/{agency_id}", response={204: None, **ERRORS})
def remove_agency(request, review_id: int, agency_id: int):
    """Remove an agency added by mistake. Refused (409) once it has submitted material: withdraw it instead."""
    services.involvement_remove(actor=request.user, involvement=_load(request, review_id, agency_id))
    return Status(204, None)


@router.put("/{review_id}/agencies/{agency_id}/deadlines", response={200: InvolvementOut, **ERRORS})
def set_deadlines(request, review_id: int, agency_id: int, payload: DeadlinesIn):
    """Set the agency's four deadlines: each on or after the decision, the records first and the IMR last."""
    involvement = _load(request, review_id, agency_id)
    services.involvement_set_deadlines(actor=request.user, involvement=involvement, **payload.dict())
    return involvement_out(agency_status(involvement))


@router.post("/{review_id}/agencies/{agency_id}/nominations", response={201: InvolvementOut, **ERRORS})
def nominate(request, review_id: int, agency_id: int, payload: NominationIn):
    """Nominate the agency's IMR author or senior manager by e-mail address (with a name when they are new).
    Refused (409) with the conflict named when the independence check finds one."""
    involvement = _load(request, review_id, agency_id)
    services.involvement_nominate_by_email(actor=request.user, involvement=involvement, **payload.dict())
    return Status(201, involvement_out(agency_status(involvement)))


@router.post("/{review_id}/agencies/{agency_id}/ask", response={200: InvolvementOut, **ERRORS})
def ask(request, review_id: int, agency_id: int, payload: AskIn):
    """Ask the agency to review its involvement: its IMR author and senior manager are told what and by when."""
    involvement = _load(request, review_id, agency_id)
    services.involvement_ask(actor=request.user, involvement=involvement, note=payload.note)
    return involvement_out(agency_status(involvement))


@router.post("/{review_id}/agencies/{agency_id}/withdraw", response={200: InvolvementOut, **ERRORS})
def withdraw(request, review_id: int, agency_id: int, payload: WithdrawIn):
    """Mark the agency withdrawn, with the reason."""
    involvement = _load(request, review_id, agency_id)
    services.involvement_withdraw(actor=request.user, involvement=involvement, reason=payload.reason)
    return involvement_out(agency_status(involvement))
