"""The only ways to load terms of reference and meetings, scoped to what the user may see; and what set-up still
needs of them. Not allowed looks exactly like not found."""

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from casereview.accounts.models import AGENCY_ROLES, Agency, Membership, Role, User
from casereview.core.calendar import deadline
from casereview.core.errors import Conflict
from casereview.core.permissions import require_or_404
from casereview.planning.difference import FieldChange, Snapshot, terms_difference
from casereview.planning.models import Meeting, MeetingAction, MeetingAttendance, TermsOfReference
from casereview.planning.timetable import ProposedMilestone, propose_timetable
from casereview.reviews.deadlines import review_deadlines
from casereview.reviews.models import Review
from casereview.reviews.stages import KeyEvent

# The panel that meets, in the order attendance is listed.
PANEL_ROLES = (Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER)


# -- Terms of reference --------------------------------------------------------------------------------------


def _versions(review: Review) -> QuerySet[TermsOfReference]:
    return (
        TermsOfReference.objects.filter(review=review)
        .select_related("created_by", "agreement__recorded_by", "agreement__meeting")
        .prefetch_related("milestones", Prefetch("agencies", queryset=Agency.objects.order_by("name")))
        .order_by("-version")
    )


def terms_versions_of(user, review: Review) -> QuerySet[TermsOfReference]:
    """Every version of the review's terms of reference, newest first."""
    require_or_404(user, "planning.view_terms", review)
    return _versions(review)


def current_terms_of(user, review: Review) -> TermsOfReference | None:
    return terms_versions_of(user, review).first()


def terms_version_for_user_or_404(user, review: Review, pk) -> TermsOfReference:
    try:
        return terms_versions_of(user, review).get(pk=pk)
    except (TermsOfReference.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version") from None


def latest_terms(review: Review) -> TermsOfReference | None:
    """The current version, whoever asks: for guards and services, not for showing."""
    return _versions(review).first()


def previous_version(terms: TermsOfReference) -> TermsOfReference | None:
    return _versions(terms.review).filter(version__lt=terms.version).first()


def snapshot(terms: TermsOfReference) -> Snapshot:
    return Snapshot(
        period_from=terms.period_from,
        period_to=terms.period_to,
        lines_of_enquiry=tuple(terms.enquiry_lines()),
        agencies=tuple(agency.name for agency in terms.agencies.all()),
        family_involvement=terms.family_involvement,
        milestones=tuple((m.label, m.due_on) for m in terms.milestones.all()),
    )


def changes_in(terms: TermsOfReference) -> list[FieldChange]:
    """What this version changed from the one before (nothing for the first version)."""
    before = previous_version(terms)
    return terms_difference(snapshot(before) if before else None, snapshot(terms))


def decision_date(review: Review) -> date | None:
    decision = getattr(review, "decision", None)
    return decision.decided_on if decision else None


def completion_deadline(review: Review) -> date | None:
    """When the review must be complete: its deadline met by the board's endorsement (with any override),
    or six months after the decision for a type without one."""
    for due in review_deadlines(review):
        if due.rule.met_by == KeyEvent.ENDORSEMENT and due.due_on:
            return due.due_on
    decided = decision_date(review)
    return deadline(decided, 6, "months") if decided else None


def timetable_proposal(review: Review) -> list[ProposedMilestone]:
    """The milestones proposed for the first version (see planning/timetable.py)."""
    decided = decision_date(review)
    if decided is None:
        raise Conflict("The timetable is proposed from the chair's decision: record the decision first")
    return propose_timetable(decided, completion_deadline(review))


def agencies_of_board(review: Review) -> QuerySet[Agency]:
    """The agencies that may be in scope: the review's board's."""
    return Agency.objects.filter(board_id=review.board_id).order_by("name")


def set_up_missing(review: Review) -> list[tuple[str, str]]:
    """What set-up still needs of the terms of reference, in plain words, with the page (URL name) to do it."""
    terms = latest_terms(review)
    if terms is None:
        return [("Write the terms of reference", "planning:terms-edit")]
    if not hasattr(terms, "agreement"):
        return [(f"Record the panel's agreement of the terms of reference (version {terms.version})", "planning:terms")]
    return []


# -- Meetings -------------------------------------------------------------------------------------------------


def meetings_of(user, review: Review) -> QuerySet[Meeting]:
    """The review's meetings, in date order, with attendance and actions."""
    require_or_404(user, "planning.view_meetings", review)
    return Meeting.objects.filter(review=review).prefetch_related(
        Prefetch("attendance", queryset=MeetingAttendance.objects.select_related("user")),
        Prefetch("actions", queryset=MeetingAction.objects.select_related("owner")),
    )


def meeting_for_user_or_404(user, review: Review, pk) -> Meeting:
    try:
        return meetings_of(user, review).get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404("No such meeting") from None


def action_for_user_or_404(user, meeting: Meeting, pk) -> MeetingAction:
    require_or_404(user, "planning.view_meetings", meeting.review)
    try:
        return MeetingAction.objects.select_related("owner", "meeting__review").get(pk=pk, meeting=meeting)
    except (MeetingAction.DoesNotExist, ValueError, TypeError):
        raise Http404("No such action") from None


def review_panel(review: Review) -> list[tuple[User, str]]:
    """The users on the review's panel (panel chair, members, legal adviser, lead reviewer), each once, with
    the first of their panel roles, read from their memberships on the review."""
    memberships = Membership.objects.filter(review=review, role__in=PANEL_ROLES).select_related("user")
    roles: dict[int, tuple[User, str]] = {}
    for membership in sorted(memberships, key=lambda m: PANEL_ROLES.index(m.role)):
        if membership.user.is_active:
            roles.setdefault(membership.user_id, (membership.user, membership.role))
    return sorted(roles.values(), key=lambda pair: (PANEL_ROLES.index(pair[1]), pair[0].full_name))


def meeting_attendees(meeting: Meeting) -> list[tuple[User, str, MeetingAttendance | None]]:
    """Everyone whose attendance is recorded or to record: the panel now, and anyone recorded before."""
    recorded = {row.user_id: row for row in meeting.attendance.all()}
    people = [(user, role, recorded.pop(user.pk, None)) for user, role in review_panel(meeting.review)]
    people += [(row.user, row.role, row) for row in recorded.values()]
    return people


def action_owner_choices(review: Review) -> QuerySet[User]:
    """Who an action may be given to: the review's panel and agencies' staff, and the board's manager and chair."""
    on_review = Membership.objects.filter(review=review, role__in=(*PANEL_ROLES, *AGENCY_ROLES)).values("user_id")
    on_board = Membership.objects.filter(
        board_id=review.board_id,
        review__isnull=True,
        agency__isnull=True,
        role__in=(Role.BOARD_MANAGER, Role.BOARD_CHAIR),
    ).values("user_id")
    return User.objects.filter(Q(pk__in=on_review) | Q(pk__in=on_board), is_active=True).order_by("full_name")
