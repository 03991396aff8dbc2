"""Pages of the agencies involved: the status table, one agency's page, and its actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from casereview.core.errors import DomainError
from casereview.core.forms import add_domain_errors
from casereview.core.permissions import require_or_404
from casereview.involvement import services
from casereview.involvement.forms import AgencyAddForm, AskForm, DeadlinesForm, NominateForm, WithdrawForm
from casereview.involvement.models import DEADLINE_FIELDS
from casereview.involvement.selectors import (
    agencies_to_add,
    agency_status,
    agency_statuses,
    involvement_for_user_or_404,
    involvements_of,
)
from casereview.panel.models import Position
from casereview.records.models import AgencyVault
from casereview.reviews.selectors import review_for_user_or_404

POSITION_PAGES = {Position.IMR_AUTHOR: "nominate-imr-author", Position.SENIOR_MANAGER: "nominate-senior-manager"}


def _managed(request, pk, agency_pk):
    """The review and the agency's involvement, for a page that changes it: 404 unless the user manages it."""
    review = review_for_user_or_404(request.user, pk)
    involvement = involvement_for_user_or_404(request.user, review, agency_pk)
    require_or_404(request.user, "involvement.manage", involvement)
    return review, involvement


def _agency_url(involvement) -> str:
    return reverse("involvement:agency", args=[involvement.review_id, involvement.agency_id])


@login_required
@require_GET
def agencies(request, pk):
    review = review_for_user_or_404(request.user, pk)
    statuses = agency_statuses(involvements_of(request.user, review))
    context = {
        "review": review,
        "statuses": statuses,
        "may_add": request.user.has_perm("involvement.add", review),
    }
    return render(request, "involvement/agencies.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agency_add(request, pk):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "involvement.add", review)
    form = AgencyAddForm(request.POST or None, agencies=agencies_to_add(request.user, review))
    if request.method == "POST" and form.is_valid():
        try:
            involvement = services.involvement_add(actor=request.user, review=review, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"{involvement.agency} added to the agencies involved")
            return redirect(_agency_url(involvement))
    return render(
        request,
        "frontend/form_page.html",
        {
            "form": form,
            "title": "Add an agency involved with the family",
            "caption": review.caption,
            "back_href": reverse("involvement:agencies", args=[review.pk]),
            "back_text": "Back to the agencies involved",
            "submit_text": "Add the agency",
        },
    )


@login_required
@require_GET
def agency(request, pk, agency_pk):
    review = review_for_user_or_404(request.user, pk)
    involvement = involvement_for_user_or_404(request.user, review, agency_pk)
    user = request.user
    context = {
        "review": review,
        "involvement": involvement,
        "status": agency_status(involvement),
        "may_manage": user.has_perm("involvement.manage", involvement),
        "may_view_table": user.has_perm("involvement.view_agencies", review),
        "may_view_records": user.has_perm("records.view_agency", AgencyVault(review, involvement.agency)),
        "material": services.submitted_material(involvement),
    }
    return render(request, "involvement/agency.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def deadlines(request, pk, agency_pk):
    review, involvement = _managed(request, pk, agency_pk)
    proposed = services.default_deadlines(review)
    initial = {name: getattr(involvement, name) or proposed[name] for name in DEADLINE_FIELDS}
    form = DeadlinesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.involvement_set_deadlines(actor=request.user, involvement=involvement, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"{involvement.agency}'s deadlines saved")
            return redirect(_agency_url(involvement))
    context = {
        "form": form,
        "review": review,
        "involvement": involvement,
        "proposed": not involvement.has_deadlines and any(proposed.values()),
        "defaults_in_words": services.DEFAULT_DEADLINES_IN_WORDS,
    }
    return render(request, "involvement/deadlines.html", context)


def _nominate(request, pk, agency_pk, position):
    review, involvement = _managed(request, pk, agency_pk)
    form = NominateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.involvement_nominate_by_email(
                actor=request.user, involvement=involvement, position=position, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_errors(form, error, {"user": "email"})
        else:
            words = services.POSITION_WORDS[position]
            messages.success(request, f"{appointment.user} nominated as {involvement.agency}'s {words}")
            return redirect(_agency_url(involvement))
    words = services.POSITION_WORDS[position]
    return render(
        request,
        "involvement/nominate.html",
        {
            "form": form,
            "review": review,
            "involvement": involvement,
            "position": position,
            "words": words,
            "current": services.current_nomination(involvement, position),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def nominate_imr_author(request, pk, agency_pk):
    return _nominate(request, pk, agency_pk, Position.IMR_AUTHOR)


@login_required
@require_http_methods(["GET", "POST"])
def nominate_senior_manager(request, pk, agency_pk):
    return _nominate(request, pk, agency_pk, Position.SENIOR_MANAGER)


@login_required
@require_http_methods(["GET", "POST"])
def ask(request, pk, agency_pk):
    review, involvement = _managed(request, pk, agency_pk)
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.involvement_ask(actor=request.user, involvement=involvement, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"{involvement.agency} asked: its IMR author and senior manager have been told")
            return redirect(_agency_url(involvement))
    context = {"form": form, "review": review, "involvement": involvement, "status": agency_status(involvement)}
    return render(request, "involvement/ask.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk, agency_pk):
    review, involvement = _managed(request, pk, agency_pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.involvement_withdraw(actor=request.user, involvement=involvement, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"{involvement.agency} marked as withdrawn")
            return redirect(_agency_url(involvement))
    return render(
        request,
        "frontend/form_page.html",
        {
            "form": form,
            "title": f"Withdraw {involvement.agency} from the review",
            "caption": review.caption,
            "back_href": _agency_url(involvement),
            "submit_text": "Withdraw the agency",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove(request, pk, agency_pk):
    review, involvement = _managed(request, pk, agency_pk)
    refusal = None
    if request.method == "POST":
        try:
            services.involvement_remove(actor=request.user, involvement=involvement)
        except DomainError as error:
            refusal = error
        else:
            messages.success(request, f"{involvement.agency} removed from the agencies involved")
            return redirect("involvement:agencies", review.pk)
    context = {
        "review": review,
        "involvement": involvement,
        "material": services.submitted_material(involvement),
        "refusal": refusal,
    }
    return render(request, "involvement/remove.html", context)
