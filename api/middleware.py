"""Answers under /api/ that Django makes rather than the API (404 for an unknown path, 405 for a
method an operation does not have, a 500 outside ninja's handlers, a CSRF failure) get the API's
one error shape instead of an HTML page. Under /webhooks/ the same holds for Django's own HTML
pages; the intake's short plain-text answers (meant for Zoom's delivery log) stay as they are."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from api.errors import error_response
from api.paths import is_api_or_webhooks
from zoomhub.errors import RETRY_AFTER_SECONDS, database_unavailable

logger = logging.getLogger(__name__)

PREFIX = "/api/"
MESSAGES = {
    400: _("Bad request."),
    403: _("Forbidden."),
    404: _("Not found: no such path."),
    405: _("This path does not take that method."),
    413: _("The request is too large."),
    500: _("Something went wrong on our side; it has been logged."),
    503: _("The database is unavailable for a moment; retry shortly."),
}


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _shaped(request, response) -> bool:
    """Whether this answer is to be replaced by the JSON error shape."""
    if response.status_code < 400 or _is_json(response):
        return False
    if request.path.startswith(PREFIX) or request.path == PREFIX.rstrip("/"):
        return not (request.path.endswith("/docs") and response.status_code < 500)
    return is_api_or_webhooks(request.path) and _is_html(response)


def _message(response) -> str:
    """A view's own short plain-text reason (the webhook intake's) is kept; else a generic one."""
    if response.get("Content-Type", "").startswith("text/plain") and not response.streaming:
        text = response.content.decode("utf-8", "replace").strip()
        if text:
            return text[:500]
    return str(MESSAGES.get(response.status_code, _("The request failed.")))


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not _shaped(request, response):
            return response
        status = response.status_code
        shaped = error_response(status, _message(response))
        for header in ("Allow", "Retry-After"):
            if response.has_header(header):
                shaped[header] = response[header]
        return shaped

    def process_exception(self, request, exception):
        # Under /webhooks/ Django's own handler answers (and reports the traceback to the
        # admins); __call__ then gives its page the JSON shape.
        if not request.path.startswith(PREFIX):
            return None
        if isinstance(exception, Http404):
            return error_response(404, str(MESSAGES[404]))
        if isinstance(exception, PermissionDenied):
            return error_response(403, str(MESSAGES[403]))
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        if database_unavailable(exception):
            response = error_response(503, str(MESSAGES[503]))
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return error_response(500, str(MESSAGES[500]))
