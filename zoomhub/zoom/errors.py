"""Typed Zoom errors: what went wrong, Zoom's own code and message, and whether a retry can help.

Zoom answers errors as JSON `{"code": <int>, "message": "..."}` (https://developers.zoom.us/docs/api/errors);
its OAuth endpoints answer `{"reason": "...", "error": "invalid_grant"}`. A missing scope comes back
as 400 or 401 with code 4711 (sometimes 124, or 4700) and a message such as
"Invalid access token, does not contain scopes:[user:read:list_users:admin]." — with or without a
space after the colon, one scope or several separated by commas.

`str(error)` is built only from the HTTP status, Zoom's code and Zoom's message, never from
request URLs or headers, so tokens and secrets cannot leak into logs through it.
"""

from __future__ import annotations

import re
from datetime import datetime


class ZoomError(Exception):
    """Anything Zoom (or the way to it) refused. `transient`: a later retry can help."""

    default_transient = False

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        code: int | None = None,
        transient: bool | None = None,
        request_may_have_succeeded: bool = False,
    ) -> None:
        self.message = message
        self.status = status
        self.code = code
        self.transient = self.default_transient if transient is None else transient
        self.request_may_have_succeeded = request_may_have_succeeded
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = []
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.code is not None:
            parts.append(f"Zoom code {self.code}")
        prefix = ", ".join(parts)
        if prefix and self.message:
            return f"{prefix}: {self.message}"
        return prefix or self.message or self.__class__.__name__

    def __reduce__(self):
        # Celery pickles exceptions between processes; keep every attribute.
        return (_rebuild, (self.__class__, self.__dict__.copy()))


def _rebuild(cls, state):
    error = cls.__new__(cls)
    Exception.__init__(error)
    error.__dict__.update(state)
    error.args = (str(error),)
    return error


class ZoomAuthError(ZoomError):
    """401 even after one retry with a fresh token, or the token endpoint refused the app's credentials."""


class ZoomClientRejected(ZoomAuthError):
    """Zoom's OAuth server refused the app itself (`invalid_client`: a wrong client ID or secret, or
    the app was deactivated): every call of that app fails until someone corrects its keys."""


class ZoomReauthorizationRequired(ZoomAuthError):
    """The refresh token or grant is dead (`invalid_grant`): a person has to connect the account again."""


class ZoomPermissionError(ZoomError):
    """The token lacks a scope (or the user a permission). `missing_scopes` names the scopes Zoom listed."""

    def __init__(self, message: str = "", *, missing_scopes: list[str] | None = None, **kwargs) -> None:
        self.missing_scopes = list(missing_scopes or [])
        super().__init__(message, **kwargs)


class ZoomNotFound(ZoomError):
    """404: e.g. code 3001 (meeting not found) or 1001 (user not found)."""


class ZoomBadRequest(ZoomError):
    """Any other 4xx: the request itself is wrong; repeating it will not help."""


class ZoomRateLimited(ZoomError):
    """429, or our own limiter knowing the daily budget is spent.

    `retry_after`: seconds to wait (None when unknown); `daily`: a daily cap, wait for `resets_at`.
    """

    default_transient = True

    def __init__(
        self,
        message: str = "",
        *,
        retry_after: float | None = None,
        category: str | None = None,
        daily: bool = False,
        resets_at: datetime | None = None,
        **kwargs,
    ) -> None:
        self.retry_after = retry_after
        self.category = category
        self.daily = daily
        self.resets_at = resets_at
        super().__init__(message, **kwargs)


class ZoomServerError(ZoomError):
    """5xx: Zoom's side failed; a retry later can help."""

    default_transient = True


class ZoomConnectionError(ZoomError):
    """Zoom could not be reached or did not answer in time (connect/read timeouts, resets)."""

    default_transient = True


# "does not contain scopes:[a, b]." / "does not contain scopes: [a]" / "...required scopes..."
_MISSING_SCOPES = re.compile(r"does not contain (?:the )?(?:required )?scopes?\s*:?\s*\[([^\]]*)\]", re.I)


def missing_scopes_in(message: str) -> list[str] | None:
    """The scopes a Zoom message says the token lacks; None when the message is not about scopes."""
    match = _MISSING_SCOPES.search(message or "")
    if not match:
        return None
    return [scope.strip().strip("'\"") for scope in match.group(1).split(",") if scope.strip()]
