"""Signing in (with two-factor sign-in and lockout) and out, and the board's agencies."""

import base64
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from casereview.accounts import services
from casereview.accounts.forms import AgencyForm, SignInForm, TwoFactorCodeForm
from casereview.accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from casereview.accounts.selectors import (
    agencies_visible_to,
    agency_for_user_or_404,
    boards_of,
    boards_user_may_manage,
    two_factor_device_of,
    two_factor_needed,
)
from casereview.core.errors import DomainError
from casereview.core.forms import add_domain_errors


def _next_url(request) -> str:
    """Where to go after signing in: the page asked for on this site, or the dashboard."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        auth_login(self.request, user)
        now = int(time.time())
        self.request.session[SIGNED_IN_AT] = self.request.session[LAST_SEEN] = now
        needed = two_factor_needed(user)
        services.sign_in_succeed(user=user, two_factor_needed=needed)
        if needed:
            step = "accounts:two-factor" if two_factor_device_of(user) else "accounts:two-factor-setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': self.get_success_url()})}")
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        email, password = form.cleaned_data.get("username"), self.request.POST.get("password")
        if email and password and "username" not in form.errors:  # a real attempt, not a blank form
            locked = getattr(self.request, "axes_locked_out", False)
            just_locked = getattr(self.request, "axes_failures_since_start", None) is not None
            services.sign_in_fail(email=email, locked_out=locked and not just_locked)
        return super().form_invalid(form)


def locked_out(request, original_response=None, credentials=None):
    """The page shown instead of the sign-in form while an email address is locked out (django-axes)."""
    email = (credentials or {}).get("username") or ""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if email and getattr(request, "axes_failures_since_start", None) is not None:  # this attempt locked it
        services.sign_in_lock_out(email=email, failures=request.axes_failures_since_start, minutes=minutes)
    context = {"minutes": minutes, "failures": settings.AXES_FAILURE_LIMIT}
    return render(request, "accounts/locked_out.html", context, status=429)


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            services.sign_out_record(actor=request.user)
        return super().post(request, *args, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def sign_out_everywhere(request):
    if request.method == "POST":
        services.sign_out_everywhere(actor=request.user)
        auth_logout(request)
        messages.success(request, "You have been signed out on every device")
        return redirect(settings.LOGIN_URL)
    return render(request, "accounts/sign_out_everywhere.html")


def _two_factor_done(request) -> bool:
    return request.user.is_verified() or not two_factor_needed(request.user)


def _signed_in_with_device(request, device):
    otp_login(request, device)
    request.session.cycle_key()  # a new session id once the sign-in is complete
    return redirect(_next_url(request))


def _grouped(text: str, size: int = 4) -> str:
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app: its secret as text (and as an otpauth:// link), confirmed with a code."""
    if _two_factor_done(request):
        return redirect(_next_url(request))
    if two_factor_device_of(request.user):
        return redirect(f"{reverse('accounts:two-factor')}?{urlencode({'next': _next_url(request)})}")
    device = services.two_factor_setup_start(actor=request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.two_factor_enrol(actor=request.user, code=form.cleaned_data["code"])
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Your authenticator app is set up")
            return _signed_in_with_device(request, confirmed)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {"form": form, "secret": _grouped(secret), "otpauth_uri": device.config_url, "next": _next_url(request)}
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """Enter the code from the authenticator app set up before."""
    if _two_factor_done(request):
        return redirect(_next_url(request))
    if not two_factor_device_of(request.user):
        return redirect(f"{reverse('accounts:two-factor-setup')}?{urlencode({'next': _next_url(request)})}")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(actor=request.user, code=form.cleaned_data["code"])
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            return _signed_in_with_device(request, device)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


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
    board = agency.board if agency else boards_user_may_manage(request.user).first()
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
