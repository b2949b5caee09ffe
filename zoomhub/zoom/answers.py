"""Reading Zoom's answers: error bodies, rate-limit headers, Retry-After in both of its forms.

https://developers.zoom.us/docs/api/errors and https://developers.zoom.us/docs/api/rate-limits/
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

import requests

from .errors import (
    ZoomAuthError,
    ZoomBadRequest,
    ZoomError,
    ZoomNotFound,
    ZoomPermissionError,
    ZoomRateLimited,
    ZoomServerError,
    missing_scopes_in,
)
from .limits import MEETING_CREATE_UPDATE_PER_USER_PER_DAY

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REDACTED = "[redacted]"
# Zoom's code for "the token lacks a scope"; its message names them.
MISSING_SCOPE_CODE = 4711
# The per-host-user cap on meeting create/update (100 a day, reset 00:00 UTC), recognised by its
# message because Zoom sends it without Retry-After or X-RateLimit-Type headers.
_PER_USER_MEETING_LIMIT = re.compile(
    rf"daily rate limit \({MEETING_CREATE_UPDATE_PER_USER_PER_DAY}\) of Meeting Create/Update", re.I
)
_DAILY_MESSAGE = re.compile(r"daily (rate )?limit", re.I)


def body_of(response: requests.Response) -> dict:
    """The JSON object Zoom answered, or {} (empty body, HTML error page, JSON that is no object)."""
    if not response.content:
        return {}
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def redact(text: str, secrets: Iterable[str | None]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 6 and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def next_utc_midnight(now: float) -> datetime:
    today = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=1)


def parse_retry_after(value: str | None, now: float) -> tuple[float | None, datetime | None]:
    """(seconds to wait, the moment it ends) from Retry-After: seconds, an HTTP-date or an ISO date-time.

    Zoom sends seconds for per-second limits and `2020-05-31T00:00:00Z` for daily ones.
    """
    if not value or not value.strip():
        return None, None
    value = value.strip()
    try:
        seconds = max(0.0, float(value))
    except ValueError:
        pass
    else:
        return seconds, datetime.fromtimestamp(now + seconds, UTC)
    moment = None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            moment = datetime.fromisoformat(value.replace("z", "Z"))
        except ValueError:
            return None, None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, moment.timestamp() - now), moment


def header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    return value.strip() if isinstance(value, str) else None


def int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = header(headers, name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def is_per_user_meeting_limit(message: str) -> bool:
    return bool(_PER_USER_MEETING_LIMIT.search(message or ""))


def is_daily_limit(headers: Mapping[str, str], message: str) -> bool:
    kind = (header(headers, "X-RateLimit-Type") or "").lower()
    if kind:
        return kind.replace("_", "-") == "daily-limit"
    return bool(_DAILY_MESSAGE.search(message or ""))


def zoom_message(body: dict, fallback: str) -> str:
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        message = fallback
    # Validation failures list the fields: {"code": 300, "message": "Validation Failed.", "errors": [...]}
    details = [
        f"{item.get('field')}: {item.get('message')}"
        for item in body.get("errors") or []
        if isinstance(item, dict) and item.get("field")
    ]
    if details:
        message = f"{message} ({'; '.join(details)})"
    return message


def zoom_code(body: dict) -> int | None:
    code = body.get("code")
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    if isinstance(code, str) and code.isdigit():
        return int(code)
    return None


def error_for(
    response: requests.Response,
    *,
    method: str,
    now: float,
    category: str | None = None,
    secrets: Iterable[str | None] = (),
) -> ZoomError:
    """The typed error for a non-2xx answer from the REST API."""
    status = response.status_code
    body = body_of(response)
    code = zoom_code(body)
    message = redact(zoom_message(body, response.reason or f"HTTP {status}"), secrets)
    common = {"status": status, "code": code}

    missing = missing_scopes_in(message)
    if status in (400, 401, 403) and (missing is not None or code == MISSING_SCOPE_CODE):
        return ZoomPermissionError(message, missing_scopes=missing or [], **common)
    if status == 401:
        return ZoomAuthError(message, **common)
    if status == 403:
        return ZoomPermissionError(message, **common)
    if status == 404:
        return ZoomNotFound(message, **common)
    if status == 429:
        return rate_limited(response.headers, message, now=now, category=category, **common)
    if status >= 500:
        return ZoomServerError(message, request_may_have_succeeded=method not in SAFE_METHODS, **common)
    if 400 <= status < 500:
        return ZoomBadRequest(message, **common)
    return ZoomError(message, **common)


def rate_limited(
    headers: Mapping[str, str], message: str, *, now: float, category: str | None, **common
) -> ZoomRateLimited:
    retry_after, until = parse_retry_after(header(headers, "Retry-After"), now)
    category = header(headers, "X-RateLimit-Category") or category
    daily = is_daily_limit(headers, message) or is_per_user_meeting_limit(message)
    if daily:
        if until is None or retry_after is None or retry_after < 1:
            # Daily limits reset at 00:00 UTC ("You may resume these requests at GMT 00:00:00").
            until = next_utc_midnight(now)
            retry_after = until.timestamp() - now
        return ZoomRateLimited(
            message, retry_after=retry_after, category=category, daily=True, resets_at=until, **common
        )
    return ZoomRateLimited(message, retry_after=retry_after, category=category, **common)
