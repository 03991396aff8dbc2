"""The only code that writes terms of reference (a new version per change, the panel's agreement of one) and the
panel's meetings (details, attendance, actions). Each checks the rules, refuses bad input whole, and audits."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from casereview.accounts.models import Agency, User
from casereview.audit.services import audit_record
from casereview.core.errors import Conflict, Invalid
from casereview.core.permissions import require_or_refuse
from casereview.core.text import text_errors
from casereview.planning.difference import Snapshot, long_date, terms_difference
from casereview.planning.models import (
    Attendance,
    Meeting,
    MeetingAction,
    MeetingAttendance,
    Milestone,
    TermsAgreement,
    TermsOfReference,
)
from casereview.planning.selectors import (
    action_owner_choices,
    decision_date,
    latest_terms,
    meeting_attendees,
    snapshot,
)
from casereview.reviews.models import Review

MAX_LINES_OF_ENQUIRY = 50
MAX_LINE_LENGTH = 500
MAX_MILESTONES = 40
MAX_OTHERS_ATTENDING = 30
MAX_OTHER_LENGTH = 200
LARGEST_ID = 2**63 - 1  # ids beyond what the database holds are refused, not looked up


def _lock(review: Review) -> None:
    """One writer at a time per review: version numbers and agreements are decided under this lock."""
    Review.objects.select_for_update().filter(pk=review.pk).first()


def clean_lines(value: str | Iterable[str] | None) -> list[str]:
    """Text with one item per line (or a list of them, whose items may hold line breaks too), without blanks."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else [str(item) for item in value]
    return [line.strip() for item in items for line in item.splitlines() if line.strip()]


def _today() -> date:
    return timezone.localdate()


# -- Terms of reference ------------------------------------------------------------------------------------


def _agency_ids(agencies: Iterable) -> tuple[set[int], bool]:
    """The ids asked for, and whether every one of them could be an id at all."""
    ids, sound = set(), True
    for agency in agencies or ():
        pk = agency.pk if isinstance(agency, Agency) else agency
        if isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk <= LARGEST_ID:
            ids.add(pk)
        else:
            sound = False
    return ids, sound


def _clean_milestones(
    milestones: Sequence[tuple[str, date | None]], decided: date | None, errors: dict
) -> list[tuple[str, date]]:
    cleaned = []
    for index, (label, due_on) in enumerate(milestones):
        label = (label or "").strip()
        name = f"Milestone {index + 1}"
        if problem := text_errors({"label": label}, Milestone).get("label"):
            errors[f"milestones.{index}.label"] = problem.replace("milestone", f"name of milestone {index + 1}")
        elif not label:
            errors[f"milestones.{index}.label"] = f"Enter what milestone {index + 1} is"
        else:
            name = label
        if due_on is None:
            errors[f"milestones.{index}.due_on"] = f"Enter the date of {name}"
        elif decided and due_on < decided:
            errors[f"milestones.{index}.due_on"] = f"{name} must be on or after the decision, {long_date(decided)}"
        cleaned.append((label, due_on))
    if not milestones:
        errors["milestones"] = "Add at least one milestone to the timetable"
    elif len(milestones) > MAX_MILESTONES:
        errors["milestones"] = f"Enter no more than {MAX_MILESTONES} milestones"
    return cleaned


@transaction.atomic
def terms_save(
    *,
    actor,
    review: Review,
    period_from: date | None,
    period_to: date | None,
    lines_of_enquiry: str | Iterable[str],
    agencies: Iterable,
    family_involvement: str,
    milestones: Sequence[tuple[str, date | None]],
    change_note: str = "",
    based_on_version: int | None = None,
) -> TermsOfReference:
    """Save the terms of reference as a new version (the first, or the one after the current). A version is
    never changed; the new one needs the panel's agreement again. `based_on_version` (0 for none) refuses
    the save when someone saved another version since the caller read the terms."""
    require_or_refuse(actor, "planning.change_terms", review, "change the terms of reference")
    lines = clean_lines(lines_of_enquiry)
    family_involvement = (family_involvement or "").strip()
    change_note = (change_note or "").strip()
    decided = decision_date(review)
    errors = text_errors(
        {"lines_of_enquiry": "\n".join(lines), "family_involvement": family_involvement, "change_note": change_note},
        TermsOfReference,
    )
    if period_from is None:
        errors["period_from"] = "Enter the start of the period under review"
    if period_to is None:
        errors["period_to"] = "Enter the end of the period under review"
    elif period_from is not None and period_to < period_from:
        start = long_date(period_from)
        errors["period_to"] = f"The end of the period under review must be on or after its start, {start}"
    elif period_to > _today():
        errors["period_to"] = "The end of the period under review must be today or in the past"
    if "lines_of_enquiry" in errors:
        pass  # the text cannot be stored as it is: that message comes first
    elif not lines:
        errors["lines_of_enquiry"] = "Enter at least one key line of enquiry"
    elif len(lines) > MAX_LINES_OF_ENQUIRY:
        errors["lines_of_enquiry"] = f"Enter no more than {MAX_LINES_OF_ENQUIRY} key lines of enquiry"
    elif any(len(line) > MAX_LINE_LENGTH for line in lines):
        errors["lines_of_enquiry"] = f"Each key line of enquiry must be {MAX_LINE_LENGTH} characters or fewer"
    ids, sound = _agency_ids(agencies)
    in_scope = list(Agency.objects.filter(board_id=review.board_id, pk__in=ids).order_by("name")) if sound else []
    if not sound or len(in_scope) != len(ids):
        errors["agencies"] = "Choose agencies of this review's board"
    elif not in_scope:
        errors["agencies"] = "Choose the agencies in scope"
    if not family_involvement and "family_involvement" not in errors:
        errors["family_involvement"] = "Enter how the family is involved in the review"
    timetable = _clean_milestones(list(milestones or ()), decided, errors)
    Invalid.check(errors)

    _lock(review)
    current = latest_terms(review)
    current_number = current.version if current else 0
    if based_on_version is not None and based_on_version != current_number:
        raise Conflict(
            f"Version {current_number} of the terms of reference was saved while you were working on it: "
            "open the terms of reference again to start from it"
        )
    timetable.sort(key=lambda milestone: milestone[1])  # date order; the same date keeps the order given
    terms = TermsOfReference(
        review=review,
        version=current_number + 1,
        period_from=period_from,
        period_to=period_to,
        lines_of_enquiry="\n".join(lines),
        family_involvement=family_involvement,
        change_note=change_note,
        created_by=actor,
    )
    changes = []
    if current is not None:
        new = Snapshot(
            period_from=period_from,
            period_to=period_to,
            lines_of_enquiry=tuple(lines),
            agencies=tuple(agency.name for agency in in_scope),
            family_involvement=family_involvement,
            milestones=tuple(timetable),
        )
        changes = terms_difference(snapshot(current), new)
        if not changes:
            raise Invalid("The terms of reference have not changed: change something to save a new version")
    try:
        with transaction.atomic():
            terms.save(force_insert=True)
    except IntegrityError:
        raise Conflict("Another version was saved at the same moment: open the terms of reference again") from None
    terms.agencies.set(in_scope)
    Milestone.objects.bulk_create(
        Milestone(terms=terms, position=position, label=label, due_on=due_on)
        for position, (label, due_on) in enumerate(timetable, start=1)
    )
    audit_record(
        actor=actor,
        action="terms.saved",
        obj=terms,
        review=review,
        data={"version": terms.version, "changed": [change.field for change in changes]},
    )
    return terms


@transaction.atomic
def terms_agree(
    *, actor, terms: TermsOfReference, agreed_on: date | None = None, meeting: Meeting | None = None, note: str = ""
) -> TermsAgreement:
    """Record that the panel agreed this version, on a date or at one of the review's meetings (whose date it
    takes). Only the current version is agreed, and once."""
    review = terms.review
    require_or_refuse(actor, "planning.agree_terms", review, "record the panel's agreement of the terms of reference")
    note = (note or "").strip()
    Invalid.check(text_errors({"note": note}, TermsAgreement))
    errors = {}
    if meeting is not None:
        if meeting.review_id != review.pk:
            errors["meeting"] = "Choose a meeting of this review"
        elif agreed_on is None:
            agreed_on = meeting.held_on
        elif agreed_on != meeting.held_on:
            held = long_date(meeting.held_on)
            errors["agreed_on"] = f"The date the panel agreed must be the date of the meeting, {held}"
    decided = decision_date(review)
    if "agreed_on" in errors or "meeting" in errors:
        pass
    elif agreed_on is None:
        errors["agreed_on"] = "Enter the date the panel agreed the terms of reference"
    elif agreed_on > _today():
        errors["agreed_on"] = "The date the panel agreed must be today or in the past"
    elif decided and agreed_on < decided:
        errors["agreed_on"] = f"The date the panel agreed must be on or after the decision, {long_date(decided)}"
    Invalid.check(errors)

    _lock(review)
    current = latest_terms(review)
    if current.pk != terms.pk:
        raise Conflict(
            f"Version {current.version} has been saved since version {terms.version}: read it and agree that one"
        )
    if TermsAgreement.objects.filter(terms=terms).exists():
        raise Conflict(f"Version {terms.version} of the terms of reference is already agreed")
    agreement = TermsAgreement.objects.create(
        terms=terms, agreed_on=agreed_on, meeting=meeting, note=note, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="terms.agreed",
        obj=agreement,
        review=review,
        data={
            "version": terms.version,
            "agreed_on": agreed_on.isoformat(),
            "meeting": meeting.pk if meeting is not None else None,
        },
    )
    return agreement


# -- Meetings ----------------------------------------------------------------------------------------------


def _clean_meeting(review: Review, values: dict, meeting: Meeting | None = None) -> dict:
    held_on, starts_at = values.get("held_on"), values.get("starts_at")
    place = (values.get("place") or "").strip()
    decisions = (values.get("decisions") or "").strip()
    errors = text_errors({"place": place, "decisions": decisions}, Meeting)
    decided = decision_date(review)
    if held_on is None:
        errors["held_on"] = "Enter the date of the meeting"
    elif decided and held_on < decided:
        errors["held_on"] = f"The date of the meeting must be on or after the decision, {long_date(decided)}"
    if not isinstance(starts_at, time) or starts_at.tzinfo is not None:
        errors["starts_at"] = "Enter the start time, for example 10am or 2:30pm"
    if not place and "place" not in errors:
        errors["place"] = "Enter where the meeting is held, or how, for example by video call"
    if decisions and held_on and held_on > _today() and "decisions" not in errors:
        errors["decisions"] = "Record the decisions once the meeting has taken place"
    if meeting is not None and held_on and "held_on" not in errors:
        errors |= _date_change_errors(meeting, held_on)
    Invalid.check(errors)
    return {"held_on": held_on, "starts_at": starts_at, "place": place, "decisions": decisions}


def _date_change_errors(meeting: Meeting, held_on: date) -> dict:
    """A meeting that has its attendance, actions or an agreement recorded keeps a date they agree with."""
    if held_on == meeting.held_on:
        return {}
    agreement = meeting.terms_agreements.select_related("terms").first()
    if agreement is not None:
        return {
            "held_on": f"The panel agreed version {agreement.terms.version} of the terms of reference at this "
            "meeting: its date cannot change"
        }
    if held_on > _today() and (meeting.attendance.exists() or meeting.actions.exists()):
        return {"held_on": "The meeting's attendance or actions are recorded: its date must be today or in the past"}
    earliest = meeting.actions.order_by("due_on").values_list("due_on", flat=True).first()
    if earliest and held_on > earliest:
        return {"held_on": f"An action of this meeting is due on {long_date(earliest)}: the meeting must be before it"}
    return {}


@transaction.atomic
def meeting_add(
    *, actor, review: Review, held_on: date | None, starts_at: time | None, place: str, decisions: str = ""
) -> Meeting:
    """Add a panel meeting (planned, or held) to the review."""
    require_or_refuse(actor, "planning.change_meetings", review, "add a meeting to this review")
    values = _clean_meeting(
        review, {"held_on": held_on, "starts_at": starts_at, "place": place, "decisions": decisions}
    )
    meeting = Meeting.objects.create(review=review, created_by=actor, **values)
    audit_record(actor=actor, action="meeting.added", obj=meeting, review=review, data={"held_on": held_on.isoformat()})
    return meeting


@transaction.atomic
def meeting_change(
    *, actor, meeting: Meeting, held_on: date | None, starts_at: time | None, place: str, decisions: str = ""
) -> Meeting:
    """Change a meeting's date, time, place or decisions."""
    review = meeting.review
    require_or_refuse(actor, "planning.change_meetings", review, "change this meeting")
    _lock(review)
    values = _clean_meeting(
        review, {"held_on": held_on, "starts_at": starts_at, "place": place, "decisions": decisions}, meeting
    )
    changed = [name for name, value in values.items() if getattr(meeting, name) != value]
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.save()
    audit_record(actor=actor, action="meeting.changed", obj=meeting, review=review, data={"changed": changed})
    return meeting


@transaction.atomic
def meeting_record_attendance(
    *, actor, meeting: Meeting, attendance: Mapping, others_attending: str | Iterable[str] = ()
) -> list[MeetingAttendance]:
    """Record who of the panel was present, sent apologies or was absent (`attendance` maps a user or a user's
    id to an `Attendance`), and who else attended. Recording again corrects what was recorded."""
    review = meeting.review
    require_or_refuse(actor, "planning.change_meetings", review, "record attendance at this meeting")
    if meeting.held_on > _today():
        raise Conflict(f"Attendance is recorded once the meeting has taken place, on {long_date(meeting.held_on)}")
    others = clean_lines(others_attending)
    errors = text_errors({"others_attending": "\n".join(others)}, Meeting)
    if "others_attending" in errors:
        pass
    elif len(others) > MAX_OTHERS_ATTENDING:
        errors["others_attending"] = f"Enter no more than {MAX_OTHERS_ATTENDING} others attending"
    elif any(len(name) > MAX_OTHER_LENGTH for name in others):
        errors["others_attending"] = f"Each of the others attending must be {MAX_OTHER_LENGTH} characters or fewer"
    attendees = {user.pk: (user, role) for user, role, _recorded in meeting_attendees(meeting)}
    chosen = {}
    for who, value in (attendance or {}).items():
        pk = who.pk if isinstance(who, User) else who
        if pk not in attendees:
            errors["attendance"] = "Record attendance only for the members of the review's panel"
            continue
        if value not in Attendance.values:
            user = attendees[pk][0]
            errors[f"attendance_{pk}"] = f"Choose whether {user} was present, sent apologies or was absent"
            continue
        chosen[pk] = value
    Invalid.check(errors)

    rows = []
    for pk, value in chosen.items():
        user, role = attendees[pk]
        row, _created = MeetingAttendance.objects.update_or_create(
            meeting=meeting, user=user, defaults={"attendance": value, "role": role, "recorded_by": actor}
        )
        rows.append(row)
    meeting.others_attending = "\n".join(others)
    meeting.save(update_fields=["others_attending", "updated_at"])
    audit_record(
        actor=actor,
        action="meeting.attendance_recorded",
        obj=meeting,
        review=review,
        data={
            **{choice: sorted(pk for pk, value in chosen.items() if value == choice) for choice in Attendance.values},
            "others_attending": len(others),
        },
    )
    return rows


@transaction.atomic
def meeting_action_add(
    *, actor, meeting: Meeting, what: str, due_on: date | None, owner: User | int | None = None, owner_name: str = ""
) -> MeetingAction:
    """Add an action the meeting agreed: for a user of the review (or the board's staff), or someone named."""
    review = meeting.review
    require_or_refuse(actor, "planning.change_meetings", review, "add an action to this meeting")
    if meeting.held_on > _today():
        raise Conflict(f"Actions are added once the meeting has taken place, on {long_date(meeting.held_on)}")
    what = (what or "").strip()
    owner_name = (owner_name or "").strip()
    errors = text_errors({"what": what, "owner_name": owner_name}, MeetingAction)
    if not what and "what" not in errors:
        errors["what"] = "Enter the action"
    owner_user = None
    if owner is not None:
        pk = owner.pk if isinstance(owner, User) else owner
        valid = isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk <= LARGEST_ID
        owner_user = action_owner_choices(review).filter(pk=pk).first() if valid else None
        if owner_user is None:
            errors["owner"] = "Choose someone on this review or the board's staff, or enter a name"
        elif owner_name:
            errors["owner_name"] = "Choose a person or enter a name, not both"
    elif not owner_name and "owner_name" not in errors:
        errors["owner"] = "Choose who will do it, or enter their name"
    if due_on is None:
        errors["due_on"] = "Enter the due date"
    elif due_on < meeting.held_on:
        errors["due_on"] = f"The due date must be on or after the meeting, {long_date(meeting.held_on)}"
    Invalid.check(errors)
    action = MeetingAction.objects.create(
        meeting=meeting, what=what, owner=owner_user, owner_name=owner_name, due_on=due_on, created_by=actor
    )
    audit_record(
        actor=actor,
        action="meeting.action_added",
        obj=action,
        review=review,
        data={"meeting": meeting.pk, "owner": owner_user.pk if owner_user else None, "due_on": due_on.isoformat()},
    )
    return action


@transaction.atomic
def meeting_action_done(*, actor, action: MeetingAction, done_on: date | None) -> MeetingAction:
    """Mark an action done, on the date it was done. Once."""
    meeting = action.meeting
    review = meeting.review
    require_or_refuse(actor, "planning.change_meetings", review, "mark this action done")
    if done_on is None:
        raise Invalid("Enter the date the action was done", field="done_on")
    if done_on > _today():
        raise Invalid("The date the action was done must be today or in the past", field="done_on")
    if done_on < meeting.held_on:
        raise Invalid(
            f"The date the action was done must be on or after the meeting, {long_date(meeting.held_on)}",
            field="done_on",
        )
    locked = MeetingAction.objects.select_for_update().get(pk=action.pk)
    if locked.done_on is not None:
        raise Conflict(f"This action was already marked done on {long_date(locked.done_on)}")
    locked.done_on, locked.done_recorded_by = done_on, actor
    locked.save(update_fields=["done_on", "done_recorded_by"])
    audit_record(
        actor=actor,
        action="meeting.action_done",
        obj=locked,
        review=review,
        data={"meeting": meeting.pk, "done_on": done_on.isoformat()},
    )
    return locked
