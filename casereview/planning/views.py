"""Pages of the terms of reference (current version, versions and what changed, a new version, the panel's
agreement) and of the panel's meetings (list, a meeting, add and change, attendance, actions)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from casereview.accounts.models import Role
from casereview.core.errors import DomainError
from casereview.core.forms import add_domain_errors
from casereview.core.permissions import require_or_404
from casereview.planning import services
from casereview.planning.forms import (
    ActionDoneForm,
    ActionForm,
    AgreementForm,
    AttendanceForm,
    MeetingForm,
    TermsForm,
)
from casereview.planning.models import Attendance
from casereview.planning.selectors import (
    action_for_user_or_404,
    action_owner_choices,
    agencies_of_board,
    changes_in,
    completion_deadline,
    current_terms_of,
    decision_date,
    meeting_attendees,
    meeting_for_user_or_404,
    meetings_of,
    terms_version_for_user_or_404,
    terms_versions_of,
    timetable_proposal,
)
from casereview.records.selectors import agencies_involved
from casereview.reviews.selectors import review_for_user_or_404

# -- Terms of reference ------------------------------------------------------------------------------------


@login_required
@require_GET
def terms(request, pk):
    review = review_for_user_or_404(request.user, pk)
    versions = list(terms_versions_of(request.user, review))
    current = versions[0] if versions else None
    context = {
        "review": review,
        "terms": current,
        "versions": versions,
        "complete_by": completion_deadline(review),
        "may_change": request.user.has_perm("planning.change_terms", review),
        "may_agree": request.user.has_perm("planning.agree_terms", review),
    }
    return render(request, "planning/terms.html", context)


@login_required
@require_GET
def terms_version(request, pk, version_pk):
    review = review_for_user_or_404(request.user, pk)
    version = terms_version_for_user_or_404(request.user, review, version_pk)
    context = {
        "review": review,
        "terms": version,
        "changes": changes_in(version),
        "is_current": version == current_terms_of(request.user, review),
        "complete_by": completion_deadline(review),
    }
    return render(request, "planning/terms_version.html", context)


def _terms_initial(review, current) -> tuple[dict, int]:
    """The form starts from the current version, or for the first from the proposal and what is known."""
    if current is not None:
        milestones = [(m.label, m.due_on) for m in current.milestones.all()]
        initial = {
            "period_from": current.period_from,
            "period_to": current.period_to,
            "lines_of_enquiry": "\n".join(current.enquiry_lines()),
            "agencies": list(current.agencies.all()),
            "family_involvement": current.family_involvement,
        }
    else:
        milestones = [(m.label, m.due_on) for m in timetable_proposal(review)]
        initial = {
            "period_to": review.date_of_death or review.incident_date or review.referred_on,
            "agencies": list(agencies_involved(review)),
        }
    initial["based_on_version"] = current.version if current else 0
    return initial | TermsForm.milestone_initial(milestones), len(milestones)


@login_required
@require_http_methods(["GET", "POST"])
def terms_edit(request, pk):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "planning.change_terms", review)
    current = current_terms_of(request.user, review)
    initial, count = _terms_initial(review, current)
    add_rows = "add_rows" in request.POST
    form = TermsForm(
        request.POST or None,
        initial=initial,
        agencies=agencies_of_board(review),
        milestone_count=count,
        first_version=current is None,
        add_rows=add_rows,
    )
    if add_rows:
        form.without_errors()
    elif request.method == "POST" and form.is_valid():
        try:
            saved = services.terms_save(actor=request.user, review=review, **form.service_values())
        except DomainError as error:
            add_domain_errors(form, error, form.field_map())
        else:
            messages.success(request, f"Terms of reference saved as version {saved.version}")
            return redirect("planning:terms", review.pk)
    context = {
        "form": form,
        "review": review,
        "current": current,
        "decided_on": decision_date(review),
        "complete_by": completion_deadline(review),
    }
    return render(request, "planning/terms_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def terms_agree(request, pk, version_pk):
    review = review_for_user_or_404(request.user, pk)
    version = terms_version_for_user_or_404(request.user, review, version_pk)
    require_or_404(request.user, "planning.agree_terms", review)
    today = timezone.localdate()
    meetings = meetings_of(request.user, review).filter(held_on__lte=today).order_by("-held_on")
    form = AgreementForm(request.POST or None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        try:
            services.terms_agree(actor=request.user, terms=version, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"The panel's agreement of version {version.version} recorded")
            return redirect("planning:terms", review.pk)
    return render(
        request,
        "frontend/form_page.html",
        {
            "form": form,
            "title": f"Record the panel's agreement of version {version.version}",
            "caption": review.caption,
            "back_href": reverse("planning:terms", args=[review.pk]),
            "back_text": "Back to the terms of reference",
            "submit_text": "Record agreement",
        },
    )


# -- Meetings ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def meetings(request, pk):
    review = review_for_user_or_404(request.user, pk)
    rows = [
        (
            found,
            [row.user for row in found.attendance.all() if row.attendance == Attendance.PRESENT],
            bool(found.attendance.all() or found.others_attending),
            sum(1 for action in found.actions.all() if action.done_on is None),
        )
        for found in meetings_of(request.user, review)
    ]
    context = {
        "review": review,
        "rows": rows,
        "today": timezone.localdate(),
        "may_change": request.user.has_perm("planning.change_meetings", review),
    }
    return render(request, "planning/meetings.html", context)


@login_required
@require_GET
def meeting(request, pk, meeting_pk):
    review = review_for_user_or_404(request.user, pk)
    found = meeting_for_user_or_404(request.user, review, meeting_pk)
    context = {
        "review": review,
        "meeting": found,
        "attendees": meeting_attendees(found),
        "actions": list(found.actions.all()),
        "agreements": found.terms_agreements.select_related("terms"),
        "held": found.held_on <= timezone.localdate(),
        "today": timezone.localdate(),
        "may_change": request.user.has_perm("planning.change_meetings", review),
    }
    return render(request, "planning/meeting.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk, meeting_pk=None):
    review = review_for_user_or_404(request.user, pk)
    found = meeting_for_user_or_404(request.user, review, meeting_pk) if meeting_pk is not None else None
    require_or_404(request.user, "planning.change_meetings", review)
    initial = {name: getattr(found, name) for name in MeetingForm.base_fields} if found else None
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if found is None:
                saved = services.meeting_add(actor=request.user, review=review, **form.cleaned_data)
            else:
                saved = services.meeting_change(actor=request.user, meeting=found, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"Meeting on {saved.held_on:%-d %B %Y} saved")
            return redirect("planning:meeting", review.pk, saved.pk)
    back = reverse("planning:meeting", args=[review.pk, found.pk]) if found else reverse("planning:meetings", args=[pk])
    return render(
        request,
        "frontend/form_page.html",
        {
            "form": form,
            "title": "Change the meeting" if found else "Add a panel meeting",
            "caption": review.caption,
            "back_href": back,
            "submit_text": "Save meeting",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk, meeting_pk):
    review = review_for_user_or_404(request.user, pk)
    found = meeting_for_user_or_404(request.user, review, meeting_pk)
    require_or_404(request.user, "planning.change_meetings", review)
    attendees = meeting_attendees(found)
    initial = {f"attendance_{user.pk}": row.attendance for user, _role, row in attendees if row is not None}
    initial["others_attending"] = found.others_attending
    form = AttendanceForm(
        request.POST or None,
        initial=initial,
        attendees=[(user, Role(role).label) for user, role, _row in attendees],
    )
    back = reverse("planning:meeting", args=[review.pk, found.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record_attendance(
                actor=request.user,
                meeting=found,
                attendance=form.attendance(),
                others_attending=form.cleaned_data["others_attending"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Attendance recorded")
            return redirect(back)
    return render(
        request,
        "planning/attendance_form.html",
        {"form": form, "review": review, "meeting": found, "back_href": back, "caption": review.caption},
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request, pk, meeting_pk):
    review = review_for_user_or_404(request.user, pk)
    found = meeting_for_user_or_404(request.user, review, meeting_pk)
    require_or_404(request.user, "planning.change_meetings", review)
    form = ActionForm(request.POST or None, owners=action_owner_choices(review))
    back = reverse("planning:meeting", args=[review.pk, found.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_action_add(actor=request.user, meeting=found, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Action added")
            return redirect(back)
    return render(
        request,
        "frontend/form_page.html",
        {
            "form": form,
            "title": "Add an action",
            "caption": f"Panel meeting on {found.held_on:%-d %B %Y}",
            "back_href": back,
            "submit_text": "Add action",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_done(request, pk, meeting_pk, action_pk):
    review = review_for_user_or_404(request.user, pk)
    found = meeting_for_user_or_404(request.user, review, meeting_pk)
    action = action_for_user_or_404(request.user, found, action_pk)
    require_or_404(request.user, "planning.change_meetings", review)
    form = ActionDoneForm(request.POST or None, initial={"done_on": timezone.localdate()})
    back = reverse("planning:meeting", args=[review.pk, found.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_action_done(actor=request.user, action=action, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Action marked as done")
            return redirect(back)
    return render(
        request,
        "frontend/form_page.html",
        {
            "form": form,
            "title": "Mark the action as done",
            "caption": action.what,
            "back_href": back,
            "submit_text": "Mark as done",
        },
    )
