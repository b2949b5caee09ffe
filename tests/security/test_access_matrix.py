"""The access matrix over EVERY URL of the project, arguments filled with real objects.

Roles: anonymous, signed in but not staff, staff (no admin model permissions), superuser; and
API bearer tokens with the read and the read-write scope. A route the world cannot fill fails
`test_every_route_is_covered`; a route that answers something not declared here fails its role's
test with the list of every surprise, so one run shows the whole picture.
"""

import re

import pytest
from django.urls import reverse

from tests.security.routes import api_operation_needs_write, api_operations, concrete_urls
from zoomhub.access import is_public_path

pytestmark = pytest.mark.django_db

# Actions: a GET answers 405 for every role that gets past access control.
POST_ONLY = {
    "admin/logout/",
    "zoom-accounts/oauth/connect/",
    "zoom-accounts/<int:pk>/test/",
    "zoom-accounts/<int:pk>/refresh-users/",
    "zoom-accounts/<int:pk>/disconnect/",
    "zoom-accounts/api-tokens/<int:pk>/revoke/",
    "lessons/<int:pk>/retry/",
    "lessons/<int:pk>/ignore/",
    "lessons/<int:pk>/registrants/refresh/",
    "lessons/registrants/<int:registrant_pk>/approve/",
    "lessons/registrants/<int:registrant_pk>/deny/",
    "lessons/<int:pk>/start-link/",  # the start link is handed out only on a POST, never in a page
    "people/quick-add/",
    "people/<int:pk>/archive/",
    "people/<int:pk>/restore/",
    "recordings/files/<int:pk>/download/",
    "recordings/sources/<int:pk>/sync/",
    "recordings/<int:pk>/legal-hold/",
    "recordings/destinations/<int:pk>/test/",
    "attendance/sessions/<int:pk>/match/",
    "attendance/sessions/<int:pk>/override/",
    "attendance/sessions/<int:pk>/override/clear/",
    "attendance/sessions/<int:pk>/refetch/",
    "notifications/mail/<int:pk>/retry/",
    "notifications/lessons/<int:pk>/reminders/",
    "notifications/people/<int:pk>/calendar-feed/rotate/",
    "notifications/people/<int:pk>/calendar-feed/revoke/",
    "webhooks/zoom/<str:code>/",
    "webhooks/zoom/oauth/",
    "webhooks/zoom",
    "webhooks/zoom/",
    "language/",  # the header's language switcher, for visitors too
}

# Routes that answer a signed-in user's GET with something of their own (not access control).
OWN_ANSWERS_ALL = {
    "accounts/2fa/totp/deactivate/": 404,  # nothing to deactivate before an authenticator exists
    "admin/(?P<url>.*)$": 404,  # the admin's catch-all: an unknown admin page
    "admin/r/<path:content_type_id>/<path:object_id>/": 404,  # lessons have no public "view on site"
}
OWN_ANSWERS_STAFF = {
    **OWN_ANSWERS_ALL,
    "accounts/2fa/recovery-codes/": 404,  # staff_user has no authenticator
    "accounts/2fa/recovery-codes/download/": 404,
    "admin/^(?P<app_label>auth|account|mfa|django_celery_beat|accounts|webhooks|meetings|recordings|attendance|notifications|api)/$": 404,
    "admin/autocomplete/": 403,
}
OWN_ANSWERS_SUPERUSER = {
    **OWN_ANSWERS_ALL,
    "admin/autocomplete/": 403,  # needs the admin's own query parameters
    # Rows that come from Zoom or are made on ZoomHub's pages: nobody adds them in the admin.
    "admin/accounts/zoomuser/add/": 403,
    "admin/accounts/zoomoauthapp/add/": 403,  # there is one, edited in place
    "admin/meetings/meeting/add/": 403,
    "admin/webhooks/webhookevent/add/": 403,
    "admin/api/apitoken/add/": 403,
    "admin/recordings/syncrun/add/": 403,
    "admin/recordings/zoomclouddeletion/add/": 403,  # the audit of Zoom trash calls: written by ZoomHub only
    "admin/recordings/zoomclouddeletion/<path:object_id>/delete/": 403,  # and never deleted
    "admin/attendance/session/add/": 403,
    "admin/attendance/segment/add/": 403,
    "admin/attendance/manualmatch/add/": 403,
    "admin/attendance/segment/<path:object_id>/delete/": 403,  # segments are what Zoom reported
    "admin/notifications/outgoingmessage/add/": 403,  # the outbox is written by lessons' changes only
    "admin/notifications/eventdelivery/add/": 403,  # deliveries are events that happened: replayed, never typed
    "admin/notifications/schoolnotificationsettings/add/": 403,  # there is one, edited in place
}

ADMIN_MODEL_PAGE = re.compile(r"^admin/(?!password_change/)[^/]+/[^/]+/")

# GET operations of the API that start something, so they need the write scope.
API_GETS_THAT_WRITE = {"zoom_authorize", "zoom_auth"}  # start an OAuth flow on the token owner's behalf
# POST operations that only read (their input is a body), so a read token may call them.
API_POSTS_THAT_READ = {"get_meeting_attendees"}
# Zoom's OAuth redirects: the staff browser's session is checked, not a token.
API_BROWSER_CALLBACKS = {"/api/v1/oauth/zoom/callback", "/api/zoom/auth/callback"}


@pytest.fixture
def routes(world):
    return concrete_urls(world)


def _is_api(url: str) -> bool:
    return url.startswith("/api/")


def _is_public_page(url: str) -> bool:
    return is_public_path(url) and not _is_api(url) and not url.startswith("/webhooks/")


def _check(surprises, route, method, response, allowed, *, login_redirect=False):
    status = response.status_code
    if status not in allowed:
        surprises.append(f"{method} {route.url} ({route.pattern}): {status}, expected {sorted(allowed)}")
    elif login_redirect and status == 302 and not response["Location"].startswith("/accounts/login/"):
        surprises.append(f"{method} {route.url}: redirected to {response['Location']}, not to sign-in")


def test_every_route_is_covered(routes):
    # concrete_urls raises UncoveredRoute on any route it cannot fill; here: the count is sane
    # and the routes with arguments of every app are in it.
    patterns = {route.pattern for route in routes}
    assert len(routes) > 150
    for pattern in [
        "lessons/<int:pk>/edit/",
        "people/<int:pk>/",
        "people/<int:pk>/merge/",
        "zoom-accounts/<int:pk>/",
        "recordings/files/<int:pk>/",
        "attendance/sessions/<int:pk>/",
        "admin/accounts/credential/<path:object_id>/change/",
        "admin/accounts/user/<id>/password/",
        "webhooks/zoom/<str:code>/",
    ]:
        assert pattern in patterns


def _anonymous_answers(route):
    """What a visitor without a session may get from a public route."""
    if _is_api(route.url):
        if route.url in ("/api/v1/", "/api/zoom/"):
            return {404}
        if route.url in API_BROWSER_CALLBACKS:
            return {302, 405}  # GET to sign-in: only the staff browser that started the flow finishes it
        if route.url == "/api/zoom/webhook":
            return {400, 401, 405}  # Zoom's intake: refused unless Zoom signed it
        if route.url in ("/api/v1/docs", "/api/zoom/docs"):
            return {302}  # to sign-in: the docs page is for staff sessions
        return {401, 405}
    if route.url.startswith("/webhooks/"):
        return {405}  # GET; POSTs are checked by the webhook tests (signatures)
    if route.pattern in POST_ONLY:
        return {405}
    return {200, 302}


def test_anonymous_visitors_reach_only_the_public_routes(client, routes):
    surprises = []
    for route in routes:
        for method in ("GET", "POST"):
            response = client.generic(method, route.url)
            if not is_public_path(route.url):
                _check(surprises, route, method, response, {302}, login_redirect=True)
            elif method == "GET":
                _check(surprises, route, method, response, _anonymous_answers(route))
            elif _is_api(route.url):
                _check(surprises, route, method, response, _anonymous_answers(route) | {404})
    assert not surprises, "\n".join(surprises)


def test_signed_in_non_staff_are_refused_everywhere(client, world, routes):
    surprises = []
    for route in routes:
        for method in ("GET", "POST"):
            client.force_login(world.outsider)  # a POST to sign-out ends the session
            response = client.generic(method, route.url)
            if not is_public_path(route.url):
                _check(surprises, route, method, response, {403})
                if response.status_code == 403 and b"staff" not in response.content:
                    surprises.append(f"{method} {route.url}: 403 without the staff-only message")
            elif route.url in API_BROWSER_CALLBACKS and method == "GET":
                _check(surprises, route, method, response, {403})
            elif _is_api(route.url) and method == "GET":
                _check(surprises, route, method, response, _anonymous_answers(route))
            elif _is_api(route.url):
                _check(surprises, route, method, response, _anonymous_answers(route) | {404})
    assert not surprises, "\n".join(surprises)


def _signed_in_answers(route, own_answers, *, admin_refused):
    if route.pattern in own_answers:
        return {own_answers[route.pattern]}
    if route.pattern in POST_ONLY:
        return {405}
    if route.url == "/api/zoom/auth":
        return {302, 409}  # to Zoom's consent page, or "not set up"
    if route.url in API_BROWSER_CALLBACKS:
        return {302}  # back to the Zoom accounts page: this session started no flow
    if _is_api(route.url):
        return _anonymous_answers(route) - {401} | {200}
    if admin_refused and ADMIN_MODEL_PAGE.match(route.pattern):
        # The admin refuses staff without model permissions; "<id>/" redirects to "<id>/change/".
        return {302, 403} if route.pattern.endswith("<path:object_id>/") else {403}
    return {200, 302}


def test_staff_reach_every_staff_page_and_no_admin_model_page(client, world, routes):
    client.force_login(world.staff)
    surprises = []
    for route in routes:
        response = client.get(route.url)
        _check(
            surprises,
            route,
            "GET",
            response,
            _signed_in_answers(route, OWN_ANSWERS_STAFF, admin_refused=True),
        )
    assert not surprises, "\n".join(surprises)


def test_superusers_reach_every_page(client, world, routes):
    client.force_login(world.superuser)
    surprises = []
    for route in routes:
        response = client.get(route.url)
        _check(
            surprises,
            route,
            "GET",
            response,
            _signed_in_answers(route, OWN_ANSWERS_SUPERUSER, admin_refused=False),
        )
    assert not surprises, "\n".join(surprises)


def test_pages_with_arguments_answer_404_for_objects_that_do_not_exist(client, world, routes):
    client.force_login(world.superuser)
    surprises = []
    for route in routes:
        if "<int:pk>" not in route.pattern or route.pattern in POST_ONLY:
            continue
        missing = route.url.replace(f"/{route.url.split('/')[-2]}/", "/987654321/")
        response = client.get(missing)
        if response.status_code != 404:
            surprises.append(f"GET {missing}: {response.status_code}")
    assert not surprises, "\n".join(surprises)


# -- the API: bearer tokens and their scopes ----------------------------------------------------


def _api_url(path: str, world) -> str:
    return (
        path.replace("{credential_id}", str(world.s2s.pk))
        .replace("{source_id}", str(world.source.pk))
        .replace("{task_id}", str(world.run.pk))
        .replace("{meeting_id}", str(world.lesson.pk))
        .replace("{file_id}", str(world.file.pk))
    )


def test_the_api_covers_every_operation():
    names = {name for _method, _path, name in api_operations()}
    assert {"get_credential", "sync_source", "cancel_meeting", "list_recordings"} <= names


def test_every_api_operation_refuses_requests_without_a_valid_token(client, world):
    surprises = []
    for method, path, name in api_operations():
        url = _api_url(path, world)
        for who in ("anonymous", "outsider", "revoked", "former staff"):
            client.logout()
            headers = {}
            if who == "outsider":
                client.force_login(world.outsider)
            elif who == "revoked":
                headers["HTTP_AUTHORIZATION"] = "Bearer " + world.raw_read_token + "x"
            elif who == "former staff":
                headers["HTTP_AUTHORIZATION"] = "Bearer " + world.raw_write_token
                world.staff.is_staff = False
                world.staff.save(update_fields=["is_staff"])
            response = client.generic(method, url, "{}", content_type="application/json", **headers)
            if who == "former staff":
                world.staff.is_staff = True
                world.staff.save(update_fields=["is_staff"])
            if response.status_code != 401 or response.json().get("error", {}).get("code") is None:
                surprises.append(f"{who}: {method} {url} ({name}) answered {response.status_code}")
    assert not surprises, "\n".join(surprises)


def test_a_read_token_reads_everything_and_changes_nothing(client, world):
    surprises = []
    auth = {"HTTP_AUTHORIZATION": "Bearer " + world.raw_read_token}
    for method, path, name in api_operations():
        url = _api_url(path, world)
        response = client.generic(method, url, "{}", content_type="application/json", **auth)
        if name in API_POSTS_THAT_READ:
            expected = {200, 400, 404}  # past access control; the empty body is refused
        elif method == "GET" and name not in API_GETS_THAT_WRITE:
            expected = {200}
        else:
            expected = {403}
        if api_operation_needs_write(name) != (expected == {403}):
            surprises.append(f"{method} {url} ({name}): its auth does not match the declared scope")
        if response.status_code not in expected:
            surprises.append(f"{method} {url} ({name}): {response.status_code}, expected {expected}")
        elif expected == {403} and response.json()["error"]["code"] != "insufficient_scope":
            surprises.append(f"{method} {url}: refused without insufficient_scope")
    assert not surprises, "\n".join(surprises)
    world.lesson.refresh_from_db()
    assert world.lesson.status == world.lesson.Status.SCHEDULED


def test_a_write_token_passes_access_control_on_every_operation(client, world):
    surprises = []
    auth = {"HTTP_AUTHORIZATION": "Bearer " + world.raw_write_token}
    for method, path, name in api_operations():
        url = _api_url(path, world)
        response = client.generic(method, url, "{}", content_type="application/json", **auth)
        # Access granted: the answer is about the request itself (a read, or a refusal of the
        # empty body), never 401/403 and never a 500.
        if response.status_code in (401, 403) or response.status_code >= 500:
            surprises.append(f"{method} {url} ({name}): {response.status_code} {response.content[:200]!r}")
    assert not surprises, "\n".join(surprises)


def test_the_api_docs_are_for_staff_sessions_or_tokens(client, world):
    assert client.get("/api/v1/docs")["Location"].startswith(reverse("account_login"))
    assert client.get("/api/v1/openapi.json").status_code == 401
    auth = {"HTTP_AUTHORIZATION": "Bearer " + world.raw_read_token}
    assert client.get("/api/v1/openapi.json", **auth).status_code == 200
    client.force_login(world.staff)
    assert client.get("/api/v1/docs").status_code == 200
