"""Session rules on every request: sign out after idle time, and no page before the two-factor step."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from casereview.accounts.selectors import two_factor_needed

SIGNED_IN_AT = "casereview.signed_in_at"
LAST_SEEN = "casereview.last_seen"
# The last-seen stamp is written at most this often, so that a busy user does not write the session on every
# request; expiry allows for it, so nobody is signed out before the idle time has passed.
LAST_SEEN_EVERY_SECONDS = 60


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


class IdleSignOutMiddleware:
    """Ends a session after CASEREVIEW_IDLE_MINUTES without a request, or SESSION_COOKIE_AGE after sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            idle_limit = settings.CASEREVIEW_IDLE_MINUTES * 60 + LAST_SEEN_EVERY_SECONDS
            signed_in_at = request.session.get(SIGNED_IN_AT, now)
            last_seen = request.session.get(LAST_SEEN, now)
            if now - last_seen > idle_limit or now - signed_in_at > settings.SESSION_COOKIE_AGE:
                idle = now - last_seen > idle_limit
                logout(request)
                if _is_api(request):
                    return self.get_response(request)  # answered as anonymous: 401
                if idle:
                    minutes = settings.CASEREVIEW_IDLE_MINUTES
                    messages.info(request, f"You were signed out after {minutes} minutes without activity")
                else:
                    messages.info(request, "You were signed out because you signed in a long time ago")
                return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
            if SIGNED_IN_AT not in request.session:
                request.session[SIGNED_IN_AT] = now
            if now - request.session.get(LAST_SEEN, 0) >= LAST_SEEN_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Until the code is entered, a user who needs two-factor sign-in reaches only its pages and sign-out.
    The API answers such a session itself (casereview.accounts.auth), so bearer tokens are unaffected."""

    allowed_names = ("two-factor-setup", "two-factor", "sign-out")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not _is_api(request) and not user.is_verified() and two_factor_needed(user):
            allowed = {reverse(f"accounts:{name}") for name in self.allowed_names}
            if request.path_info not in allowed:
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return redirect(f"{reverse('accounts:two-factor')}{'?' + query if query else ''}")
        return self.get_response(request)
