"""The only ways to load the agencies involved and their status, scoped to what the user may see."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from casereview.accounts.models import Agency, Board, Membership, Role, User
from casereview.accounts.selectors import grants_of
from casereview.chronology.models import ChronologyVersion
from casereview.core.permissions import require_or_404
from casereview.interviews.models import InvolvedWorker
from casereview.involvement.models import DEADLINE_FIELDS, DEADLINE_LABELS, AgencyInvolvement
from casereview.panel.models import Appointment, Position
from casereview.records.models import CaseRecord, RecordsSecured
from casereview.records.rules import VAULT_OPEN_STAGES
from casereview.reviews.deadlines import TAG_COLOURS, Status, deadline_status
from casereview.reviews.models import Review

NOMINATED_POSITIONS = (Position.IMR_AUTHOR, Position.SENIOR_MANAGER)
NO_DEADLINE = "no deadline"


# -- Loading ---------------------------------------------------------------------------------------------


def involvements_of(user, review: Review) -> QuerySet[AgencyInvolvement]:
    """Every agency involved in the review, withdrawn ones included: for those who see the status table."""
    require_or_404(user, "involvement.view_agencies", review)
    return AgencyInvolvement.objects.filter(review=review).select_related(
        "agency", "added_by", "asked_by", "withdrawn_by"
    )


def involvement_for_user_or_404(user, review: Review, agency_pk) -> AgencyInvolvement:
    """One agency's involvement, by the agency's id: for the panel and the agency's own staff on the review."""
    try:
        involvement = AgencyInvolvement.objects.select_related("agency", "added_by", "asked_by", "withdrawn_by").get(
            review=review, agency_id=agency_pk, agency__board_id=review.board_id
        )
    except (AgencyInvolvement.DoesNotExist, ValueError, TypeError, OverflowError):  # SQLite: an id beyond 64 bits
        raise Http404("No such agency") from None
    involvement.review = review  # the review as the user loaded it, with its decision
    require_or_404(user, "involvement.view_agency", involvement)
    return involvement


def own_involvements_of(user, review: Review) -> list[AgencyInvolvement]:
    """The agencies whose IMR author or senior manager the user is on this review, for links to their pages."""
    agency_ids = {g.agency_id for g in grants_of(user) if g.review_id == review.pk and g.agency_id is not None}
    found = AgencyInvolvement.objects.filter(review=review, agency_id__in=agency_ids).select_related("agency")
    return [involvement for involvement in found if user.has_perm("involvement.view_agency", involvement)]


def agencies_to_add(user, review: Review) -> QuerySet[Agency]:
    """The board's agencies not yet involved in the review."""
    require_or_404(user, "involvement.add", review)
    involved = AgencyInvolvement.objects.filter(review=review).values("agency_id")
    return Agency.objects.filter(board_id=review.board_id).exclude(pk__in=involved)


def active_involvements(review: Review) -> QuerySet[AgencyInvolvement]:
    """The agencies involved and not withdrawn (what the vault and the stage guard read)."""
    return AgencyInvolvement.objects.filter(review=review, withdrawn_at__isnull=True).select_related("agency")


def involvements_to_remind() -> QuerySet[AgencyInvolvement]:
    """Every agency asked and not withdrawn, on a review that is held: what `casereview remind` looks at.
    Read by the daily job, not by a user."""
    return (
        AgencyInvolvement.objects.filter(
            withdrawn_at__isnull=True,
            asked_on__isnull=False,
            review__stage__in=VAULT_OPEN_STAGES,
        )
        .select_related("review", "review__board", "agency")
        .order_by("review_id", "agency__name")
    )


def board_managers_of(board: Board) -> list[User]:
    ids = Membership.objects.filter(
        board=board, role=Role.BOARD_MANAGER, agency__isnull=True, review__isnull=True
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


# -- Who is nominated ------------------------------------------------------------------------------------


def _current_appointments(review: Review, agency_ids) -> QuerySet[Appointment]:
    return Appointment.objects.filter(
        review=review, agency_id__in=agency_ids, position__in=NOMINATED_POSITIONS, ended_at__isnull=True
    ).select_related("user")


def current_nomination(involvement: AgencyInvolvement, position: str) -> Appointment | None:
    """The appointment of the agency's IMR author or senior manager on the review, if there is one."""
    return (
        _current_appointments(involvement.review, [involvement.agency_id])
        .filter(position=position)
        .order_by("-pk")
        .first()
    )


def nominees_of(involvement: AgencyInvolvement) -> dict[str, User | None]:
    """{position: user} for the IMR author and the senior manager, None where no one is nominated."""
    return _nominees(involvement.review, [involvement.agency_id]).get(involvement.agency_id, _no_nominees())


def _no_nominees() -> dict[str, User | None]:
    return dict.fromkeys(NOMINATED_POSITIONS)


def _nominees(review: Review, agency_ids) -> dict[int, dict[str, User | None]]:
    found: dict[int, dict[str, User | None]] = {}
    for appointment in _current_appointments(review, agency_ids).order_by("pk"):
        found.setdefault(appointment.agency_id, _no_nominees())[appointment.position] = appointment.user
    return found


# -- Deadlines and the status table ----------------------------------------------------------------------


def deadline_met(involvement: AgencyInvolvement, field: str) -> date | None:
    """The day the agency met one of its deadlines, None while it has not.

    Records secured is met by the agency's confirmation in the vault, the chronology by its first submission.
    An initial report and an IMR cannot be submitted yet: issue 7 (documents) adds their submission, and with it
    the answer here. Until then those deadlines are never met, and reminders and missed notices say so."""
    where = {"review_id": involvement.review_id, "agency_id": involvement.agency_id}
    if field == "records_secured_due_on":
        return RecordsSecured.objects.filter(**where).values_list("secured_on", flat=True).first()
    if field == "chronology_due_on":
        first = (
            ChronologyVersion.objects.filter(submitted_at__isnull=False, **where)
            .order_by("number")
            .values_list("submitted_at", flat=True)
            .first()
        )
        return timezone.localtime(first).date() if first else None
    if field in DEADLINE_FIELDS:
        return None
    raise ValueError(f"{field} is not a deadline of an agency")


@dataclass(frozen=True)
class DeadlineState:
    field: str
    due_on: date | None
    met_on: date | None
    status: str  # a reviews.deadlines.Status, or NO_DEADLINE

    @property
    def label(self) -> str:
        return DEADLINE_LABELS[self.field]

    @property
    def tag(self) -> str:
        """The words of the status tag; empty when there is nothing to flag (on time)."""
        return {
            NO_DEADLINE: "No deadline",
            Status.DUE_SOON: "Due soon",
            Status.OVERDUE: "Overdue",
            Status.MET: "Met",
            Status.MET_LATE: "Met late",
        }.get(self.status, "")

    @property
    def colour(self) -> str:
        return "grey" if self.status == NO_DEADLINE else TAG_COLOURS[self.status]


def deadline_state(field: str, due_on: date | None, met_on: date | None, today: date) -> DeadlineState:
    status = NO_DEADLINE if due_on is None else deadline_status(due_on, met_on, today)
    return DeadlineState(field, due_on, met_on, status)


@dataclass(frozen=True)
class AgencyStatus:
    """One row of the status table."""

    involvement: AgencyInvolvement
    imr_author: User | None
    senior_manager: User | None
    records_secured: RecordsSecured | None
    workers_listed: int
    case_records: int
    deadlines: tuple[DeadlineState, ...]

    @property
    def agency(self) -> Agency:
        return self.involvement.agency

    def deadline(self, field: str) -> DeadlineState:
        return next(state for state in self.deadlines if state.field == field)

    @property
    def records_deadline(self) -> DeadlineState:
        return self.deadline("records_secured_due_on")

    @property
    def initial_report(self) -> DeadlineState:
        return self.deadline("initial_report_due_on")

    @property
    def chronology(self) -> DeadlineState:
        return self.deadline("chronology_due_on")

    @property
    def imr(self) -> DeadlineState:
        return self.deadline("imr_due_on")

    @property
    def has_material(self) -> bool:
        return self.records_secured is not None or bool(self.workers_listed or self.case_records)


def agency_statuses(involvements, today: date | None = None) -> list[AgencyStatus]:
    """The status of each involvement given (already scoped by the caller): who is nominated, the records
    secured confirmation, the workers listed and each deadline's state. A few queries, whatever the count."""
    involvements = list(involvements)
    if not involvements:
        return []
    today = today or timezone.localdate()
    review = involvements[0].review
    agency_ids = [involvement.agency_id for involvement in involvements]
    nominees = _nominees(review, agency_ids)
    secured = {
        row.agency_id: row
        for row in RecordsSecured.objects.filter(review=review, agency_id__in=agency_ids).select_related("recorded_by")
    }
    workers = dict(
        InvolvedWorker.objects.filter(review=review, agency_id__in=agency_ids)
        .values_list("agency_id")
        .annotate(count=Count("pk"))
    )
    records = dict(
        CaseRecord.objects.filter(review=review, agency_id__in=agency_ids)
        .values_list("agency_id")
        .annotate(count=Count("pk"))
    )
    statuses = []
    for involvement in involvements:
        named = nominees.get(involvement.agency_id, _no_nominees())
        confirmation = secured.get(involvement.agency_id)
        met = {"records_secured_due_on": confirmation.secured_on if confirmation else None}
        states = tuple(
            deadline_state(field, getattr(involvement, field), met.get(field), today) for field in DEADLINE_FIELDS
        )
        statuses.append(
            AgencyStatus(
                involvement=involvement,
                imr_author=named[Position.IMR_AUTHOR],
                senior_manager=named[Position.SENIOR_MANAGER],
                records_secured=confirmation,
                workers_listed=workers.get(involvement.agency_id, 0),
                case_records=records.get(involvement.agency_id, 0),
                deadlines=states,
            )
        )
    return statuses


def agency_status(involvement: AgencyInvolvement, today: date | None = None) -> AgencyStatus:
    return agency_statuses([involvement], today)[0]


# -- What set-up still needs -----------------------------------------------------------------------------


def set_up_missing(review: Review) -> list[tuple[str, str]]:
    """What the agencies involved still need before the agency reviews can start, in plain words, each with
    the page (URL name, taking the review's id) where it is put right. Withdrawn agencies need nothing."""
    page = "involvement:agencies"
    involvements = list(active_involvements(review))
    if not involvements:
        return [("Add the agencies involved with the family and ask them to review their involvement", page)]
    secured = set(RecordsSecured.objects.filter(review=review).values_list("agency_id", flat=True))
    missing = []
    for involvement in involvements:
        if involvement.asked_on is None:
            missing.append((f"Ask {involvement.agency} to review its involvement", page))
    for involvement in involvements:
        if involvement.agency_id not in secured:
            missing.append((f"Record that {involvement.agency} has secured its case records", page))
    return missing
