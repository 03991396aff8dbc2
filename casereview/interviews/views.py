"""Pages of the list of involved workers: the list by agency, and adding, changing and removing a worker."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from casereview.core.errors import DomainError
from casereview.core.forms import add_domain_errors
from casereview.core.permissions import require_or_404
from casereview.interviews import services
from casereview.interviews.forms import WorkerForm
from casereview.interviews.selectors import (
    AgencyWorkers,
    agency_workers_for_user_or_404,
    review_workers_of,
    worker_agencies_of,
    worker_for_user_or_404,
)
from casereview.interviews.services import WORKER_FIELDS
from casereview.reviews.selectors import review_for_user_or_404


@login_required
@require_GET
def workers(request, pk):
    review = review_for_user_or_404(request.user, pk)
    agencies = worker_agencies_of(request.user, review)
    by_agency = {agency.pk: [] for agency in agencies}
    for worker in review_workers_of(request.user, review):
        by_agency[worker.agency_id].append(worker)
    services.workers_viewed(actor=request.user, review=review, count=sum(len(rows) for rows in by_agency.values()))
    groups = [
        (
            agency,
            by_agency[agency.pk],
            request.user.has_perm("interviews.change_workers", AgencyWorkers(review, agency)),
        )
        for agency in agencies
    ]
    return render(request, "interviews/workers.html", {"review": review, "groups": groups})


@login_required
@require_http_methods(["GET", "POST"])
def worker_edit(request, pk, agency_pk, worker_pk=None):
    """Add a worker to an agency's list, or (with `worker_pk`) change one."""
    review = review_for_user_or_404(request.user, pk)
    listed = agency_workers_for_user_or_404(request.user, review, agency_pk)
    require_or_404(request.user, "interviews.change_workers", listed)
    worker = worker_for_user_or_404(request.user, review, worker_pk, agency_pk=agency_pk) if worker_pk else None
    initial = {field: getattr(worker, field) for field in WORKER_FIELDS} if worker is not None else None
    form = WorkerForm(request.POST or None, initial=initial)
    if request.method == "GET" and worker is not None:  # the form shows the worker's name and contacts
        services.worker_viewed(actor=request.user, worker=worker)
    if request.method == "POST" and form.is_valid():
        try:
            if worker is None:
                saved = services.worker_add(
                    actor=request.user, review=review, agency=listed.agency, **form.cleaned_data
                )
            else:
                saved = services.worker_change(actor=request.user, worker=worker, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"{saved.full_name} saved in the workers involved from {listed.agency}")
            return redirect("interviews:workers", review.pk)
    context = {
        "form": form,
        "title": f"Change {worker.full_name}" if worker else f"Add a worker from {listed.agency}",
        "caption": f"{review.reference}: workers involved",
        "back_href": reverse("interviews:workers", args=[review.pk]),
        "back_text": "Back to the workers involved",
        "submit_text": "Save worker",
    }
    return render(request, "frontend/form_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def worker_remove(request, pk, agency_pk, worker_pk):
    """Ask, then take a worker off the list."""
    review = review_for_user_or_404(request.user, pk)
    listed = agency_workers_for_user_or_404(request.user, review, agency_pk)
    require_or_404(request.user, "interviews.change_workers", listed)
    worker = worker_for_user_or_404(request.user, review, worker_pk, agency_pk=agency_pk)
    refusal = forms.Form()  # holds the service's refusal, shown in the error summary
    if request.method == "POST":
        try:
            services.worker_remove(actor=request.user, worker=worker)
        except DomainError as error:
            refusal = forms.Form(data={})
            refusal.full_clean()
            add_domain_errors(refusal, error)
        else:
            messages.success(request, f"{worker.full_name} removed from the workers involved from {listed.agency}")
            return redirect("interviews:workers", review.pk)
    context = {"review": review, "agency": listed.agency, "worker": worker, "form": refusal}
    return render(request, "interviews/worker_remove.html", context)
