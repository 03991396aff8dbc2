"""The only code that writes the panel: appointments and the memberships they grant, seat gaps, declarations,
and the independence conflicts the check finds, raised to the board managers and overridden by the board chair."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casereview.accounts.models import Agency, Membership, Role, User
from casereview.accounts.services import membership_grant, membership_revoke, user_find_or_invite
from casereview.audit.services import audit_record
from casereview.core.errors import Conflict, Invalid, NotAllowed
from casereview.core.permissions import require_or_refuse
from casereview.core.text import text_errors
from casereview.notifications.services import notify
from casereview.panel.independence import Finding, independence_findings, known_about
from casereview.panel.models import (
    AGENCY_REQUIRED,
    AGENCY_STAFF_POSITIONS,
    DECLARING_POSITIONS,
    PANEL_POSITIONS,
    POSITION_ROLES,
    SINGLE_POSITIONS,
    Appointment,
    ConflictSource,
    Declaration,
    IndependenceConflict,
    Position,
    SeatGap,
)
from casereview.panel.selectors import seat_of, seat_status
from casereview.reviews.models import Review


class IndependenceRefused(Conflict):
    """An appointment refused because the independence check found conflicts no one has resolved. They stay
    recorded (`conflicts`), so the board chair can override them and the appointment be made again."""

    def __init__(self, user, conflicts: list[IndependenceConflict]):
        self.conflicts = list(conflicts)
        self.lead = (
            f"{user} cannot be appointed: the independence check found {_count(len(self.conflicts))}. "
            "The board chair may override each conflict with a reason"
        )
        named = " ".join(f"{conflict.description}." for conflict in self.conflicts)
        super().__init__(f"{self.lead}. {named}", field="user")


def _count(number: int) -> str:
    return "a conflict" if number == 1 else f"{number} conflicts"


def _label(position: str) -> str:
    return Position(position).label.lower()


def _lock(review: Review) -> None:
    """One change to a review's panel at a time (SQLite's IMMEDIATE transactions already serialise writers)."""
    Review.objects.select_for_update().filter(pk=review.pk).first()


# -- Conflicts ------------------------------------------------------------------------------------------------


def _record_findings(*, actor, review: Review, user, findings: list[Finding]) -> list[IndependenceConflict]:
    """Keep what the check found about `user`: a new finding is added, one found again after it cleared is
    opened again, one no longer found is marked cleared. Returns the conflicts found (again) by this check."""
    now = timezone.now()
    existing = {conflict.key: conflict for conflict in IndependenceConflict.objects.filter(review=review, user=user)}
    found = []
    for finding in findings:
        conflict = existing.get(finding.key)
        if conflict is None:
            conflict = IndependenceConflict.objects.create(
                review=review,
                user=user,
                source=finding.source,
                key=finding.key,
                description=finding.description,
                found_at=now,
            )
        elif conflict.cleared_at is not None:
            conflict.cleared_at, conflict.raised_at, conflict.found_at = None, None, now
            conflict.description = finding.description
            conflict.save(update_fields=["cleared_at", "raised_at", "found_at", "description"])
        else:
            if conflict.description != finding.description:  # an agency renamed, a pseudonym changed
                conflict.description = finding.description
                conflict.save(update_fields=["description"])
            continue
        found.append(conflict)
        audit_record(
            actor=actor,
            action="independence.conflict_found",
            obj=conflict,
            review=review,
            data={"user": user.pk, "source": conflict.source, "key": conflict.key},
        )
    keys = {finding.key for finding in findings}
    for conflict in existing.values():
        if conflict.key not in keys and conflict.cleared_at is None:
            conflict.cleared_at = now
            conflict.save(update_fields=["cleared_at"])
            audit_record(
                actor=actor,
                action="independence.conflict_cleared",
                obj=conflict,
                review=review,
                data={"user": user.pk, "key": conflict.key},
            )
    return found


def _board_managers(review: Review):
    return User.objects.filter(
        is_active=True,
        memberships__board_id=review.board_id,
        memberships__role=Role.BOARD_MANAGER,
        memberships__review__isnull=True,
        memberships__agency__isnull=True,
    ).distinct()


def _raise(review: Review, conflicts: Iterable[IndependenceConflict]) -> None:
    """Tell the board managers of each conflict, once. E-mail is not a safe channel: the message names the
    review by reference and pseudonym and the source plainly, never the person or a name from the register."""
    conflicts = [conflict for conflict in conflicts if conflict.is_unresolved]
    if not conflicts:
        return
    managers = list(_board_managers(review))
    link = reverse("panel:panel", args=[review.pk])
    now = timezone.now()
    for conflict in conflicts:
        notify(
            users=managers,
            subject=f"{review.reference}: possible conflict of interest found",
            body=(
                f"The independence check found a possible conflict of interest for someone on, or proposed for, "
                f"review {review.reference} ({review.subject_pseudonym}).\n\n"
                f"{ConflictSource(conflict.source).label}: {conflict.description}.\n\n"
                "Open the panel page to see who it concerns. Set-up cannot be completed until the appointment is "
                "ended or the board chair overrides the conflict with a reason."
            ),
            link=link,
            review=review,
            key=f"panel.conflict:{conflict.pk}:{conflict.found_at:%Y%m%d%H%M%S%f}",
        )
        conflict.raised_at = now
        conflict.save(update_fields=["raised_at"])


def _unresolved(review: Review, user) -> list[IndependenceConflict]:
    return list(
        IndependenceConflict.objects.filter(
            review=review, user=user, cleared_at__isnull=True, overridden_at__isnull=True
        ).order_by("found_at", "pk")
    )


@transaction.atomic
def independence_recheck(*, review: Review) -> list[IndependenceConflict]:
    """Run the independence check again for everyone holding a declaring position on the review: record what is
    new, mark cleared what is no longer found, and raise each new conflict to the board managers. Called after
    the people register or the workers listed change. Returns the new unresolved conflicts."""
    user_ids = (
        Appointment.objects.filter(review=review, position__in=DECLARING_POSITIONS, ended_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    if not user_ids:
        return []
    _lock(review)
    found = []
    known = known_about(review)
    for user in User.objects.filter(pk__in=list(user_ids)).order_by("pk"):
        findings = independence_findings(review, user, known)
        found += _record_findings(actor=None, review=review, user=user, findings=findings)
    new = [conflict for conflict in found if conflict.is_unresolved]
    _raise(review, new)
    return new


@transaction.atomic
def conflict_override(*, actor, conflict: IndependenceConflict, reason: str) -> IndependenceConflict:
    """The board chair accepts a conflict, with the reason recorded: it no longer blocks the appointment."""
    review = conflict.review
    require_or_refuse(actor, "panel.override", review, "override this conflict")
    reason = (reason or "").strip()
    Invalid.check(text_errors({"reason": reason}))
    if not reason:
        raise Invalid("Enter why the conflict does not stop them taking part", field="reason")
    conflict = IndependenceConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.overridden_at is not None:
        raise Conflict("This conflict has already been overridden", field="reason")
    if conflict.cleared_at is not None:
        raise Conflict("The check no longer finds this conflict: there is nothing to override", field="reason")
    conflict.overridden_by, conflict.overridden_at, conflict.override_reason = actor, timezone.now(), reason
    conflict.save(update_fields=["overridden_by", "overridden_at", "override_reason"])
    audit_record(
        actor=actor,
        action="independence.conflict_overridden",
        obj=conflict,
        review=review,
        data={"user": conflict.user_id, "key": conflict.key},
    )
    return conflict


# -- Appointments ---------------------------------------------------------------------------------------------


def _check_position(actor, review: Review, position: str, agency: Agency | None) -> None:
    """What an appointment needs whoever it is for: the permission, a position, the agency where one is needed."""
    if position not in Position.values:
        if not (actor.has_perm("panel.appoint", review) or actor.has_perm("panel.appoint_agency_staff", review)):
            raise NotAllowed("You do not have permission to appoint to this review")
        raise Invalid("Choose the position", field="position")
    perm = "panel.appoint_agency_staff" if position in AGENCY_STAFF_POSITIONS else "panel.appoint"
    require_or_refuse(actor, perm, review, f"appoint a {_label(position)} to this review")
    if agency is None and position in AGENCY_REQUIRED:
        what = "they represent" if position == Position.AGENCY_REPRESENTATIVE else "they work for"
        raise Invalid(f"Choose the agency {what}", field="agency")
    if agency is not None and agency.board_id != review.board_id:
        raise Invalid("Choose an agency of this board", field="agency")


def _grant(review: Review, user, position: str, agency: Agency | None) -> Membership:
    """The membership the position gives, or the same one the user already holds and no appointment claims."""
    role = POSITION_ROLES[Position(position)]
    agency = agency if position in AGENCY_STAFF_POSITIONS else None
    held = Membership.objects.filter(user=user, role=role, board=review.board, review=review, agency=agency).first()
    if held is not None:
        if Appointment.objects.filter(membership=held).exists():
            raise Conflict(f"{user} already holds this role on the review", field="user")
        return held
    return membership_grant(actor=None, user=user, role=role, board=review.board, agency=agency, review=review)


def appointment_make(*, actor, review: Review, user, position: str, agency: Agency | None = None) -> Appointment:
    """Appoint `user` to `position` on the review and grant the membership it gives. For the positions that
    declare, the independence check runs first; a conflict not yet overridden refuses the appointment with
    `IndependenceRefused` (a `Conflict`, field "user") naming each one.

    The conflicts found are committed before the refusal is raised, so that the board chair can override them:
    call this outside a transaction of your own (or catch `IndependenceRefused` in it) for them to stay."""
    with transaction.atomic():
        appointment, refused = _appointment_make(
            actor=actor, review=review, user=user, position=position, agency=agency
        )
    if refused:
        raise IndependenceRefused(user, refused)
    return appointment


def _appointment_make(*, actor, review, user, position, agency):
    _check_position(actor, review, position, agency)
    if user is None or not getattr(user, "pk", None) or not user.is_active:
        raise Invalid("Choose the person to appoint", field="user")
    _lock(review)
    active = Appointment.objects.filter(review=review, ended_at__isnull=True).select_related("user")
    if active.filter(user=user, position=position).exists():
        raise Conflict(f"{user} is already the {_label(position)} of this review", field="user")
    if position in PANEL_POSITIONS:
        held = active.filter(user=user, position__in=PANEL_POSITIONS).first()
        if held is not None:
            raise Conflict(
                f"{user} is already on the panel as {_label(held.position)}: end that appointment first",
                field="user",
            )
    if position in SINGLE_POSITIONS:
        holder = active.filter(position=position).first()
        if holder is not None:
            raise Conflict(
                f"{holder.user} is already the {_label(position)} of this review: end their appointment first",
                field="position",
            )
    if position in DECLARING_POSITIONS:
        found = _record_findings(actor=actor, review=review, user=user, findings=independence_findings(review, user))
        unresolved = _unresolved(review, user)
        if unresolved:
            _raise(review, found)
            return None, unresolved
    membership = _grant(review, user, position, agency)
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                review=review, user=user, position=position, agency=agency, membership=membership, appointed_by=actor
            )
    except IntegrityError:
        raise Conflict(f"{user} is already the {_label(position)} of this review", field="user") from None
    audit_record(
        actor=actor,
        action="appointment.made",
        obj=appointment,
        review=review,
        data={"user": user.pk, "position": position, "agency": getattr(agency, "pk", None)},
    )
    return appointment, []


def appointment_make_by_email(
    *,
    actor,
    review: Review,
    email: str,
    full_name: str = "",
    job_title: str = "",
    position: str,
    agency: Agency | None = None,
) -> Appointment:
    """Appoint the person with this email address, inviting them to Casereview first if they have no account
    (then their full name is needed). Refused like `appointment_make`."""
    _check_position(actor, review, position, agency)
    Invalid.check(text_errors({"email": email, "full_name": full_name, "job_title": job_title}, User))
    known = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if known is not None and not (full_name or "").strip():
        full_name = known.full_name  # an existing account keeps its own name: none need be typed
    user, _invited = user_find_or_invite(
        actor=actor, board=review.board, email=email, full_name=full_name, job_title=job_title
    )
    return appointment_make(actor=actor, review=review, user=user, position=position, agency=agency)


@transaction.atomic
def appointment_end(*, actor, appointment: Appointment, reason: str) -> Appointment:
    """End an appointment: the membership it gave is revoked; the appointment stays as history."""
    require_or_refuse(actor, "panel.end_appointment", appointment, "end this appointment")
    reason = (reason or "").strip()
    Invalid.check(text_errors({"reason": reason}))
    if not reason:
        raise Invalid("Enter why the appointment ends", field="reason")
    _lock(appointment.review)
    appointment = Appointment.objects.select_related("review", "user", "membership").get(pk=appointment.pk)
    if appointment.ended_at is not None:
        raise Conflict("This appointment has already ended", field="reason")
    membership = appointment.membership
    appointment.ended_at, appointment.ended_by, appointment.end_reason = timezone.now(), actor, reason
    appointment.membership = None
    appointment.save(update_fields=["ended_at", "ended_by", "end_reason", "membership"])
    if membership is not None:
        membership_revoke(actor=None, membership=membership)
    audit_record(
        actor=actor,
        action="appointment.ended",
        obj=appointment,
        review=appointment.review,
        data={"user": appointment.user_id, "position": appointment.position},
    )
    return appointment


# -- Seats and declarations -----------------------------------------------------------------------------------


@transaction.atomic
def seat_gap_record(*, actor, review: Review, seat: str, reason: str) -> SeatGap:
    """Record why a seat of the panel's required composition is not filled."""
    require_or_refuse(actor, "panel.appoint", review, "record gaps in this review's panel")
    seat, reason = (seat or "").strip(), (reason or "").strip()
    errors = text_errors({"seat": seat, "reason": reason}, SeatGap)
    required = seat_of(review, seat)
    if "seat" not in errors and required is None:
        errors["seat"] = "Choose the seat that is not filled"
    if "reason" not in errors and not reason:
        errors["reason"] = "Enter why the seat is not filled"
    Invalid.check(errors)
    _lock(review)
    if seat_status(review, required).appointments:
        raise Conflict(
            f"The {required['label']} seat is filled: end the appointment first if it is empty", field="seat"
        )
    gap = SeatGap.objects.create(review=review, seat=seat, reason=reason, recorded_by=actor)
    audit_record(actor=actor, action="seat_gap.recorded", obj=gap, review=review, data={"seat": seat})
    return gap


DECLARATION_QUESTIONS = {
    "not_involved": "Select yes if you were involved in the case",
    "no_management_responsibility": "Select yes if you had direct management responsibility for any aspect of the case",
    "independent_of_workers": "Select yes if you are independent of the workers involved",
}


@transaction.atomic
def declaration_make(
    *,
    actor,
    review: Review,
    not_involved: bool | None,
    no_management_responsibility: bool | None,
    independent_of_workers: bool | None,
    knowledge_and_experience: str,
    details: str = "",
) -> Declaration:
    """An appointee declares their independence. A "no" is a conflict, raised to the board managers."""
    require_or_refuse(actor, "panel.declare", review, "make a declaration on this review")
    knowledge_and_experience = (knowledge_and_experience or "").strip()
    details = (details or "").strip()
    answers = {
        "not_involved": not_involved,
        "no_management_responsibility": no_management_responsibility,
        "independent_of_workers": independent_of_workers,
    }
    errors = {
        field: message for field, message in DECLARATION_QUESTIONS.items() if not isinstance(answers[field], bool)
    }
    errors |= text_errors({"knowledge_and_experience": knowledge_and_experience, "details": details}, Declaration)
    if "knowledge_and_experience" not in errors and not knowledge_and_experience:
        errors["knowledge_and_experience"] = "Describe your child protection knowledge and experience"
    if "details" not in errors and not details and any(answer is False for answer in answers.values()):
        errors["details"] = "Give details of your involvement, responsibility or link to the workers"
    Invalid.check(errors)
    _lock(review)
    declaration = Declaration.objects.create(
        review=review,
        user=actor,
        knowledge_and_experience=knowledge_and_experience,
        details=details,
        **answers,
    )
    audit_record(actor=actor, action="declaration.made", obj=declaration, review=review, data=answers)
    found = _record_findings(actor=actor, review=review, user=actor, findings=independence_findings(review, actor))
    _raise(review, found)
    return declaration
