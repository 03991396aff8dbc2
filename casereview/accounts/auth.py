"""The API's session authentication: a signed-in session counts only once its two-factor step is done."""

from ninja.security import SessionAuth

from casereview.accounts.selectors import two_factor_needed


class VerifiedSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        verified = getattr(request.user, "is_verified", lambda: False)()
        return user if verified or not two_factor_needed(request.user) else None


verified_session_auth = VerifiedSessionAuth()
