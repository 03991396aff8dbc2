"""API operations on the terms of reference (current, versions with what changed, a new version, the panel's
agreement, the proposed timetable) and on the panel's meetings (details, attendance, actions)."""

from datetime import date, datetime, time

from django.http import Http404
from ninja import Field, Router, Schema, Status

from casereview.core.errors import Invalid, NotAllowed
from casereview.core.schemas import ERRORS, StrictIn
from casereview.planning import services
from casereview.planning.models import Attendance, Meeting, MeetingAction, TermsOfReference
from casereview.planning.selectors import (
    action_for_user_or_404,
    changes_in,
    current_terms_of,
    meeting_attendees,
    meeting_for_user_or_404,
    meetings_of,
    terms_version_for_user_or_404,
    terms_versions_of,
    timetable_proposal,
)
from casereview.reviews.selectors import review_for_user_or_404

router = Router(tags=["Terms of reference and meetings"])


class MilestoneIn(StrictIn):
    label: str
    due_on: date


class MilestoneOut(Schema):
    label: str
    due_on: date


class TermsIn(StrictIn):
    period_from: date
    period_to: date
    lines_of_enquiry: list[str]
    agency_ids: list[int]
    family_involvement: str
    milestones: list[MilestoneIn]
    change_note: str = ""
    based_on_version: int | None = None


class AgencyRef(Schema):
    id: int
    name: str


class AgreementIn(StrictIn):
    agreed_on: date | None = None
    meeting_id: int | None = None
    note: str = ""


class AgreementOut(Schema):
    agreed_on: date
    meeting_id: int | None
    note: str
    recorded_by: str
    recorded_at: datetime


class TermsOut(Schema):
    id: int
    version: int
    period_from: date
    period_to: date
    lines_of_enquiry: list[str]
    agencies: list[AgencyRef]
    family_involvement: str
    milestones: list[MilestoneOut]
    change_note: str
    created_by: str
    created_at: datetime
    agreement: AgreementOut | None


class LineChangeOut(Schema):
    change: str
    text: str


class FieldChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str
    lines: list[LineChangeOut]


class TermsVersionOut(TermsOut):
    changes: list[FieldChangeOut]


class MeetingIn(StrictIn):
    held_on: date
    starts_at: str = Field(
        pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="The local start time, 24-hour: HH:MM, for example 14:30"
    )
    place: str
    decisions: str = ""

    def values(self) -> dict:
        """The service's values, the start time as a time of day."""
        return self.dict() | {"starts_at": time.fromisoformat(self.starts_at)}


class AttendanceItemIn(StrictIn):
    user_id: int
    attendance: Attendance


class AttendanceIn(StrictIn):
    attendance: list[AttendanceItemIn]
    others_attending: list[str] = []


class AttendanceOut(Schema):
    user_id: int
    name: str
    role: str
    attendance: Attendance | None


class ActionIn(StrictIn):
    what: str
    due_on: date
    owner_id: int | None = None
    owner_name: str = ""


class ActionDoneIn(StrictIn):
    done_on: date


class ActionOut(Schema):
    id: int
    what: str
    owner_id: int | None
    who: str
    due_on: date
    done_on: date | None


class MeetingOut(Schema):
    id: int
    held_on: date
    starts_at: str = Field(description="The local start time, 24-hour: HH:MM")
    place: str
    decisions: str
    attendance: list[AttendanceOut]
    others_attending: list[str]
    actions: list[ActionOut]


def terms_out(terms: TermsOfReference) -> dict:
    agreement = getattr(terms, "agreement", None)
    return {
        "id": terms.pk,
        "version": terms.version,
        "period_from": terms.period_from,
        "period_to": terms.period_to,
        "lines_of_enquiry": terms.enquiry_lines(),
        "agencies": [{"id": agency.pk, "name": agency.name} for agency in terms.agencies.all()],
        "family_involvement": terms.family_involvement,
        "milestones": [{"label": m.label, "due_on": m.due_on} for m in terms.milestones.all()],
        "change_note": terms.change_note,
        "created_by": str(terms.created_by),
        "created_at": terms.created_at,
        "agreement": None
        if agreement is None
        else {
            "agreed_on": agreement.agreed_on,
            "meeting_id": agreement.meeting_id,
            "note": agreement.note,
            "recorded_by": str(agreement.recorded_by),
            "recorded_at": agreement.recorded_at,
        },
    }


def version_out(terms: TermsOfReference) -> dict:
    changes = [
        {
            "field": change.field,
            "label": change.label,
            "before": change.before,
            "after": change.after,
            "lines": [{"change": line.change, "text": line.text} for line in change.lines],
        }
        for change in changes_in(terms)
    ]
    return terms_out(terms) | {"changes": changes}


def action_out(action: MeetingAction) -> dict:
    return {
        "id": action.pk,
        "what": action.what,
        "owner_id": action.owner_id,
        "who": action.who,
        "due_on": action.due_on,
        "done_on": action.done_on,
    }


def meeting_out(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "held_on": meeting.held_on,
        "starts_at": f"{meeting.starts_at:%H:%M}",
        "place": meeting.place,
        "decisions": meeting.decisions,
        "attendance": [
            {
                "user_id": user.pk,
                "name": str(user),
                "role": row.role if row else role,
                "attendance": row.attendance if row else None,
            }
            for user, role, row in meeting_attendees(meeting)
        ],
        "others_attending": meeting.others_list(),
        "actions": [action_out(action) for action in meeting.actions.all()],
    }


# -- Terms of reference ------------------------------------------------------------------------------------


@router.get("/{review_id}/terms", response={200: TermsOut, **ERRORS})
def get_terms(request, review_id: int):
    """The current version of the terms of reference; 404 until the first is written."""
    review = review_for_user_or_404(request.user, review_id)
    current = current_terms_of(request.user, review)
    if current is None:
        raise Http404("No terms of reference yet")
    return terms_out(current)


@router.get("/{review_id}/terms/proposal", response={200: list[MilestoneOut], **ERRORS})
def get_proposal(request, review_id: int):
    """The timetable proposed from the decision and the completion deadline, for a first version."""
    review = review_for_user_or_404(request.user, review_id)
    if not request.user.has_perm("planning.change_terms", review):
        raise Http404("No such review")
    return [{"label": m.label, "due_on": m.due_on} for m in timetable_proposal(review)]


@router.get("/{review_id}/terms/versions", response={200: list[TermsOut], **ERRORS})
def list_versions(request, review_id: int):
    """Every version, newest first, each with its agreement if the panel agreed it."""
    review = review_for_user_or_404(request.user, review_id)
    return [terms_out(terms) for terms in terms_versions_of(request.user, review)]


@router.post("/{review_id}/terms/versions", response={201: TermsOut, **ERRORS})
def save_version(request, review_id: int, payload: TermsIn):
    """Save the terms of reference as a new version. `based_on_version` (0 for none yet) refuses the save with
    409 if another version was saved since."""
    review = review_for_user_or_404(request.user, review_id)
    values = payload.dict()
    values["agencies"] = values.pop("agency_ids")
    values["milestones"] = [(m["label"], m["due_on"]) for m in values["milestones"]]
    saved = services.terms_save(actor=request.user, review=review, **values)
    return Status(201, terms_out(terms_version_for_user_or_404(request.user, review, saved.pk)))


@router.get("/{review_id}/terms/versions/{version_id}", response={200: TermsVersionOut, **ERRORS})
def get_version(request, review_id: int, version_id: int):
    """One version, with what changed from the version before (nothing for the first)."""
    review = review_for_user_or_404(request.user, review_id)
    return version_out(terms_version_for_user_or_404(request.user, review, version_id))


@router.post("/{review_id}/terms/versions/{version_id}/agreement", response={201: AgreementOut, **ERRORS})
def agree_version(request, review_id: int, version_id: int, payload: AgreementIn):
    """Record the panel's agreement of the current version, on a date or at one of the review's meetings."""
    review = review_for_user_or_404(request.user, review_id)
    terms = terms_version_for_user_or_404(request.user, review, version_id)
    if not request.user.has_perm("planning.agree_terms", review):
        raise NotAllowed("You do not have permission to record the panel's agreement")
    meeting = None
    if payload.meeting_id is not None:
        try:
            meeting = meeting_for_user_or_404(request.user, review, payload.meeting_id)
        except Http404:
            raise Invalid("Choose a meeting of this review", field="meeting_id") from None
    agreement = services.terms_agree(
        actor=request.user, terms=terms, agreed_on=payload.agreed_on, meeting=meeting, note=payload.note
    )
    return Status(
        201,
        {
            "agreed_on": agreement.agreed_on,
            "meeting_id": agreement.meeting_id,
            "note": agreement.note,
            "recorded_by": str(agreement.recorded_by),
            "recorded_at": agreement.recorded_at,
        },
    )


# -- Meetings ----------------------------------------------------------------------------------------------


@router.get("/{review_id}/meetings", response={200: list[MeetingOut], **ERRORS})
def list_meetings(request, review_id: int):
    """The panel's meetings, in date order, with attendance and actions."""
    review = review_for_user_or_404(request.user, review_id)
    return [meeting_out(meeting) for meeting in meetings_of(request.user, review)]


@router.post("/{review_id}/meetings", response={201: MeetingOut, **ERRORS})
def add_meeting(request, review_id: int, payload: MeetingIn):
    review = review_for_user_or_404(request.user, review_id)
    meeting = services.meeting_add(actor=request.user, review=review, **payload.values())
    return Status(201, meeting_out(meeting_for_user_or_404(request.user, review, meeting.pk)))


@router.get("/{review_id}/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS})
def get_meeting(request, review_id: int, meeting_id: int):
    review = review_for_user_or_404(request.user, review_id)
    return meeting_out(meeting_for_user_or_404(request.user, review, meeting_id))


@router.put("/{review_id}/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS})
def change_meeting(request, review_id: int, meeting_id: int, payload: MeetingIn):
    review = review_for_user_or_404(request.user, review_id)
    meeting = meeting_for_user_or_404(request.user, review, meeting_id)
    services.meeting_change(actor=request.user, meeting=meeting, **payload.values())
    return meeting_out(meeting_for_user_or_404(request.user, review, meeting_id))


@router.put("/{review_id}/meetings/{meeting_id}/attendance", response={200: MeetingOut, **ERRORS})
def record_attendance(request, review_id: int, meeting_id: int, payload: AttendanceIn):
    """Record who of the panel was present, sent apologies or was absent, and who else attended."""
    review = review_for_user_or_404(request.user, review_id)
    meeting = meeting_for_user_or_404(request.user, review, meeting_id)
    services.meeting_record_attendance(
        actor=request.user,
        meeting=meeting,
        attendance={item.user_id: item.attendance for item in payload.attendance},
        others_attending=payload.others_attending,
    )
    return meeting_out(meeting_for_user_or_404(request.user, review, meeting_id))


@router.post("/{review_id}/meetings/{meeting_id}/actions", response={201: ActionOut, **ERRORS})
def add_action(request, review_id: int, meeting_id: int, payload: ActionIn):
    """Add an action: `owner_id` for a user of the review or the board's staff, or `owner_name` for anyone else."""
    review = review_for_user_or_404(request.user, review_id)
    meeting = meeting_for_user_or_404(request.user, review, meeting_id)
    values = payload.dict()
    values["owner"] = values.pop("owner_id")
    return Status(201, action_out(services.meeting_action_add(actor=request.user, meeting=meeting, **values)))


@router.post("/{review_id}/meetings/{meeting_id}/actions/{action_id}/done", response={200: ActionOut, **ERRORS})
def mark_action_done(request, review_id: int, meeting_id: int, action_id: int, payload: ActionDoneIn):
    review = review_for_user_or_404(request.user, review_id)
    meeting = meeting_for_user_or_404(request.user, review, meeting_id)
    action = action_for_user_or_404(request.user, meeting, action_id)
    return action_out(services.meeting_action_done(actor=request.user, action=action, done_on=payload.done_on))
