"""Answers under /api/ that Django makes rather than the API (404 for an unknown path, 405 for a
method an operation does not have, a 500 outside ninja's handlers, a CSRF failure) get the API's
one error shape instead of an HTML page."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from api.errors import error_response
from zoomhub.errors import RETRY_AFTER_SECONDS, database_unavailable

logger = logging.getLogger(__name__)

PREFIX = "/api/"
MESSAGES = {
    400: _("Bad request."),
    403: _("Forbidden."),
    404: _("Not found: no such API path."),
    405: _("This path does not take that method."),
    413: _("The request is too large."),
    500: _("Something went wrong on our side; it has been logged."),
    503: _("The database is unavailable for a moment; retry shortly."),
}


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(PREFIX) or response.status_code < 400 or _is_json(response):
            return response
        if request.path.endswith("/docs") and response.status_code < 500:
            return response
        status = response.status_code
        shaped = error_response(status, str(MESSAGES.get(status, _("The request failed."))))
        for header in ("Allow", "Retry-After"):
            if response.has_header(header):
                shaped[header] = response[header]
        return shaped

    def process_exception(self, request, exception):
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
