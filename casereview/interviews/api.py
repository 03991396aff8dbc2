"""API operations on the list of involved workers: list, add, change and remove a worker an agency lists."""

from datetime import date, datetime

from ninja import Router, Schema, Status

from casereview.core.schemas import ERRORS, StrictIn
from casereview.interviews import services
from casereview.interviews.models import InvolvedWorker, InvolvedWorkerKind
from casereview.interviews.selectors import agency_workers_for_user_or_404, review_workers_of, worker_for_user_or_404
from casereview.reviews.selectors import review_for_user_or_404

router = Router(tags=["Involved workers"])


class WorkerChangeIn(StrictIn):
    full_name: str
    kind: InvolvedWorkerKind
    email: str = ""
    job_title: str = ""
    involved_from: date | None = None
    involved_to: date | None = None
    line_manager_name: str = ""
    line_manager_email: str = ""


class WorkerIn(WorkerChangeIn):
    agency_id: int


class WorkerOut(Schema):
    id: int
    agency_id: int
    agency_name: str
    full_name: str
    kind: InvolvedWorkerKind
    email: str
    job_title: str
    involved_from: date | None
    involved_to: date | None
    line_manager_name: str
    line_manager_email: str
    added_by: str
    added_at: datetime


def worker_out(worker: InvolvedWorker) -> dict:
    return {
        "id": worker.pk,
        "agency_id": worker.agency_id,
        "agency_name": worker.agency.name,
        "full_name": worker.full_name,
        "kind": worker.kind,
        "email": worker.email,
        "job_title": worker.job_title,
        "involved_from": worker.involved_from,
        "involved_to": worker.involved_to,
        "line_manager_name": worker.line_manager_name,
        "line_manager_email": worker.line_manager_email,
        "added_by": str(worker.added_by),
        "added_at": worker.created_at,
    }


@router.get("/{review_id}/workers", response={200: list[WorkerOut], **ERRORS}, summary="The workers involved")
def worker_list(request, review_id: int):
    """The workers each agency lists, of every agency for the board's staff and the panel, of their own agency
    for an agency's IMR author or senior manager. Each call is kept in the audit trail."""
    review = review_for_user_or_404(request.user, review_id)
    workers = [worker_out(worker) for worker in review_workers_of(request.user, review).select_related("added_by")]
    services.workers_viewed(actor=request.user, review=review, count=len(workers), via="api")
    return workers


@router.post("/{review_id}/workers", response={201: WorkerOut, **ERRORS}, summary="List a worker")
def worker_add(request, review_id: int, payload: WorkerIn):
    """Add a worker to the list of the agency `agency_id`: only that agency's IMR author or senior manager."""
    review = review_for_user_or_404(request.user, review_id)
    listed = agency_workers_for_user_or_404(request.user, review, payload.agency_id)
    worker = services.worker_add(
        actor=request.user, review=review, agency=listed.agency, **payload.dict(exclude={"agency_id"})
    )
    return Status(201, worker_out(worker))


@router.put("/{review_id}/workers/{worker_id}", response={200: WorkerOut, **ERRORS}, summary="Change a worker")
def worker_change(request, review_id: int, worker_id: int, payload: WorkerChangeIn):
    review = review_for_user_or_404(request.user, review_id)
    worker = worker_for_user_or_404(request.user, review, worker_id)
    return worker_out(services.worker_change(actor=request.user, worker=worker, **payload.dict()))


@router.delete("/{review_id}/workers/{worker_id}", response={204: None, **ERRORS}, summary="Remove a worker")
def worker_remove(request, review_id: int, worker_id: int):
    """Take a worker listed by mistake off the list; refused (409) once anything is recorded with them."""
    review = review_for_user_or_404(request.user, review_id)
    services.worker_remove(actor=request.user, worker=worker_for_user_or_404(request.user, review, worker_id))
    return Status(204, None)
