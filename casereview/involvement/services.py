"""The only code that writes the agencies involved: adding an agency, its deadlines, nominating its IMR author
and senior manager, asking it, withdrawing or removing it, and the daily deadline reminders."""

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casereview.accounts.models import User
from casereview.accounts.services import user_find_or_invite
from casereview.audit.services import audit_record
from casereview.chronology.models import ChronologyEntry
from casereview.core.calendar import Unit, add_working_days, deadline
from casereview.core.errors import Conflict, Invalid, NotAllowed
from casereview.core.permissions import require_or_refuse
from casereview.core.text import text_errors
from casereview.interviews.models import InvolvedWorker
from casereview.involvement.models import DEADLINE_FIELDS, DEADLINE_TASK, DEADLINE_WORK, AgencyInvolvement
from casereview.involvement.selectors import (
    NOMINATED_POSITIONS,
    board_managers_of,
    current_nomination,
    deadline_met,
    involvements_to_remind,
    nominees_of,
)
from casereview.notifications.models import Notification
from casereview.notifications.services import notify
from casereview.panel.models import Appointment, Position
from casereview.panel.services import appointment_end, appointment_make
from casereview.records.models import CaseRecord, RecordsSecured
from casereview.reviews.models import Review

# The deadlines proposed for an agency, counted from the chair's decision (the leaflet: records are secured
# as soon as a review is decided; the whole review is done within six months of the decision). Each is moved
# to the next working day. The board changes them on the agency's page.
DEFAULT_DEADLINES = {
    "records_secured_due_on": (5, Unit.WORKING_DAYS),
    "initial_report_due_on": (28, Unit.CALENDAR_DAYS),  # 4 weeks
    "chronology_due_on": (42, Unit.CALENDAR_DAYS),  # 6 weeks
    "imr_due_on": (3, Unit.MONTHS),
}
DEFAULT_DEADLINES_IN_WORDS = (
    "records secured 5 working days after it, the initial report 4 weeks after, the chronology 6 weeks after and "
    "the IMR 3 months after, each moved to the next working day"
)
# The order deadlines must keep: (later, earlier). The records are secured before anything is written from
# them; the IMR draws on the chronology and the initial report, so it comes after both. The initial report
# and the chronology may come in either order.
DEADLINE_ORDER = [
    ("initial_report_due_on", "records_secured_due_on"),
    ("chronology_due_on", "records_secured_due_on"),
    ("imr_due_on", "chronology_due_on"),
    ("imr_due_on", "initial_report_due_on"),
]
MISSING_DEADLINE = {
    "records_secured_due_on": "Enter the date the records must be secured by",
    "initial_report_due_on": "Enter the date the initial report is due",
    "chronology_due_on": "Enter the date the chronology is due",
    "imr_due_on": "Enter the date the IMR is due",
}
POSITION_WORDS = {Position.IMR_AUTHOR: "IMR author", Position.SENIOR_MANAGER: "senior manager"}


def long_date(day: date) -> str:
    """4 March 2026, as pages show dates."""
    return f"{day.day} {day:%B} {day.year}"


def _lock(involvement: AgencyInvolvement) -> None:
    """Lock the agency's row and read its state again, so that two people acting at once do not both succeed
    (both asking, or one withdrawing while the other asks)."""
    row = AgencyInvolvement.objects.select_for_update().filter(pk=involvement.pk).first()
    if row is None:
        raise Conflict(f"{involvement.agency} is no longer involved in this review")
    for name in ("asked_on", "asked_by_id", "request_note", "withdrawn_at", "withdrawn_by_id", "withdrawal_reason"):
        setattr(involvement, name, getattr(row, name))
    for name in DEADLINE_FIELDS:
        setattr(involvement, name, getattr(row, name))


def _require_active(involvement: AgencyInvolvement, what: str) -> None:
    if involvement.is_withdrawn:
        withdrawn_on = timezone.localtime(involvement.withdrawn_at).date()
        raise Conflict(
            f"{involvement.agency} was withdrawn from this review on {long_date(withdrawn_on)}: you cannot {what}"
        )


def _text_errors(name: str, value: str, model_field: str) -> dict[str, str]:
    """text_errors for one argument stored in a field of another name: the message under the argument's name."""
    message = text_errors({model_field: value}, AgencyInvolvement).get(model_field)
    return {name: message} if message else {}


def _decided_on(review: Review) -> date | None:
    decision = getattr(review, "decision", None)
    return decision.decided_on if decision is not None else None


def _json_dates(values: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in values.items()}


def _agency_link(involvement: AgencyInvolvement) -> str:
    return reverse("involvement:agency", args=[involvement.review_id, involvement.agency_id])


def _about(review: Review) -> str:
    return f"{review.reference} ({review.subject_pseudonym})"


def _notify(*, subject: str, **kwargs) -> list:
    """notify(), with the subject cut to what a notification holds (an agency's name may be long)."""
    limit = Notification._meta.get_field("subject").max_length
    if len(subject) > limit:
        subject = subject[: limit - 1].rstrip() + "…"
    return notify(subject=subject, **kwargs)


def default_deadlines(review: Review) -> dict[str, date | None]:
    """The deadlines proposed for an agency on `review`, from the decision date; None before the decision."""
    decided_on = _decided_on(review)
    return {
        name: deadline(decided_on, amount, unit) if decided_on else None
        for name, (amount, unit) in DEFAULT_DEADLINES.items()
    }


# -- Adding, deadlines ------------------------------------------------------------------------------------


@transaction.atomic
def involvement_add(*, actor, review: Review, agency) -> AgencyInvolvement:
    """Add an agency of the board to the agencies involved with the family."""
    require_or_refuse(actor, "involvement.add", review, "add agencies to this review")
    if agency is None or agency.board_id != review.board_id:
        raise Invalid("Choose an agency of this board", field="agency")
    Review.objects.select_for_update().filter(pk=review.pk).first()  # one addition at a time
    existing = AgencyInvolvement.objects.filter(review=review, agency=agency).first()
    if existing is not None:
        if existing.is_withdrawn:
            raise Conflict(f"{agency} is already on this review and was withdrawn from it", field="agency")
        raise Conflict(f"{agency} is already involved in this review", field="agency")
    try:
        with transaction.atomic():
            involvement = AgencyInvolvement.objects.create(review=review, agency=agency, added_by=actor)
    except IntegrityError:
        raise Conflict(f"{agency} is already involved in this review", field="agency") from None
    audit_record(actor=actor, action="involvement.added", obj=involvement, review=review, data={"agency": agency.pk})
    return involvement


def _deadline_errors(review: Review, values: dict[str, date | None]) -> dict[str, str]:
    errors = {}
    decided_on = _decided_on(review)
    for name in DEADLINE_FIELDS:
        label = AgencyInvolvement._meta.get_field(name).verbose_name
        value = values.get(name)
        if value is None:
            errors[name] = MISSING_DEADLINE[name]
        elif decided_on is None:
            errors[name] = "Deadlines can be set once the chair has decided to hold a review"
        elif value < decided_on:
            errors[name] = f"The {label} must be on or after the decision, {long_date(decided_on)}"
    for later, earlier in DEADLINE_ORDER:
        if later in errors or earlier in errors:
            continue
        if values[later] < values[earlier]:
            later_label = AgencyInvolvement._meta.get_field(later).verbose_name
            earlier_label = AgencyInvolvement._meta.get_field(earlier).verbose_name
            errors[later] = f"The {later_label} must be on or after the {earlier_label}, {long_date(values[earlier])}"
    return errors


def _asked_body(involvement: AgencyInvolvement, *, changed: bool = False) -> str:
    review = involvement.review
    steps = sorted(
        ((getattr(involvement, name), DEADLINE_WORK[name]) for name in DEADLINE_FIELDS),
        key=lambda step: step[0],
    )
    lines = "\n".join(f"- {work}, by {long_date(due_on)}" for due_on, work in steps)
    opening = "Its deadlines have changed. " if changed else ""
    return (
        f"{opening}{involvement.agency} is asked to review its involvement with {review.subject_pseudonym}, for the "
        f"review {review.reference}. You are nominated for {involvement.agency} on this review, as its IMR author "
        f"or as the senior manager who signs its report off.\n\n"
        f"{involvement.agency} is asked to:\n{lines}\n\n"
        f"Sign in to see what is asked and the agency's deadlines."
    )


def _tell_asked(involvement: AgencyInvolvement, users) -> None:
    """What the agency is asked and by when, to its nominees: once each, whenever they were nominated."""
    review = involvement.review
    _notify(
        users=users,
        subject=f"{_about(review)}: {involvement.agency} is asked to review its involvement",
        body=_asked_body(involvement),
        link=_agency_link(involvement),
        review=review,
        key=f"involvement-{involvement.pk}-asked",
    )


def _nominees(involvement: AgencyInvolvement) -> list[User]:
    return [user for user in nominees_of(involvement).values() if user is not None]


@transaction.atomic
def involvement_set_deadlines(
    *,
    actor,
    involvement: AgencyInvolvement,
    records_secured_due_on: date | None,
    initial_report_due_on: date | None,
    chronology_due_on: date | None,
    imr_due_on: date | None,
) -> AgencyInvolvement:
    """Set the agency's four deadlines. Each is on or after the chair's decision, and they keep their order:
    records secured first, the IMR last (see DEADLINE_ORDER). An agency already asked is told of the change."""
    require_or_refuse(actor, "involvement.manage", involvement, "set this agency's deadlines")
    _lock(involvement)
    _require_active(involvement, "change its deadlines")
    values = {
        "records_secured_due_on": records_secured_due_on,
        "initial_report_due_on": initial_report_due_on,
        "chronology_due_on": chronology_due_on,
        "imr_due_on": imr_due_on,
    }
    Invalid.check(_deadline_errors(involvement.review, values))
    before = involvement.deadlines()
    for name, value in values.items():
        setattr(involvement, name, value)
    involvement.save(update_fields=list(DEADLINE_FIELDS))
    audit_record(
        actor=actor,
        action="involvement.deadlines_set",
        obj=involvement,
        review=involvement.review,
        data={"agency": involvement.agency_id, "before": _json_dates(before), "after": _json_dates(values)},
    )
    if involvement.asked_on is not None and before != values:
        review = involvement.review
        stamp = "-".join(value.isoformat() for value in values.values())
        _notify(
            users=_nominees(involvement),
            subject=f"{_about(review)}: new deadlines for {involvement.agency}",
            body=_asked_body(involvement, changed=True),
            link=_agency_link(involvement),
            review=review,
            key=f"involvement-{involvement.pk}-deadlines-{stamp}",
        )
    return involvement


# -- Nominating -------------------------------------------------------------------------------------------


def _check_nomination(actor, involvement: AgencyInvolvement, position: str) -> None:
    if position not in NOMINATED_POSITIONS:
        if not actor.has_perm("involvement.manage", involvement):
            raise NotAllowed("You do not have permission to nominate this agency's staff")
        raise Invalid("Choose whether to nominate the IMR author or the senior manager", field="position")
    require_or_refuse(actor, "involvement.manage", involvement, "nominate this agency's staff")
    _require_active(involvement, "nominate its staff")


def involvement_nominate(*, actor, involvement: AgencyInvolvement, position: str, user) -> Appointment:
    """Nominate the agency's IMR author or the senior manager who signs its report off, as a panel appointment
    (which runs the independence check and gives access). Nominating someone else in the same position ends
    the previous appointment. Someone nominated after the agency was asked is told what is asked.

    Not one transaction: a refusal by the independence check (`IndependenceRefused`, a `Conflict` naming each
    conflict) keeps the conflicts it found, so that the board chair can override them; nothing else is changed
    by a refused nomination."""
    _check_nomination(actor, involvement, position)
    if user is None or not getattr(user, "pk", None):
        raise Invalid("Enter the email address of the person to nominate", field="email")
    words = POSITION_WORDS[position]
    other_position = next(p for p in NOMINATED_POSITIONS if p != position)
    other = current_nomination(involvement, other_position)
    if other is not None and other.user_id == user.pk:
        raise Invalid(
            f"{user} is {involvement.agency}'s {POSITION_WORDS[other_position]}: the IMR author and the senior "
            f"manager who signs the IMR off must be different people",
            field="email",
        )
    previous = current_nomination(involvement, position)
    if previous is not None and previous.user_id == user.pk:
        raise Conflict(f"{user} is already {involvement.agency}'s {words}", field="email")
    appointment = appointment_make(
        actor=actor, review=involvement.review, user=user, position=position, agency=involvement.agency
    )
    with transaction.atomic():
        if previous is not None:
            appointment_end(actor=actor, appointment=previous, reason=f"Replaced as {words} by {user}")
        audit_record(
            actor=actor,
            action="involvement.nominated",
            obj=involvement,
            review=involvement.review,
            data={
                "agency": involvement.agency_id,
                "position": str(position),
                "user": user.pk,
                "appointment": appointment.pk,
                "replaced": previous.pk if previous is not None else None,
            },
        )
        if involvement.asked_on is not None:
            _tell_asked(involvement, [user])
    return appointment


def involvement_nominate_by_email(
    *, actor, involvement: AgencyInvolvement, position: str, email: str, full_name: str = "", job_title: str = ""
) -> Appointment:
    """Nominate the person with this e-mail address, inviting them to Casereview first when they have no
    account (then their full name is needed). Someone invited stays invited if the independence check then
    refuses them: the conflicts found are theirs, for the board chair to override or not."""
    _check_nomination(actor, involvement, position)
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        user, _invited = user_find_or_invite(
            actor=actor, board=involvement.review.board, email=email, full_name=full_name, job_title=job_title
        )
    return involvement_nominate(actor=actor, involvement=involvement, position=position, user=user)


# -- Asking, withdrawing, removing ------------------------------------------------------------------------


@transaction.atomic
def involvement_ask(*, actor, involvement: AgencyInvolvement, note: str = "") -> AgencyInvolvement:
    """Record that the agency is asked to review its involvement, and tell its IMR author and senior manager
    what is asked and by when. The note stays in the application: e-mail carries no detail of the case."""
    require_or_refuse(actor, "involvement.manage", involvement, "ask this agency")
    _lock(involvement)
    _require_active(involvement, "ask it")
    note = (note or "").strip()
    Invalid.check(_text_errors("note", note, "request_note"))
    if involvement.asked_on is not None:
        raise Conflict(f"{involvement.agency} was asked on {long_date(involvement.asked_on)}")
    nominees = nominees_of(involvement)
    missing = [f"nominate its {POSITION_WORDS[p]}" for p in NOMINATED_POSITIONS if nominees[p] is None]
    if not involvement.has_deadlines:
        missing.append("set its deadlines")
    if missing:
        steps = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
        raise Conflict(f"Before asking {involvement.agency}, {steps}")
    involvement.asked_on = timezone.localdate()
    involvement.asked_by = actor
    involvement.request_note = note
    involvement.save(update_fields=["asked_on", "asked_by", "request_note"])
    audit_record(
        actor=actor,
        action="involvement.asked",
        obj=involvement,
        review=involvement.review,
        data={
            "agency": involvement.agency_id,
            "asked_on": involvement.asked_on.isoformat(),
            "note": note,
            "deadlines": _json_dates(involvement.deadlines()),
        },
    )
    _tell_asked(involvement, [user for user in nominees.values() if user is not None])
    return involvement


@transaction.atomic
def involvement_withdraw(*, actor, involvement: AgencyInvolvement, reason: str) -> AgencyInvolvement:
    """Mark the agency withdrawn, with the reason: nothing more is asked of it and reminders stop. What it
    submitted stays with the review."""
    require_or_refuse(actor, "involvement.manage", involvement, "withdraw this agency")
    _lock(involvement)
    _require_active(involvement, "withdraw it again")
    reason = (reason or "").strip()
    Invalid.check(_text_errors("reason", reason, "withdrawal_reason"))
    if not reason:
        raise Invalid("Enter the reason the agency is withdrawn", field="reason")
    involvement.withdrawn_at = timezone.now()
    involvement.withdrawn_by = actor
    involvement.withdrawal_reason = reason
    involvement.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit_record(
        actor=actor,
        action="involvement.withdrawn",
        obj=involvement,
        review=involvement.review,
        data={"agency": involvement.agency_id, "reason": reason},
    )
    if involvement.asked_on is not None:
        review = involvement.review
        _notify(
            users=_nominees(involvement),
            subject=f"{_about(review)}: {involvement.agency} is no longer asked to review its involvement",
            body=f"{involvement.agency} was withdrawn from the review {review.reference}: nothing more is asked of it "
            f"and its deadlines no longer apply. What it has already submitted stays with the review.",
            link=_agency_link(involvement),
            review=review,
            key=f"involvement-{involvement.pk}-withdrawn",
        )
    return involvement


def submitted_material(involvement: AgencyInvolvement) -> list[str]:
    """What the agency has put into the review, in words: a reason it cannot be removed, only withdrawn."""
    where = {"review_id": involvement.review_id, "agency_id": involvement.agency_id}
    material = []
    if RecordsSecured.objects.filter(**where).exists():
        material.append("its records secured confirmation")
    records = CaseRecord.objects.filter(**where).count()
    if records:
        material.append(f"{records} case record{'s' if records != 1 else ''}")
    workers = InvolvedWorker.objects.filter(**where).count()
    if workers:
        material.append(f"{workers} worker{'s' if workers != 1 else ''} listed")
    entries = ChronologyEntry.objects.filter(
        version__review_id=involvement.review_id, version__agency_id=involvement.agency_id
    )
    if entries.exists():
        material.append("its chronology")
    # Initial reports and IMRs join this list when issue 7 adds them.
    return material


@transaction.atomic
def involvement_remove(*, actor, involvement: AgencyInvolvement) -> None:
    """Take an agency added by mistake off the review, ending its nominations. Refused once the agency has
    submitted anything: it is then withdrawn, with a reason, so that what it submitted stays explained."""
    require_or_refuse(actor, "involvement.manage", involvement, "remove this agency")
    Review.objects.select_for_update().filter(pk=involvement.review_id).first()  # nothing arrives meanwhile
    _lock(involvement)
    material = submitted_material(involvement)
    if material:
        raise Conflict(
            f"{involvement.agency} has submitted material to this review ({', '.join(material)}): "
            f"mark it withdrawn, with a reason, instead"
        )
    was_asked = involvement.asked_on is not None
    nominees = _nominees(involvement)
    for position in NOMINATED_POSITIONS:
        appointment = current_nomination(involvement, position)
        if appointment is not None:
            appointment_end(actor=actor, appointment=appointment, reason="The agency was removed from the review")
    audit_record(
        actor=actor,
        action="involvement.removed",
        obj=involvement,
        review=involvement.review,
        data={"agency": involvement.agency_id, "asked_on": involvement.asked_on and involvement.asked_on.isoformat()},
    )
    if was_asked:
        review = involvement.review
        _notify(
            users=nominees,
            subject=f"{_about(review)}: {involvement.agency} is no longer asked to review its involvement",
            body=f"{involvement.agency} was taken off the review {review.reference}: nothing is asked of it.",
            review=review,
            key=f"involvement-{involvement.pk}-removed",
        )
    involvement.delete()


# -- Reminders (casereview remind) ------------------------------------------------------------------------


@dataclass
class ReminderRun:
    today: date
    reminders: int = 0
    missed: int = 0
    people: set = field(default_factory=set)

    @property
    def notices(self) -> int:
        return self.reminders + self.missed


def _reminder_text(involvement: AgencyInvolvement, name: str, due_on: date, missed: bool) -> tuple[str, str]:
    review, agency, work = involvement.review, involvement.agency, DEADLINE_WORK[name]
    if missed:
        subject = f"{_about(review)}: deadline missed: {agency} was to {DEADLINE_TASK[name]} by {long_date(due_on)}"
        body = (
            f"{agency} was asked to {work} by {long_date(due_on)}, for the review {review.reference}. "
            f"The deadline has passed and Casereview has no record of it being done."
        )
    else:
        subject = f"{_about(review)}: {agency} is to {DEADLINE_TASK[name]} by {long_date(due_on)}"
        body = f"A reminder: {agency} is asked to {work} by {long_date(due_on)}, for the review {review.reference}."
    return subject, body + "\n\nSign in to see the agency's page."


def reminders_send(*, today: date, working_days: int) -> ReminderRun:
    """For every agency asked on a held review: a reminder `working_days` working days (or fewer) before each
    deadline not yet met, and a notice once it is missed (to the board managers too). Each goes once: the
    notification key names the deadline and its date, so a moved deadline is reminded of again."""
    run = ReminderRun(today)
    remind_from = add_working_days(today, working_days)
    for involvement in involvements_to_remind():
        for name in DEADLINE_FIELDS:
            due_on = getattr(involvement, name)
            if due_on is None or due_on > remind_from:  # not yet within the reminder's working days
                continue
            if deadline_met(involvement, name) is not None:
                continue
            missed = today > due_on
            kind = "missed" if missed else "reminder"
            with transaction.atomic():
                users = _nominees(involvement)
                if missed:
                    users += board_managers_of(involvement.review.board)
                subject, body = _reminder_text(involvement, name, due_on, missed)
                made = _notify(
                    users=users,
                    subject=subject,
                    body=body,
                    link=_agency_link(involvement),
                    review=involvement.review,
                    key=f"involvement-{involvement.pk}-{name}-{due_on.isoformat()}-{kind}",
                )
            if made:
                if missed:
                    run.missed += 1
                else:
                    run.reminders += 1
                run.people |= {notification.user_id for notification in made}
    return run
