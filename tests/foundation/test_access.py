"""The access matrix: every page is for active staff only, with a few public exceptions."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from zoomhub.access import is_public_path

pytestmark = pytest.mark.django_db


def _pages_without_arguments(resolver=None, prefix=""):
    """Every URL of the project that takes no arguments (admin model pages included)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        if "<" in pattern or "(?P" in pattern:
            continue
        route = prefix + pattern.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
        if isinstance(entry, URLResolver):
            yield from _pages_without_arguments(entry, route)
        elif isinstance(entry, URLPattern):
            yield "/" + route


ALL_PAGES = sorted(set(_pages_without_arguments()))
PRIVATE_PAGES = [p for p in ALL_PAGES if not is_public_path(p)]


def test_the_matrix_covers_the_main_pages():
    for page in ["/", "/admin/", "/admin/accounts/user/", "/accounts/2fa/"]:
        assert page in PRIVATE_PAGES


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_signed_in_non_staff_get_forbidden(client, outsider, path):
    client.force_login(outsider)
    response = client.get(path)
    assert response.status_code == 403
    assert b"for the school&#x27;s staff" in response.content or b"for the school's staff" in response.content


# Pages that answer a plain GET from a signed-in user with something other than 200/302,
# for reasons of their own (not access control).
OWN_ANSWERS = {
    "/admin/logout/": 405,  # POST only
    "/zoom-accounts/oauth/connect/": 405,  # POST only: starting an OAuth flow is an action
    "/people/quick-add/": 405,  # POST only: adds a person from the lesson form
    "/admin/accounts/zoomuser/add/": 403,  # Zoom users come from Zoom, nobody adds them by hand
    "/admin/meetings/meeting/add/": 403,  # lessons are scheduled on the Lessons page, which pushes them to Zoom
    "/admin/recordings/syncrun/add/": 403,  # runs are started by "Sync now", the hourly job or the command
    "/admin/recordings/zoomclouddeletion/add/": 403,  # the audit is written by ZoomHub only
    "/admin/attendance/session/add/": 403,  # sessions come from Zoom's meetings, never typed in
    "/admin/attendance/segment/add/": 403,  # segments are what Zoom reported: read-only
    "/admin/attendance/manualmatch/add/": 403,  # decisions are made on the session page
    "/admin/autocomplete/": 403,  # needs the admin's own query parameters
    "/accounts/2fa/recovery-codes/": 404,  # nothing to show before an authenticator exists
    "/accounts/2fa/recovery-codes/download/": 404,
    "/accounts/2fa/totp/deactivate/": 404,
    "/admin/webhooks/webhookevent/add/": 403,  # events come from Zoom only, nobody adds one
    "/admin/api/apitoken/add/": 403,  # tokens are made on the API tokens page, which shows the value once
    "/admin/notifications/outgoingmessage/add/": 403,  # the outbox is written by lessons' changes only
    "/admin/notifications/eventdelivery/add/": 403,  # deliveries are events that happened: replayed, never typed
}


def _expected_for_staff(path):
    if path in OWN_ANSWERS:
        return {OWN_ANSWERS[path]}
    if re.match(r"^/admin/[^/]+/[^/]+/", path) and not path.startswith("/admin/password_change/"):
        return {403}  # a model page: staff without model permissions are refused by the admin
    return {200, 302}


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_staff_reach_every_staff_page(staff_client, path):
    assert staff_client.get(path).status_code in _expected_for_staff(path)


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_superusers_reach_every_page(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code in ({OWN_ANSWERS[path]} if path in OWN_ANSWERS else {200, 302}), path


def test_inactive_staff_cannot_use_a_lingering_session(client, staff_user):
    client.force_login(staff_user)
    staff_user.is_active = False
    staff_user.save()
    response = client.get("/")
    assert response.status_code == 302


def test_health_check_is_public_and_ignores_the_host_header(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
