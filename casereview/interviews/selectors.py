"""The only ways to load the workers an agency lists as involved, scoped to what the user may see; not allowed
looks like not found."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from casereview.accounts.models import AGENCY_ROLES, Agency
from casereview.accounts.selectors import grants_of
from casereview.core.permissions import require_or_404
from casereview.interviews.models import InvolvedWorker
from casereview.involvement.selectors import active_involvements
from casereview.records.selectors import agencies_involved
from casereview.reviews.models import Review


@dataclass(frozen=True)
class AgencyWorkers:
    """One agency's list of workers on a review: what the permission rules are asked about."""

    review: Review
    agency: Agency


def involved_workers(review: Review) -> QuerySet[InvolvedWorker]:
    """Every worker listed on the review, for the system's own checks (the independence check); unscoped."""
    return InvolvedWorker.objects.filter(review=review).select_related("agency")


def worker_agencies_of(user, review: Review) -> list[Agency]:
    """The agencies whose lists the user sees: for the board's staff and the panel, every agency involved (and
    not withdrawn), with an IMR author or senior manager on the review, or with a worker listed; for an agency's
    staff, their own agency on this review."""
    require_or_404(user, "interviews.view_workers", review)
    if user.has_perm("interviews.view_all_workers", review):
        ids = set(active_involvements(review).values_list("agency_id", flat=True))
        ids |= set(agencies_involved(review).values_list("pk", flat=True))  # those with an IMR author or manager
        ids |= set(InvolvedWorker.objects.filter(review=review).values_list("agency_id", flat=True))
    else:
        ids = {
            g.agency_id
            for g in grants_of(user)
            if g.review_id == review.pk and g.agency_id is not None and g.role in AGENCY_ROLES
        }
    return list(Agency.objects.filter(pk__in=ids, board_id=review.board_id).order_by("name", "pk"))


def agency_workers_for_user_or_404(user, review: Review, agency_pk) -> AgencyWorkers:
    try:
        agency = Agency.objects.get(pk=agency_pk, board_id=review.board_id)
    except (Agency.DoesNotExist, ValueError, TypeError):
        raise Http404("No such agency") from None
    listed = AgencyWorkers(review, agency)
    require_or_404(user, "interviews.view_agency_workers", listed)
    return listed


def workers_of(user, listed: AgencyWorkers) -> QuerySet[InvolvedWorker]:
    require_or_404(user, "interviews.view_agency_workers", listed)
    return InvolvedWorker.objects.filter(review=listed.review, agency=listed.agency).select_related("agency")


def review_workers_of(user, review: Review) -> QuerySet[InvolvedWorker]:
    """Every worker of the review that the user may see, grouped by agency."""
    agencies = worker_agencies_of(user, review)
    return InvolvedWorker.objects.filter(review=review, agency__in=agencies).select_related("agency")


def worker_for_user_or_404(user, review: Review, pk, *, agency_pk=None) -> InvolvedWorker:
    """A worker of the review the user may see; with `agency_pk`, only one that agency lists."""
    try:
        worker = InvolvedWorker.objects.select_related("agency", "review").get(pk=pk, review=review)
    except (InvolvedWorker.DoesNotExist, ValueError, TypeError):
        raise Http404("No such worker") from None
    if agency_pk is not None and str(worker.agency_id) != str(agency_pk):
        raise Http404("No such worker")
    require_or_404(user, "interviews.view_agency_workers", AgencyWorkers(review, worker.agency))
    return worker
