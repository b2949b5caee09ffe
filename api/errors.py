"""One error body for every answer of the API that is not a success:

    {"error": {"code": "validation_error", "message": "…", "fields": {"credentials.client_secret": "…"}}}

`fields` maps the request's field (dotted for nested JSON) to what is wrong with it; it is empty
when the error is not about a field. Ninja's own errors (422 validation, 401, 404 …), Django's
(404, 405, CSRF, 500) and ours all come out in this shape.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from zoomhub.errors import RETRY_AFTER_SECONDS, database_unavailable

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
    502: "zoom_error",
    503: "unavailable",
}


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, str]


class ErrorOut(Schema):
    error: ErrorDetail


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, code: str = "", fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.fields = fields or {}


def error_body(status: int, message: str, *, code: str = "", fields: dict[str, str] | None = None) -> dict:
    return {"error": {"code": code or CODES.get(status, "error"), "message": message, "fields": fields or {}}}


def error_response(status: int, message: str, **kwargs) -> JsonResponse:
    return JsonResponse(error_body(status, message, **kwargs), status=status)


def validation_failed(error: DjangoValidationError, *, field_names: dict[str, str] | None = None) -> ApiError:
    """A service's ValidationError as a 400, its fields renamed to the request's (field_names)."""
    field_names = field_names or {}
    fields: dict[str, str] = {}
    general: list[str] = []
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            if name in ("__all__", None):
                general.extend(errors)
            else:
                fields[field_names.get(name, name)] = " ".join(errors)
    else:
        general.extend(error.messages)
    if general:
        message = " ".join(general)
        if fields:
            fields.setdefault("__all__", message)
    else:
        message = _("Some fields are not valid: %(fields)s.") % {"fields": ", ".join(sorted(fields))}
    return ApiError(400, message, code="validation_error", fields=fields)


def _request_validation_error(request: HttpRequest, exc: NinjaValidationError, api) -> HttpResponse:
    """Ninja's 422 (the request does not fit the schema) as our 400 with a field map."""
    fields: dict[str, str] = {}
    for item in exc.errors:
        loc = [str(part) for part in item.get("loc", ())]
        if loc and loc[0] == "body":
            loc = loc[2:] if len(loc) > 2 else loc[1:]  # drop "body" and the body parameter's name
        elif loc:
            loc = loc[1:]  # "query" / "path"
        name = ".".join(loc) or "body"
        raised = (item.get("ctx") or {}).get("error") if item.get("type") == "value_error" else None
        # Our validators' own (translated) words, without pydantic's English "Value error, " before them.
        message = str(raised or item.get("msg", "")) or _("Not valid.")
        fields[name] = f"{fields[name]} {message}" if name in fields else message
    message = _("The request is not valid: %(fields)s.") % {"fields": ", ".join(sorted(fields))}
    return api.create_response(
        request, error_body(400, message, code="validation_error", fields=fields), status=400
    )


def _api_error(request: HttpRequest, exc: ApiError, api) -> HttpResponse:
    return api.create_response(
        request, error_body(exc.status, exc.message, code=exc.code, fields=exc.fields), status=exc.status
    )


def _http_error(request: HttpRequest, exc: HttpError, api) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc, AuthenticationError):
        message = _(
            "Send a valid API token: Authorization: Bearer <token> (make one on the API tokens page)."
        )
    elif status == 403 and "csrf" in str(exc).lower():
        message = _("CSRF check failed: send the CSRF token, or use an API token instead of the session.")
        return api.create_response(request, error_body(403, message, code="csrf_failed"), status=403)
    elif status == 400:
        message = _("The request body could not be read: %(why)s") % {"why": exc.message}
        return api.create_response(
            request,
            error_body(400, message, code="malformed_body", fields={"body": _("Not valid JSON.")}),
            status=400,
        )
    else:
        message = exc.message
    return api.create_response(request, error_body(status, message), status=status)


def _not_found(request: HttpRequest, exc: Http404, api) -> HttpResponse:
    return api.create_response(request, error_body(404, _("Not found.")), status=404)


def _permission_denied(request: HttpRequest, exc: PermissionDenied, api) -> HttpResponse:
    return api.create_response(
        request, error_body(403, _("Signed in, but not as the school's staff.")), status=403
    )


def _validation_error(request: HttpRequest, exc: DjangoValidationError, api) -> HttpResponse:
    return _api_error(request, validation_failed(exc), api)


def _unexpected(request: HttpRequest, exc: Exception, api) -> HttpResponse:
    # Logged with the traceback for the operator; the client gets no internals.
    logger.exception("API error on %s %s", request.method, request.path)
    if database_unavailable(exc):
        response = api.create_response(
            request,
            error_body(503, _("The database is unavailable for a moment; retry shortly.")),
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return api.create_response(
        request, error_body(500, _("Something went wrong on our side; it has been logged.")), status=500
    )


def install_handlers(api) -> None:
    api.add_exception_handler(NinjaValidationError, lambda r, e: _request_validation_error(r, e, api))
    api.add_exception_handler(ApiError, lambda r, e: _api_error(r, e, api))
    api.add_exception_handler(HttpError, lambda r, e: _http_error(r, e, api))
    api.add_exception_handler(Http404, lambda r, e: _not_found(r, e, api))
    api.add_exception_handler(PermissionDenied, lambda r, e: _permission_denied(r, e, api))
    api.add_exception_handler(DjangoValidationError, lambda r, e: _validation_error(r, e, api))
    api.add_exception_handler(Exception, lambda r, e: _unexpected(r, e, api))


def responses(ok: dict, *extra: int) -> dict:
    """An operation's documented answers: its successes plus the errors every operation can give."""
    result = dict(ok)
    for status in (400, 401, 403, *extra):
        result[status] = ErrorOut
    return result
