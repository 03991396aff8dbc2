"""Gives every request an id, echoed in the response and kept on audit events."""

import uuid

from django.conf import settings

from casereview.audit.services import RequestContext, current_request


class RequestIdMiddleware:
    header = "X-Request-Id"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get(self.header, "")
        request.id = supplied if 8 <= len(supplied) <= 64 and supplied.isprintable() else uuid.uuid4().hex
        forwarded = ""
        if settings.USE_X_FORWARDED_FOR:  # only behind a proxy that sets it; otherwise clients could forge it
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        token = current_request.set(RequestContext(forwarded or request.META.get("REMOTE_ADDR"), request.id))
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response[self.header] = request.id
        return response


class PermissionsPolicyMiddleware:
    """Sends `Permissions-Policy` from settings.PERMISSIONS_POLICY, which Django has no setting for."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
