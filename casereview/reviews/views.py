"""Pages of the review workspace: dashboard, referral, decision, stage moves, deadlines, people register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casereview.accounts.selectors import agencies_visible_to, boards_of
from casereview.audit.services import audit_read
from casereview.core.errors import DomainError, StageRefused
from casereview.core.forms import add_domain_errors
from casereview.core.permissions import require_or_404
from casereview.reviews import services
from casereview.reviews.deadlines import next_deadline, review_deadlines
from casereview.reviews.forms import (
    DeadlineOverrideForm,
    DecisionForm,
    PersonForm,
    PlaceForm,
    ReferralForm,
    StageChangeForm,
)
from casereview.reviews.models import ReviewType
from casereview.reviews.selectors import (
    people_of,
    person_for_user_or_404,
    place_for_user_or_404,
    places_of,
    review_for_user_or_404,
    reviews_visible_to,
    stage_history_of,
)
from casereview.reviews.transitions import moves_from
from casereview.reviews.workspace import areas, workspace


def _referral_boards(user) -> list:
    return [board for board in boards_of(user) if user.has_perm("reviews.refer", board)]


def _referral_board(user, board_id):
    """The board a new referral goes to: the one asked for (?board=), or the user's only such board."""
    boards = _referral_boards(user)
    if board_id:
        return next((board for board in boards if str(board.pk) == board_id), None)
    return boards[0] if len(boards) == 1 else None


@login_required
def dashboard(request):
    today = timezone.localdate()
    reviews = [(review, next_deadline(review, today)) for review in reviews_visible_to(request.user)]
    return render(
        request,
        "reviews/dashboard.html",
        {"reviews": reviews, "referral_boards": _referral_boards(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request):
    board = _referral_board(request.user, request.GET.get("board"))
    if board is None:
        raise Http404("No board to refer to")
    agencies = agencies_visible_to(request.user, board)
    form = ReferralForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_refer(
                actor=request.user,
                board=board,
                review_type=ReviewType.objects.get(code="SCR"),
                **form.service_values(),
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"Referral recorded as {review.reference}")
            return redirect("reviews:review", review.pk)
    return render(request, "reviews/referral_form.html", {"form": form, "board": board, "review": None})


@login_required
def review_detail(request, pk):
    review = review_for_user_or_404(request.user, pk)
    user = request.user
    context = {
        "review": review,
        "sections": workspace(review, user),
        "areas": areas(review, user),
        "deadlines": review_deadlines(review),
        "may_view_referral": user.has_perm("reviews.view_referral", review),
        "may_override_deadline": user.has_perm("reviews.override_deadline", review),
        "history": stage_history_of(user, review) if user.has_perm("reviews.view_stage_history", review) else None,
    }
    return render(request, "reviews/review_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def referral_change(request, pk):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "reviews.change_referral", review)
    agencies = agencies_visible_to(request.user, review.board)
    initial = {field: getattr(review, field) for field in services.REFERRAL_FIELDS}
    initial |= {"child_died": "yes" if review.child_died else "no", "reference": review.reference}
    form = ReferralForm(request.POST or None, initial=initial, agencies=agencies)
    form.fields["reference"].disabled = True
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        values.pop("reference", None)
        try:
            services.review_change_referral(actor=request.user, review=review, **values)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Referral details saved")
            return redirect("reviews:review", review.pk)
    return render(request, "reviews/referral_form.html", {"form": form, "board": review.board, "review": review})


@login_required
@require_http_methods(["GET", "POST"])
def decision(request, pk):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "reviews.decide", review)
    form = DecisionForm(
        request.POST or None, review_type=review.review_type, initial={"decided_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_decide(actor=request.user, review=review, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Decision recorded")
            return redirect("reviews:review", review.pk)
    return render(request, "reviews/decision_form.html", {"form": form, "review": review})


@login_required
@require_http_methods(["GET", "POST"])
def stage_change(request, pk):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "reviews.change_stage", review)
    moves = moves_from(review)
    form = StageChangeForm(request.POST or None, moves=moves)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            services.review_change_stage(actor=request.user, review=review, **form.cleaned_data)
        except StageRefused as error:
            refusal = error
        except DomainError as error:
            add_domain_errors(form, error, {"to_stage": "to_stage", "on": "on"})
        else:
            messages.success(
                request,
                f"The review moved to {review_for_user_or_404(request.user, pk).get_stage_display().lower()}",
            )
            return redirect("reviews:review", review.pk)
    return render(
        request,
        "reviews/stage_form.html",
        {"form": form, "review": review, "moves": moves, "refusal": refusal},
    )


@login_required
@require_http_methods(["GET", "POST"])
def deadlines(request, pk):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "reviews.override_deadline", review)
    rules = list(review.review_type.deadline_rules.all())
    form = DeadlineOverrideForm(request.POST or None, rules=rules)
    if request.method == "POST" and form.is_valid():
        rule = next(rule for rule in rules if str(rule.pk) == form.cleaned_data["rule"])
        try:
            services.deadline_override(
                actor=request.user,
                review=review,
                rule=rule,
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"{rule.label} deadline changed")
            return redirect("reviews:review", review.pk)
    return render(
        request,
        "reviews/deadlines.html",
        {
            "form": form,
            "review": review,
            "deadlines": review_deadlines(review),
            "overrides": review.deadline_overrides.all(),
        },
    )


@login_required
def people(request, pk):
    review = review_for_user_or_404(request.user, pk)
    people, places = people_of(request.user, review), places_of(request.user, review)
    audit_read(actor=request.user, action="people_register.viewed", obj=review, review=review, data={"via": "page"})
    return render(
        request,
        "reviews/people.html",
        {
            "review": review,
            "people": people,
            "places": places,
            "may_change": request.user.has_perm("reviews.change_people", review),
        },
    )


def _register_form(request, review, *, form_class, obj, add, change, what: str):
    """Add or change one entry of the people register (a person or a place)."""
    initial = {name: getattr(obj, name) for name in form_class.base_fields} if obj is not None else None
    form = form_class(request.POST or None, initial=initial)
    if request.method == "GET" and obj is not None:  # the form shows the real name and identifiers
        audit_read(actor=request.user, action=f"{what}.viewed", obj=obj, review=review, data={"via": "page"})
    if request.method == "POST" and form.is_valid():
        try:
            if obj is None:
                saved = add(actor=request.user, review=review, **form.cleaned_data)
            else:
                saved = change(actor=request.user, **{what: obj}, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"{saved.pseudonym} saved in the register")
            return redirect("reviews:people", review.pk)
    context = {
        "form": form,
        "title": f"Change {obj.pseudonym}" if obj else f"Add a {what}",
        "caption": f"{review.reference}: people register",
        "back_href": reverse("reviews:people", args=[review.pk]),
        "back_text": "Back to the people register",
    }
    return render(request, "frontend/form_page.html", context)


def _register_remove(request, review, obj, remove, what: str):
    """Ask, then remove one entry of the people register."""
    refused = None
    if request.method == "POST":
        try:
            remove(actor=request.user, **{what: obj})
        except DomainError as error:
            refused = error.message
        else:
            messages.success(request, f"{obj.pseudonym} removed from the register")
            return redirect("reviews:people", review.pk)
    context = {"review": review, "object": obj, "what": what, "refused": refused}
    return render(request, "reviews/remove_confirm.html", context, status=409 if refused else 200)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk, person_pk=None):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "reviews.change_people", review)
    person = person_for_user_or_404(request.user, review, person_pk) if person_pk else None
    return _register_form(
        request,
        review,
        form_class=PersonForm,
        obj=person,
        add=services.person_add,
        change=services.person_change,
        what="person",
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_edit(request, pk, place_pk=None):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "reviews.change_people", review)
    place = place_for_user_or_404(request.user, review, place_pk) if place_pk else None
    return _register_form(
        request,
        review,
        form_class=PlaceForm,
        obj=place,
        add=services.place_add,
        change=services.place_change,
        what="place",
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_remove(request, pk, person_pk):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "reviews.change_people", review)
    person = person_for_user_or_404(request.user, review, person_pk)
    return _register_remove(request, review, person, services.person_remove, "person")


@login_required
@require_http_methods(["GET", "POST"])
def place_remove(request, pk, place_pk):
    review = review_for_user_or_404(request.user, pk)
    require_or_404(request.user, "reviews.change_people", review)
    place = place_for_user_or_404(request.user, review, place_pk)
    return _register_remove(request, review, place, services.place_remove, "place")
