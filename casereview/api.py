"""The JSON API under /api/: one NinjaAPI, the routers of each app, and how domain errors are answered."""

from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from casereview.accounts.auth import verified_session_auth
from casereview.accounts.models import ApiToken
from casereview.core.errors import DomainError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer crv_…` with a token made by `casereview token create`."""

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="Casereview API",
    version="1",
    description="Reviews, agencies and the people register, through the same services and rules as the pages.",
    auth=[TokenAuth(), verified_session_auth],  # a session counts once its two-factor step is done
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    # Not allowed answers exactly like not found: a refused write never reveals what exists.
    status = 404 if exc.status == 403 else exc.status
    detail = "Not found" if status == 404 else exc.message
    errors = {} if status == 404 else {k: v for k, v in exc.errors.items()}
    return api.create_response(request, {"detail": detail, "errors": errors}, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found", "errors": {}}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": "Sign in, or send an API token as 'Authorization: Bearer <token>'", "errors": {}},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid_input(request, exc: ValidationError):
    errors = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")]
        errors[".".join(location) or "__all__"] = error.get("msg", "Invalid value")
    detail = "; ".join(f"{field}: {message}" for field, message in errors.items())
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


api.add_router("/agencies", "casereview.accounts.api.router")
api.add_router("/reviews", "casereview.reviews.api.router")
api.add_router("/reviews", "casereview.records.api.router")
api.add_router("/reviews", "casereview.panel.api.router")
api.add_router("/reviews", "casereview.involvement.api.router")
api.add_router("/reviews", "casereview.planning.api.router")
api.add_router("/reviews", "casereview.interviews.api.router")
api.add_router("/reviews", "casereview.chronology.api.router")
api.add_router("/notifications", "casereview.notifications.api.router")
