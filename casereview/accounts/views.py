"""Signing in (with two-factor sign-in and lockout) and out, setting a password from an e-mailed link, the board's
agencies and people."""

import base64
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import MinimumLengthValidator, get_default_password_validators
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from casereview.accounts import services
from casereview.accounts.forms import (
    AgencyForm,
    PasswordResetRequestForm,
    SetPasswordForm,
    SignInForm,
    TwoFactorCodeForm,
)
from casereview.accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from casereview.accounts.selectors import (
    agencies_visible_to,
    agency_for_user_or_404,
    boards_of,
    boards_user_may_manage,
    people_of_boards_managed_by,
    person_for_manager_or_404,
    two_factor_device_of,
    two_factor_needed,
    user_for_password_link,
    user_ids_with_authenticator,
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
            "perms_people": boards_user_may_manage(request.user).exists(),
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


# -- Setting a password from an e-mailed link, and asking for one -------------------------------------------


def _password_hint() -> str:
    """The password rules in plain words (Django's validators check them; their own texts are not GOV.UK style)."""
    lengths = [v.min_length for v in get_default_password_validators() if isinstance(v, MinimumLengthValidator)]
    length = f"Use at least {max(lengths)} characters. " if lengths else ""
    return f"{length}Do not use a common password, only numbers, or something like your name or email address."


@require_http_methods(["GET", "POST"])
def set_password(request, uidb64, token):
    """Open to anyone holding the link. A wrong, used or expired link gets a page saying how to get a new one."""
    if user_for_password_link(uidb64, token) is None:
        return render(request, "accounts/set_password_link_invalid.html")
    form = SetPasswordForm(request.POST or None, help_text=_password_hint())
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set_with_link(uidb64=uidb64, token=token, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            if request.user.is_authenticated:  # someone else's session in this browser: the sign-in is theirs
                auth_logout(request)
            messages.success(request, "Your password is set. Sign in with your email address and new password")
            return redirect(settings.LOGIN_URL)
    return render(request, "accounts/set_password.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Ask for a link to set a new password. Every address gets the same answer."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        return redirect("accounts:password-reset-sent")
    context = {
        "form": form,
        "title": "Reset your password",
        "back_href": reverse("accounts:sign-in"),
        "back_text": "Back to sign in",
        "submit_text": "Send the link",
    }
    return render(request, "accounts/password_reset.html", context)


def password_reset_sent(request):
    return render(
        request, "accounts/password_reset_sent.html", {"minutes": services.PASSWORD_RESET_EVERY.seconds // 60}
    )


# -- A board's people: resetting an authenticator app ------------------------------------------------------


@login_required
def people(request):
    """The people holding a role on each board the user manages, with their authenticator app."""
    boards = people_of_boards_managed_by(request.user)
    if not boards:
        raise Http404("No such page")
    with_device = user_ids_with_authenticator([person.user for _board, on_board in boards for person in on_board])
    return render(request, "accounts/people.html", {"boards": boards, "with_device": with_device})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_reset(request, user_pk):
    person = person_for_manager_or_404(request.user, user_pk)
    if request.method == "POST":
        services.two_factor_reset(actor=request.user, user=person)
        messages.success(request, f"{person.full_name}'s authenticator app is reset and they are signed out")
        return redirect("accounts:people")
    return render(request, "accounts/two_factor_reset.html", {"person": person})
