"""Optional error reports to Sentry (SENTRY_DSN), scrubbed before anything leaves the server.

Never sent: log arguments (only a log call's template), request bodies (a webhook body holds participants' names and e-mails), cookies,
Authorization and Zoom's signature headers, query strings (download tokens), local variables,
and any value under a key that names a secret or token. E-mail addresses anywhere in the
event's text are replaced. The scrubbing is ours, in before_send, so it does not depend on
Sentry's server-side settings.
"""

from __future__ import annotations

import re

SCRUBBED = "[Filtered]"
# Keys whose values are secret wherever they appear (headers, extra, contexts, breadcrumbs).
SECRET_KEY = re.compile(
    r"secret|token|password|passwd|authorization|cookie|session|signature|api[_-]?key|credential|"
    r"client[_-]?id|dsn|x-zm-",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# Bearer tokens and Zoom's JWT-shaped tokens that may sit inside an exception message.
BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/\-]+=*")
JWT = re.compile(r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*")
QUERY = re.compile(r"\?[^\s\"']*")


def _scrub_text(text: str) -> str:
    text = BEARER.sub(f"Bearer {SCRUBBED}", text)
    text = JWT.sub(SCRUBBED, text)
    text = EMAIL.sub("[email]", text)
    return text


def _scrub(value, depth: int = 0):
    if depth > 20:
        return SCRUBBED
    if isinstance(value, dict):
        return {
            key: SCRUBBED if isinstance(key, str) and SECRET_KEY.search(key) else _scrub(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item, depth + 1) for item in value]
    if isinstance(value, str):
        return _scrub_text(value)
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)  # webhook bodies, form posts
        request.pop("cookies", None)
        if request.get("query_string"):
            request["query_string"] = SCRUBBED
        if isinstance(request.get("url"), str):
            request["url"] = QUERY.sub("", request["url"])
        if isinstance(request.get("headers"), dict):
            request["headers"] = {
                name: SCRUBBED if SECRET_KEY.search(name) else value
                for name, value in request["headers"].items()
            }
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        # As for breadcrumbs: the template, without the arguments.
        logentry.pop("params", None)
        logentry.pop("formatted", None)
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {key: user[key] for key in ("id",) if key in user}
    return _scrub(event)


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict | None:
    record = (hint or {}).get("log_record")
    if record is not None:
        # The log call's template, never its arguments: those are where values (tokens,
        # addresses, ids) go, and no key tells which of them is secret.
        crumb["message"] = str(record.msg)
        crumb.pop("data", None)
    if crumb.get("category") == "query":
        crumb.pop("data", None)
    return _scrub(crumb)


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float, transport=None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    import zoomhub

    options = {
        "dsn": dsn,
        "environment": environment,
        "release": f"zoomhub@{zoomhub.__version__}",
        "integrations": [DjangoIntegration(), CeleryIntegration()],
        # No user data: send_default_pii is left at its default (False); setting it is deprecated.
        "include_local_variables": False,
        "max_request_body_size": "never",
        "traces_sample_rate": traces_sample_rate,
        "before_send": scrub_event,
        "before_send_transaction": scrub_event,
        "before_breadcrumb": scrub_breadcrumb,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
