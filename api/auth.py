"""Who may call the API: a bearer token made on the API tokens page, or a signed-in staff session.

Tokens carry a scope: read tokens may call the read operations (READ), read-write tokens every
operation (WRITE). A token request needs no CSRF token (a browser never sends the header by
itself); a session request that changes something must carry Django's CSRF token, as pages do.
A present but wrong Authorization header is a 401 even when a session cookie is there too.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from accounts.models import User
from api import services
from api.errors import ApiError
from api.models import ApiToken


@dataclass(frozen=True)
class Caller:
    user: User
    token: ApiToken | None


class BearerToken(HttpBearer):
    def __init__(self, *, write: bool) -> None:
        super().__init__()
        self.write = write

    def __call__(self, request: HttpRequest) -> Caller | None:
        header = request.headers.get("Authorization")
        if header is None:
            return None
        scheme, _sep, raw = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise ApiError(401, _("Use Authorization: Bearer <token>."))
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        api_token = services.api_token_authenticate(raw=token)
        if api_token is None:
            raise ApiError(
                401,
                _("This API token is not valid: it is wrong or revoked, or its owner is no longer staff."),
            )
        if self.write and not api_token.can_write:
            raise ApiError(
                403,
                _("This token may only read; this operation needs a read and write token."),
                code="insufficient_scope",
            )
        return Caller(user=api_token.user, token=api_token)


class StaffSession(APIKeyCookie):
    """A staff member signed in to ZoomHub (the docs page's “Try it out”)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Caller | None:
        user = getattr(request, "user", None)
        if user is None or not (user.is_authenticated and user.is_active and user.is_staff):
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise ApiError(
                403,
                _("CSRF check failed: send the X-CSRFToken header, or use an API token instead."),
                code="csrf_failed",
            )
        return Caller(user=user, token=None)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:  # pragma: no cover
        return None


READ = [BearerToken(write=False), StaffSession()]
WRITE = [BearerToken(write=True), StaffSession()]


def caller(request: HttpRequest) -> Caller:
    return request.auth
