"""The only ways to load the panel: its composition against the required seats, appointments, declarations and
conflicts, and what set-up still misses. Scoped loaders answer "not allowed" like "not found"."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from casereview.accounts.models import User
from casereview.core.permissions import require_or_404
from casereview.panel.models import (
    AGENCY_STAFF_POSITIONS,
    DECLARING_POSITIONS,
    Appointment,
    ConflictSource,
    Declaration,
    IndependenceConflict,
    Position,
    SeatGap,
)
from casereview.reviews.models import Review

FILLED, GAP, UNFILLED = "filled", "gap", "unfilled"


@dataclass
class SeatStatus:
    """One seat of the required composition: who fills it, or why it is not filled."""

    code: str
    label: str
    appointments: list[Appointment] = field(default_factory=list)
    gap: SeatGap | None = None

    @property
    def status(self) -> str:
        if self.appointments:
            return FILLED
        return GAP if self.gap is not None else UNFILLED


def required_seats(review: Review) -> list[dict]:
    return list(review.review_type.panel_seats or [])


def seat_of(review: Review, code: str) -> dict | None:
    return next((seat for seat in required_seats(review) if seat.get("code") == code), None)


def fills(seat: dict, appointment: Appointment) -> bool:
    """A seat named by position is filled by that position; one named by agency kinds by a representative of
    an agency of one of those kinds."""
    if seat.get("position"):
        return appointment.position == seat["position"]
    return (
        appointment.position == Position.AGENCY_REPRESENTATIVE
        and appointment.agency is not None
        and appointment.agency.kind in (seat.get("agency_kinds") or [])
    )


def active_appointments(review: Review) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(review=review, ended_at__isnull=True)
        .select_related("user", "agency", "appointed_by")
        .order_by("appointed_at", "pk")
    )


def _latest_gaps(review: Review) -> dict[str, SeatGap]:
    return {gap.seat: gap for gap in SeatGap.objects.filter(review=review).select_related("recorded_by")}


def seat_status(review: Review, seat: dict, appointments=None, gaps=None) -> SeatStatus:
    appointments = list(active_appointments(review)) if appointments is None else appointments
    gaps = _latest_gaps(review) if gaps is None else gaps
    return SeatStatus(
        code=seat["code"],
        label=seat.get("label", seat["code"]),
        appointments=[appointment for appointment in appointments if fills(seat, appointment)],
        gap=gaps.get(seat["code"]),
    )


def composition(review: Review) -> list[SeatStatus]:
    """Each required seat of the review's panel, in the review type's order."""
    appointments, gaps = list(active_appointments(review)), _latest_gaps(review)
    return [seat_status(review, seat, appointments, gaps) for seat in required_seats(review)]


def latest_declarations(review: Review) -> dict[int, Declaration]:
    """Each user's latest declaration on the review, by user id."""
    latest = {}
    for declaration in Declaration.objects.filter(review=review).order_by("declared_at", "pk"):
        latest[declaration.user_id] = declaration
    return latest


def declaring_appointments(review: Review) -> list[Appointment]:
    return [a for a in active_appointments(review) if a.position in DECLARING_POSITIONS]


def declaration_statuses(review: Review) -> dict[int, Declaration | None]:
    """Each declaring appointee (by user id) with their latest declaration, or None if they have not declared."""
    latest = latest_declarations(review)
    return {a.user_id: latest.get(a.user_id) for a in declaring_appointments(review)}


def conflicts_of(review: Review) -> list[IndependenceConflict]:
    """Every conflict found on the review: unresolved first, then overridden, then cleared; oldest first."""
    conflicts = IndependenceConflict.objects.filter(review=review).select_related("user", "overridden_by")
    rank = lambda c: (0 if c.is_unresolved else 1 if c.overridden_at else 2, c.found_at, c.pk)  # noqa: E731
    return sorted(conflicts, key=rank)


def unresolved_conflicts_of_appointees(review: Review) -> list[IndependenceConflict]:
    """Unresolved conflicts of people holding a declaring position: what stops set-up being completed.
    (Those of someone refused an appointment block only that appointment.)"""
    user_ids = {a.user_id for a in declaring_appointments(review)}
    return [c for c in conflicts_of(review) if c.is_unresolved and c.user_id in user_ids]


def set_up_missing(review: Review) -> list[tuple[str, str]]:
    """What the panel still needs before set-up is complete: (plain words, URL name of the page that puts it
    right; each takes the review's pk). Empty when nothing is missing."""
    missing = []
    for seat in composition(review):
        if seat.status == UNFILLED:
            missing.append((f"Fill the {seat.label} seat on the panel, or record why it is not filled", "panel:panel"))
    positions = {a.position for a in active_appointments(review)}
    if Position.PANEL_CHAIR not in positions:
        missing.append(("Appoint a panel chair", "panel:appoint"))
    if Position.LEAD_REVIEWER not in positions:
        missing.append(("Appoint a lead reviewer", "panel:appoint"))
    latest = latest_declarations(review)
    waiting = {a.user_id: a.user for a in declaring_appointments(review) if a.user_id not in latest}
    for user in waiting.values():
        missing.append((f"{user} has not made their independence declaration", "panel:panel"))
    for conflict in unresolved_conflicts_of_appointees(review):
        missing.append(
            (f"Resolve the conflict found for {conflict.user}: {conflict.description.rstrip('.')}", "panel:panel")
        )
    return missing


@dataclass
class Panel:
    """Everything the panel page and the API show of one review's panel."""

    review: Review
    seats: list[SeatStatus]
    members: list[Appointment]  # the panel's positions and the lead reviewer
    agency_staff: list[Appointment]  # IMR authors and senior managers
    ended: list[Appointment]
    conflicts: list[IndependenceConflict]
    declarations: dict[int, Declaration]

    @property
    def unresolved(self) -> list[IndependenceConflict]:
        return [conflict for conflict in self.conflicts if conflict.is_unresolved]

    @property
    def overridden(self) -> list[IndependenceConflict]:
        return [conflict for conflict in self.conflicts if conflict.overridden_at is not None]

    @property
    def cleared(self) -> list[IndependenceConflict]:
        return [
            conflict for conflict in self.conflicts if conflict.cleared_at is not None and not conflict.overridden_at
        ]


def panel_for_user_or_404(user, review: Review) -> Panel:
    require_or_404(user, "panel.view_panel", review)
    appointments = list(active_appointments(review))
    declarations = latest_declarations(review)
    conflicts = conflicts_of(review)
    for appointment in appointments:
        appointment.declaration = declarations.get(appointment.user_id) if appointment.declares else None
        appointment.unresolved_conflicts = [
            c for c in conflicts if c.user_id == appointment.user_id and c.is_unresolved
        ]
    ended = (
        Appointment.objects.filter(review=review, ended_at__isnull=False)
        .select_related("user", "agency", "ended_by")
        .order_by("-ended_at", "-pk")
    )
    return Panel(
        review=review,
        seats=composition(review),
        members=[a for a in appointments if a.position not in AGENCY_STAFF_POSITIONS],
        agency_staff=[a for a in appointments if a.position in AGENCY_STAFF_POSITIONS],
        ended=list(ended),
        conflicts=conflicts,
        declarations=declarations,
    )


def appointment_for_user_or_404(user, review: Review, pk) -> Appointment:
    require_or_404(user, "panel.view_panel", review)
    try:
        return Appointment.objects.select_related("review", "user", "agency", "membership").get(pk=pk, review=review)
    except (Appointment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such appointment") from None


def conflict_for_user_or_404(user, review: Review, pk) -> IndependenceConflict:
    require_or_404(user, "panel.view_panel", review)
    try:
        return IndependenceConflict.objects.select_related("review", "user").get(pk=pk, review=review)
    except (IndependenceConflict.DoesNotExist, ValueError, TypeError):
        raise Http404("No such conflict") from None


def declaration_behind(conflict: IndependenceConflict) -> Declaration | None:
    """The declaration a declaration conflict was found in (its key is "declaration:<pk>:<answer>")."""
    if conflict.source != ConflictSource.DECLARATION:
        return None
    pk = conflict.key.split(":")[1]
    return Declaration.objects.filter(pk=pk, review_id=conflict.review_id, user_id=conflict.user_id).first()


def my_declarations(user, review: Review) -> list[Declaration]:
    """The user's own declarations on the review, newest first."""
    return list(Declaration.objects.filter(review=review, user=user).order_by("-declared_at", "-pk"))


def appointable_user(review: Review, pk) -> User | None:
    """An active user the board knows, by id: the API's way of naming someone. Known means holding a role on
    the review's board, or having been appointed to, or checked for, this review."""
    try:
        user = User.objects.filter(pk=pk, is_active=True).first()
    except (ValueError, TypeError):
        return None
    if user is None:
        return None
    known = (
        user.memberships.filter(board_id=review.board_id).exists()
        or Appointment.objects.filter(review=review, user=user).exists()
        or IndependenceConflict.objects.filter(review=review, user=user).exists()
    )
    return user if known else None
