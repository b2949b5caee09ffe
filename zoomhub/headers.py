"""Response headers: Permissions-Policy, and the Content-Security-Policy with Zoom's OAuth origin."""

import dataclasses
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with Zoom's sign-in page allowed as a form target.

    "Connect with Zoom" posts a form that ZoomHub answers with a redirect to Zoom's OAuth page;
    browsers hold that redirect to the page's `form-action`, so Zoom's OAuth origin (read per
    request: tests and `make run` point it at the sandbox) joins 'self' there.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request=request, response=response, report_only=report_only)
        origin = _origin(settings.ZOOM_OAUTH_BASE_URL)
        if origin:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), origin]
            parts = dataclasses.replace(parts, update=update)
        return parts


def _origin(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
