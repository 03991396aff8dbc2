"""Pages of the panel: its composition and members, appointing and ending, seat gaps, declarations, overrides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from casereview.core.errors import DomainError
from casereview.core.forms import add_domain_errors
from casereview.core.permissions import require_or_404
from casereview.panel import services
from casereview.panel.forms import AppointForm, DeclarationForm, ReasonForm, SeatGapForm
from casereview.panel.selectors import (
    appointment_for_user_or_404,
    conflict_for_user_or_404,
    declaration_behind,
    my_declarations,
    panel_for_user_or_404,
    seat_of,
)
from casereview.reviews.selectors import review_for_user_or_404


@login_required
@require_GET
def panel(request, pk):
    review = review_for_user_or_404(request.user, pk)
    found = panel_for_user_or_404(request.user, review)
    for appointment in [*found.members, *found.agency_staff]:
        appointment.may_end = request.user.has_perm("panel.end_appointment", appointment)
    context = {
        "review": review,
        "panel": found,
        "may_appoint": request.user.has_perm("panel.appoint", review),
        "may_override": request.user.has_perm("panel.override", review),
        "may_declare": request.user.has_perm("panel.declare", review),
    }
    return render(request, "panel/panel.html", context)


def _back_to_panel(review) -> str:
    return reverse("panel:panel", args=[review.pk])


@login_required
@require_http_methods(["GET", "POST"])
def appoint(request, pk):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "panel.appoint", review)
    form = AppointForm(request.POST or None, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.appointment_make_by_email(actor=request.user, review=review, **form.cleaned_data)
        except services.IndependenceRefused as refusal:
            form.add_error(None, refusal.lead)
            for conflict in refusal.conflicts:
                form.add_error("email", conflict.description)
        except DomainError as error:
            add_domain_errors(form, error, {"user": "email"})
        else:
            messages.success(request, f"{appointment.user} appointed as {appointment.get_position_display().lower()}")
            return redirect("panel:panel", review.pk)
    return render(
        request,
        "panel/appoint.html",
        {
            "form": form,
            "review": review,
            "title": "Appoint someone to the review",
            "caption": review.caption,
            "back_href": _back_to_panel(review),
            "back_text": "Back to the panel",
            "submit_text": "Appoint",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_end(request, pk, appointment_pk):
    review = review_for_user_or_404(request.user, pk)
    appointment = appointment_for_user_or_404(request.user, review, appointment_pk)
    require_or_404(request.user, "panel.end_appointment", appointment)
    form = ReasonForm(request.POST or None, label="Why does the appointment end?")
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_end(actor=request.user, appointment=appointment, reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, f"{appointment.user}'s appointment as {appointment.get_position_display().lower()} ended"
            )
            return redirect("panel:panel", review.pk)
    return render(
        request,
        "panel/end.html",
        {
            "form": form,
            "review": review,
            "appointment": appointment,
            "title": f"End {appointment.user}'s appointment",
            "caption": review.caption,
            "back_href": _back_to_panel(review),
            "back_text": "Back to the panel",
            "submit_text": "End the appointment",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def seat_gap(request, pk):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "panel.appoint", review)
    seat = request.GET.get("seat", "")
    initial = {"seat": seat} if seat_of(review, seat) else None
    form = SeatGapForm(request.POST or None, review=review, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            gap = services.seat_gap_record(actor=request.user, review=review, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            label = seat_of(review, gap.seat).get("label", gap.seat)
            messages.success(request, f"Reason recorded for the {label} seat")
            return redirect("panel:panel", review.pk)
    return render(
        request,
        "frontend/form_page.html",
        {
            "form": form,
            "title": "Record why a seat is not filled",
            "caption": review.caption,
            "back_href": _back_to_panel(review),
            "back_text": "Back to the panel",
            "submit_text": "Record the reason",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def declaration(request, pk):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "panel.declare", review)
    sees_panel = request.user.has_perm("panel.view_panel", review)
    back = _back_to_panel(review) if sees_panel else reverse("reviews:review", args=[review.pk])
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.declaration_make(actor=request.user, review=review, **form.declaration())
        except DomainError as error:
            add_domain_errors(form, error, DeclarationForm.FIELD_MAP)
        else:
            if made.declares_independence:
                messages.success(request, "Declaration made")
            else:
                messages.success(request, "Declaration made. The board managers and the board chair will consider it")
            return redirect(back)
    return render(
        request,
        "panel/declaration.html",
        {
            "form": form,
            "review": review,
            "previous": next(iter(my_declarations(request.user, review)), None),
            "title": "Declare your independence",
            "caption": review.caption,
            "back_href": back,
            "back_text": "Back to the panel" if sees_panel else f"Back to {review.reference}",
            "submit_text": "Make the declaration",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def conflict_override(request, pk, conflict_pk):
    review = review_for_user_or_404(request.user, pk)
    conflict = conflict_for_user_or_404(request.user, review, conflict_pk)
    require_or_404(request.user, "panel.override", review)
    form = ReasonForm(
        request.POST or None,
        label="Why does this conflict not stop them taking part?",
        hint="The reason is kept with the conflict and shown on the panel page",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_override(actor=request.user, conflict=conflict, reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"Conflict overridden for {conflict.user}")
            return redirect("panel:panel", review.pk)
    return render(
        request,
        "panel/override.html",
        {
            "form": form,
            "review": review,
            "conflict": conflict,
            "declaration": declaration_behind(conflict),
            "title": "Override a conflict",
            "caption": review.caption,
            "back_href": _back_to_panel(review),
            "back_text": "Back to the panel",
            "submit_text": "Override the conflict",
        },
    )
