"""Signing in and out, and the board's agencies."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from casereview.accounts import services
from casereview.accounts.forms import AgencyForm, SignInForm
from casereview.accounts.selectors import agencies_visible_to, agency_for_user_or_404, boards_of
from casereview.core.errors import DomainError
from casereview.core.forms import add_domain_errors


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@login_required
def agency_list(request):
    boards = list(boards_of(request.user))
    return render(
        request,
        "accounts/agency_list.html",
        {
            "boards": [
                (
                    board,
                    agencies_visible_to(request.user, board),
                    request.user.has_perm("accounts.manage_agencies", board),
                )
                for board in boards
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request, pk=None):
    agency = agency_for_user_or_404(request.user, pk) if pk else None
    board = (
        agency.board
        if agency
        else next((b for b in boards_of(request.user) if request.user.has_perm("accounts.manage_agencies", b)), None)
    )
    if board is None or not request.user.has_perm("accounts.manage_agencies", board):
        raise Http404("No such agency")
    form = AgencyForm(request.POST or None, initial={"name": agency.name, "kind": agency.kind} if agency else None)
    if request.method == "POST" and form.is_valid():
        try:
            if agency is None:
                saved = services.agency_create(actor=request.user, board=board, **form.cleaned_data)
            else:
                saved = services.agency_change(actor=request.user, agency=agency, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"{saved.name} saved")
            return redirect("accounts:agencies")
    context = {
        "form": form,
        "title": f"Change {agency.name}" if agency else "Add an agency",
        "caption": board.name,
        "back_href": reverse("accounts:agencies"),
        "back_text": "Back to agencies",
    }
    return render(request, "frontend/form_page.html", context)
