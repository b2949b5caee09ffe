"""ZoomHub's JSON API, /api/v1/ (django-ninja: the typed schemas also make the OpenAPI document)."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger

from api import (
    attendance,
    attendees,
    compat_zoom,
    credentials,
    meetings,
    oauth,
    recordings,
    services,
    sources,
    webinars,
)
from api.errors import error_response, install_handlers
from api.parsing import refuse_unknown_query

DESCRIPTION = """
ZoomHub's API for programs: connected Zoom accounts, recording sources and syncs, lessons and
their attendance, recordings.

**Authentication.** `Authorization: Bearer <token>`, with a token made on the API tokens page
(`/zoom-accounts/api-tokens/`). A *read* token may call the GET operations; a *read and write*
token every operation. Signed-in staff may also call the API from this page (their session,
with the CSRF token).

**Errors** always have one shape: `{"error": {"code", "message", "fields"}}`; `fields` maps a
request field (dotted for nested JSON) to what is wrong with it.

**Lists** are paged with an opaque `cursor`: pass the previous page's `next_cursor`; it is
`null` on the last page.

**Paths** answer the same with or without their trailing slash. A body field or query parameter
an operation does not know is refused with a 400 naming it. `/api/v1/oauth/zoom/callback` and the
routes under `/api/zoom/` (their own document: `/api/zoom/openapi.json`) take other Zoom
integrations' paths and shapes over the same operations (docs/api-compat.md in the repository).

**Outgoing events.** ZoomHub also calls programs: endpoints set up in the admin (Notifications →
Event endpoints) receive `POST` JSON `{"event", "event_id", "event_ts", "payload": {"object"}}` for
`lesson.scheduled`, `lesson.rescheduled`, `lesson.cancelled`, `lesson.started`, `lesson.ended`
(`object`: the lesson as in `GET /meetings/{meeting_id}` plus `teacher` and `students`),
`attendance.decided` (the session's status and each person's minutes) and `recording.stored`
(the recording and its files). They are signed as Zoom signs its webhooks, so a receiver reuses
its code: `x-zm-request-timestamp` (Unix seconds) and `x-zm-signature` = `v0=` + hex
HMAC-SHA256(endpoint secret, `v0:{timestamp}:{raw body}`). A non-2xx answer is retried with
back-off; `event_id` stays the same across retries and replays. Every field: docs/notifications.md
in the repository.
"""


def docs_access(view):
    """The docs page is for signed-in staff; the OpenAPI document also for any valid token."""

    def wrapped(request: HttpRequest, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff:
            return view(request, *args, **kwargs)
        header = request.headers.get("Authorization", "")
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() == "bearer" and services.api_token_authenticate(raw=raw.strip()) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith("/docs"):
            return redirect_to_login(request.get_full_path())
        return error_response(401, _("Send a valid API token: Authorization: Bearer <token>."))

    return wrapped


api = NinjaAPI(
    title="ZoomHub API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    # "ninja" is in INSTALLED_APPS, so the docs page loads Swagger UI from ninja's own static
    # files, served by ZoomHub itself: no CDN, works offline.
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=docs_access,
)
install_handlers(api)
api.add_decorator(refuse_unknown_query, mode="view")

api.add_router("", credentials.router)
api.add_router("", oauth.router)
api.add_router("", sources.router)
api.add_router("", meetings.router)
api.add_router("", recordings.router)
api.add_router("", attendance.router)
api.add_router("", webinars.router)

# Other programs' paths under /api/zoom/ (docs/api-compat.md, docs/seeds.md), over the same services and auth.
zoom_api = NinjaAPI(
    title="ZoomHub API: Zoom-style paths",
    version="1.0.0",
    description="Paths other Zoom programs already call, answered by ZoomHub. " + DESCRIPTION,
    urls_namespace="api-zoom",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=docs_access,
)
install_handlers(zoom_api)
zoom_api.add_decorator(refuse_unknown_query, mode="view")
zoom_api.add_router("", compat_zoom.router)
zoom_api.add_router("", attendees.router)
