"""The only code that writes the list of involved workers: add, change and remove a worker an agency lists,
each audited and followed by the panel's independence check, which reads the list."""

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from casereview.accounts.models import Agency
from casereview.audit.services import audit_read, audit_record
from casereview.core.errors import Conflict, Invalid
from casereview.core.permissions import require_or_refuse
from casereview.core.text import text_errors
from casereview.interviews.models import InvolvedWorker, InvolvedWorkerKind
from casereview.interviews.selectors import AgencyWorkers
from casereview.panel.services import independence_recheck
from casereview.reviews.models import Review

WORKER_FIELDS = (
    "full_name",
    "email",
    "kind",
    "job_title",
    "involved_from",
    "involved_to",
    "line_manager_name",
    "line_manager_email",
)
DATE_FIELDS = frozenset({"involved_from", "involved_to"})
EMAIL_FIELDS = {"email": "the worker", "line_manager_email": "their line manager"}

# What can hang off a listed worker: the words the refusal uses, and whether the worker has one. A worker with
# anything attached stays on the list (what was done with them is part of the review). Issue 5 adds its
# interviews here, for example ("an interview", lambda worker: worker.interviews.exists()).
WORKER_ATTACHMENTS: list[tuple[str, Callable[[InvolvedWorker], bool]]] = []


def _one_line(value) -> str:
    return " ".join((value or "").split())


def _clean_worker(listed: AgencyWorkers, values: dict, worker: InvolvedWorker | None = None) -> dict:
    values = {field: values.get(field) for field in WORKER_FIELDS}
    for field in WORKER_FIELDS:
        if field in EMAIL_FIELDS:
            values[field] = (values[field] or "").strip().lower()
        elif field not in DATE_FIELDS:
            values[field] = _one_line(values[field])
    Invalid.check(text_errors(values, InvolvedWorker))
    errors = {}
    if not values["full_name"]:
        errors["full_name"] = "Enter the worker's full name"
    if values["kind"] not in InvolvedWorkerKind.values:
        errors["kind"] = "Choose what the worker did, for example practitioner or manager"
    for field, whose in EMAIL_FIELDS.items():
        if values[field]:
            try:
                validate_email(values[field])
            except ValidationError:
                errors[field] = f"Enter {whose}'s email address in the correct format, like name@example.com"
    if values["line_manager_email"] and not values["line_manager_name"]:
        errors["line_manager_name"] = "Enter the line manager's name, or leave their email address blank"
    if values["email"] and values["email"] == values["line_manager_email"]:
        errors["line_manager_email"] = "Enter the line manager's own email address, not the worker's"
    started, ended = values["involved_from"], values["involved_to"]
    for field, value, label in [("involved_from", started, "started"), ("involved_to", ended, "ended")]:
        if value is not None and not isinstance(value, date):
            errors[field] = f"Enter the date their involvement {label} as a date"
        elif value is not None and value > timezone.localdate():
            errors[field] = f"The date their involvement {label} must be today or in the past"
    if "involved_from" not in errors and "involved_to" not in errors and started and ended and ended < started:
        errors["involved_to"] = "The date their involvement ended must be the same as or after the date it started"
    if values["email"] and "email" not in errors:
        listed_already = InvolvedWorker.objects.filter(
            review=listed.review, agency=listed.agency, email=values["email"]
        ).exclude(pk=getattr(worker, "pk", None))
        if listed_already.exists():
            errors["email"] = f"A worker with this email address is already listed for {listed.agency}"
    Invalid.check(errors)
    return values


def _lock(review: Review) -> None:
    """One change to a review's list at a time, so the independence check reads a settled list."""
    Review.objects.select_for_update().filter(pk=review.pk).first()


@transaction.atomic
def worker_add(*, actor, review: Review, agency: Agency, **values) -> InvolvedWorker:
    """List a worker the agency's records show worked with the family, or managed or supervised those who
    did. Listing needs no account: inviting them comes with their interview (issue 5)."""
    listed = AgencyWorkers(review, agency)
    require_or_refuse(actor, "interviews.change_workers", listed, "list workers for this agency")
    cleaned = _clean_worker(listed, values)
    _lock(review)
    worker = InvolvedWorker.objects.create(review=review, agency=agency, added_by=actor, **cleaned)
    audit_record(
        actor=actor,
        action="worker.added",
        obj=worker,
        review=review,
        data={"agency": agency.pk, "full_name": worker.full_name, "kind": worker.kind},
    )
    independence_recheck(review=review)
    return worker


@transaction.atomic
def worker_change(*, actor, worker: InvolvedWorker, **values) -> InvolvedWorker:
    """Change what is recorded about a listed worker; fields not given keep their value."""
    listed = AgencyWorkers(worker.review, worker.agency)
    require_or_refuse(actor, "interviews.change_workers", listed, "change this agency's workers")
    current = {field: getattr(worker, field) for field in WORKER_FIELDS}
    cleaned = _clean_worker(listed, current | values, worker)
    _lock(worker.review)
    changed = sorted(field for field, value in cleaned.items() if current[field] != value)
    for field, value in cleaned.items():
        setattr(worker, field, value)
    worker.save()
    audit_record(
        actor=actor,
        action="worker.changed",
        obj=worker,
        review=worker.review,
        data={"agency": worker.agency_id, "full_name": worker.full_name, "changed": changed},
    )
    independence_recheck(review=worker.review)
    return worker


def worker_attachments(worker: InvolvedWorker) -> list[str]:
    """What is recorded with the worker that keeps them on the list, in words for the refusal."""
    return [label for label, attached in WORKER_ATTACHMENTS if attached(worker)]


@transaction.atomic
def worker_remove(*, actor, worker: InvolvedWorker) -> None:
    """Take a worker listed by mistake off the list; refused once anything is recorded with them."""
    review = worker.review
    require_or_refuse(
        actor, "interviews.change_workers", AgencyWorkers(review, worker.agency), "change this agency's workers"
    )
    _lock(review)
    attached = worker_attachments(worker)
    if attached:
        raise Conflict(f"{worker.full_name} cannot be removed: {' and '.join(attached)} is recorded with them")
    audit_record(
        actor=actor,
        action="worker.removed",
        obj=worker,
        review=review,
        data={"agency": worker.agency_id, "full_name": worker.full_name, "kind": worker.kind},
    )
    try:
        worker.delete()
    except ProtectedError:  # something refers to the worker that WORKER_ATTACHMENTS does not name yet
        raise Conflict(f"{worker.full_name} cannot be removed: something is recorded with them") from None
    independence_recheck(review=review)


def workers_viewed(*, actor, review: Review, agency: Agency | None = None, count: int = 0, via: str = "page") -> None:
    """Audit a read of the list of workers (staff names): which review, which agency, how many workers."""
    require_or_refuse(actor, "interviews.view_workers", review, "see the workers involved")
    data = {"agency": agency.pk if agency is not None else None, "workers": count, "via": via}
    audit_read(
        actor=actor, action="workers.viewed", obj=agency if agency is not None else review, review=review, data=data
    )


def worker_viewed(*, actor, worker: InvolvedWorker) -> None:
    """Audit a read of one worker's details (the change page shows their name and contacts)."""
    require_or_refuse(
        actor, "interviews.view_agency_workers", AgencyWorkers(worker.review, worker.agency), "see this worker"
    )
    audit_read(actor=actor, action="worker.viewed", obj=worker, review=worker.review, data={"agency": worker.agency_id})
