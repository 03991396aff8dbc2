"""API operations on the panel: read it; appoint and end; record a seat gap; declare; override a conflict."""

from datetime import datetime

from django.http import Http404
from ninja import Router, Schema, Status

from casereview.accounts.models import Agency
from casereview.core.errors import Invalid
from casereview.core.schemas import ERRORS, StrictIn
from casereview.panel import services
from casereview.panel.models import Appointment, ConflictSource, Declaration, IndependenceConflict, Position
from casereview.panel.selectors import (
    appointable_user,
    appointment_for_user_or_404,
    conflict_for_user_or_404,
    panel_for_user_or_404,
)
from casereview.reviews.selectors import review_for_user_or_404

router = Router(tags=["Panel and independence"])


class AppointmentIn(StrictIn):
    """Name the person by `user_id` (someone with a role on the board) or by `email` (invited if new, with
    `full_name`)."""

    user_id: int | None = None
    email: str = ""
    full_name: str = ""
    job_title: str = ""
    position: Position
    agency_id: int | None = None


class ReasonIn(StrictIn):
    reason: str


class SeatGapIn(StrictIn):
    seat: str
    reason: str


class DeclarationIn(StrictIn):
    not_involved: bool
    no_management_responsibility: bool
    independent_of_workers: bool
    knowledge_and_experience: str
    details: str = ""


class DeclarationOut(Schema):
    id: int
    user_id: int
    not_involved: bool
    no_management_responsibility: bool
    independent_of_workers: bool
    declared_at: datetime


class AppointmentOut(Schema):
    id: int
    user_id: int
    user_name: str
    position: Position
    agency_id: int | None
    appointed_by: str
    appointed_at: datetime
    ended_at: datetime | None
    end_reason: str
    declaration: DeclarationOut | None
    unresolved_conflicts: int


class SeatOut(Schema):
    code: str
    label: str
    status: str
    appointment_ids: list[int]
    gap_reason: str


class ConflictOut(Schema):
    id: int
    user_id: int
    user_name: str
    source: ConflictSource
    key: str
    description: str
    found_at: datetime
    cleared_at: datetime | None
    overridden_by: str | None
    overridden_at: datetime | None
    override_reason: str
    unresolved: bool


class SeatGapOut(Schema):
    id: int
    seat: str
    reason: str
    recorded_by: str
    recorded_at: datetime


class PanelOut(Schema):
    composition: list[SeatOut]
    appointments: list[AppointmentOut]
    conflicts: list[ConflictOut]


def declaration_out(declaration: Declaration | None) -> dict | None:
    if declaration is None:
        return None
    return {
        "id": declaration.pk,
        "user_id": declaration.user_id,
        "not_involved": declaration.not_involved,
        "no_management_responsibility": declaration.no_management_responsibility,
        "independent_of_workers": declaration.independent_of_workers,
        "declared_at": declaration.declared_at,
    }


def appointment_out(appointment: Appointment, declarations: dict | None = None, unresolved: int = 0) -> dict:
    return {
        "id": appointment.pk,
        "user_id": appointment.user_id,
        "user_name": str(appointment.user),
        "position": appointment.position,
        "agency_id": appointment.agency_id,
        "appointed_by": str(appointment.appointed_by),
        "appointed_at": appointment.appointed_at,
        "ended_at": appointment.ended_at,
        "end_reason": appointment.end_reason,
        "declaration": declaration_out((declarations or {}).get(appointment.user_id)) if appointment.declares else None,
        "unresolved_conflicts": unresolved,
    }


def conflict_out(conflict: IndependenceConflict) -> dict:
    return {
        "id": conflict.pk,
        "user_id": conflict.user_id,
        "user_name": str(conflict.user),
        "source": conflict.source,
        "key": conflict.key,
        "description": conflict.description,
        "found_at": conflict.found_at,
        "cleared_at": conflict.cleared_at,
        "overridden_by": str(conflict.overridden_by) if conflict.overridden_by_id else None,
        "overridden_at": conflict.overridden_at,
        "override_reason": conflict.override_reason,
        "unresolved": conflict.is_unresolved,
    }


def _agency(review, agency_id: int | None) -> Agency | None:
    if agency_id is None:
        return None
    agency = Agency.objects.filter(pk=agency_id, board_id=review.board_id).first()
    if agency is None:
        raise Invalid("Choose an agency of this board", field="agency_id")
    return agency


@router.get("/{review_id}/panel", response={200: PanelOut, **ERRORS})
def get_panel(request, review_id: int):
    """The required composition (each seat filled, with a gap recorded, or not filled), the active
    appointments with their declarations, and every conflict found (unresolved first)."""
    review = review_for_user_or_404(request.user, review_id)
    panel = panel_for_user_or_404(request.user, review)
    return {
        "composition": [
            {
                "code": seat.code,
                "label": seat.label,
                "status": seat.status,
                "appointment_ids": [a.pk for a in seat.appointments],
                "gap_reason": seat.gap.reason if seat.gap else "",
            }
            for seat in panel.seats
        ],
        "appointments": [
            appointment_out(a, panel.declarations, len(a.unresolved_conflicts))
            for a in [*panel.members, *panel.agency_staff]
        ],
        "conflicts": [conflict_out(c) for c in panel.conflicts],
    }


@router.post("/{review_id}/panel/appointments", response={201: AppointmentOut, **ERRORS})
def make_appointment(request, review_id: int, payload: AppointmentIn):
    """Appoint someone. Refused with 409 naming each conflict when the independence check finds one that the
    board chair has not overridden; the conflicts stay recorded for the chair."""
    review = review_for_user_or_404(request.user, review_id)
    if not (
        request.user.has_perm("panel.appoint", review) or request.user.has_perm("panel.appoint_agency_staff", review)
    ):
        raise Http404("No such review")  # before the agency or the person is looked up: refused looks like missing
    agency = _agency(review, payload.agency_id)
    if payload.user_id is not None:
        user = appointable_user(review, payload.user_id)
        if user is None:
            raise Invalid("Choose someone with a role on this board, or give their email address", field="user_id")
        appointment = services.appointment_make(
            actor=request.user, review=review, user=user, position=payload.position, agency=agency
        )
    else:
        appointment = services.appointment_make_by_email(
            actor=request.user,
            review=review,
            email=payload.email,
            full_name=payload.full_name,
            job_title=payload.job_title,
            position=payload.position,
            agency=agency,
        )
    return Status(201, appointment_out(appointment))


@router.post("/{review_id}/panel/appointments/{appointment_id}/end", response={200: AppointmentOut, **ERRORS})
def end_appointment(request, review_id: int, appointment_id: int, payload: ReasonIn):
    """End an appointment, with the reason. Its membership is revoked; the appointment is kept."""
    review = review_for_user_or_404(request.user, review_id)
    appointment = appointment_for_user_or_404(request.user, review, appointment_id)
    ended = services.appointment_end(actor=request.user, appointment=appointment, reason=payload.reason)
    return appointment_out(ended)


@router.post("/{review_id}/panel/gaps", response={201: SeatGapOut, **ERRORS})
def record_seat_gap(request, review_id: int, payload: SeatGapIn):
    """Record why a seat of the required composition is not filled (`seat` is its code)."""
    review = review_for_user_or_404(request.user, review_id)
    gap = services.seat_gap_record(actor=request.user, review=review, seat=payload.seat, reason=payload.reason)
    return Status(
        201,
        {
            "id": gap.pk,
            "seat": gap.seat,
            "reason": gap.reason,
            "recorded_by": str(gap.recorded_by),
            "recorded_at": gap.recorded_at,
        },
    )


@router.post("/{review_id}/declaration", response={201: DeclarationOut, **ERRORS})
def make_declaration(request, review_id: int, payload: DeclarationIn):
    """The caller's own declaration of independence. A false answer is a conflict, raised to the board managers."""
    review = review_for_user_or_404(request.user, review_id)
    declaration = services.declaration_make(actor=request.user, review=review, **payload.dict())
    return Status(201, declaration_out(declaration))


@router.post("/{review_id}/panel/conflicts/{conflict_id}/override", response={200: ConflictOut, **ERRORS})
def override_conflict(request, review_id: int, conflict_id: int, payload: ReasonIn):
    """The board chair overrides a conflict with the reason recorded."""
    review = review_for_user_or_404(request.user, review_id)
    conflict = conflict_for_user_or_404(request.user, review, conflict_id)
    return conflict_out(services.conflict_override(actor=request.user, conflict=conflict, reason=payload.reason))
