"""The Zoom accounts pages: who reaches them, what they show, and their cost in queries."""

import pytest
import requests
from django.test import Client

from accounts.models import Credential, ZoomUser
from tests.accounts.conftest import make_oauth, make_s2s

pytestmark = pytest.mark.django_db


PAGES = ["/zoom-accounts/{pk}/", "/zoom-accounts/{pk}/edit/"]
ACTIONS = [
    "/zoom-accounts/{pk}/test/",
    "/zoom-accounts/{pk}/refresh-users/",
    "/zoom-accounts/{pk}/disconnect/",
]


@pytest.mark.parametrize("path", PAGES + ACTIONS)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    credential = make_s2s()
    for method in (client.get, client.post):
        response = method(path.format(pk=credential.pk))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    credential.refresh_from_db()
    assert credential.status == "active"


@pytest.mark.parametrize("path", PAGES + ACTIONS)
def test_signed_in_non_staff_get_forbidden(client, outsider, path):
    credential = make_s2s()
    client.force_login(outsider)
    for method in (client.get, client.post):
        assert method(path.format(pk=credential.pk)).status_code == 403
    credential.refresh_from_db()
    assert credential.status == "active"


@pytest.mark.parametrize("path", PAGES)
def test_staff_see_the_pages(staff_client, path):
    credential = make_s2s()
    assert staff_client.get(path.format(pk=credential.pk)).status_code == 200
    assert staff_client.get(path.format(pk=credential.pk + 1000)).status_code == 404


@pytest.mark.parametrize("path", ACTIONS)
def test_actions_are_post_only_with_csrf(path, staff_user):
    credential = make_s2s()
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.get(path.format(pk=credential.pk)).status_code == 405
    assert client.post(path.format(pk=credential.pk)).status_code == 403  # no CSRF token
    credential.refresh_from_db()
    assert credential.status == "active"


def test_the_list_shows_status_last_check_hosts_and_the_webhook_url(staff_client):
    good = make_s2s(is_master_account=True, missing_scopes=["meeting:delete:meeting:admin"])
    ZoomUser.objects.create(credential=good, zoom_id="a", email="a@example.com")
    ZoomUser.objects.create(credential=good, zoom_id="b", email="b@example.com")
    ZoomUser.objects.create(credential=good, zoom_id="c", email="c@example.com", is_active=False)
    make_oauth(
        status=Credential.Status.RECONNECT_NEEDED,
        last_error="Zoom no longer accepts this account's authorization",
    )

    page = staff_client.get("/zoom-accounts/").content.decode()

    assert f"http://testserver/webhooks/zoom/{good.webhook_code}/" in page
    assert f'data-copy="#webhook-url-{good.pk}"' in page
    assert "<td>2</td>" in page  # active hosts only
    assert "1 scope missing" in page and "master account" in page
    assert "Reconnect needed" in page and "Reconnect</button>" in page
    assert "Test connection" in page and "Refresh users" in page and "Disconnect" in page


def test_the_detail_page_lists_hosts(staff_client):
    credential = make_s2s()
    ZoomUser.objects.create(
        credential=credential, zoom_id="a", email="teacher@example.com", display_name="Teacher One"
    )
    page = staff_client.get(f"/zoom-accounts/{credential.pk}/").content.decode()
    assert "teacher@example.com" in page and "Teacher One" in page and "1 active host" in page


def _rows(count: int):
    for index in range(count):
        credential = make_s2s(name=f"App {index}", account_id=f"Account{index:04d}")
        ZoomUser.objects.bulk_create(
            ZoomUser(credential=credential, zoom_id=f"{index}-{n}", email=f"{index}-{n}@example.com")
            for n in range(3)
        )


def test_the_list_page_costs_the_same_queries_for_many_rows(staff_client, django_assert_max_num_queries):
    _rows(2)
    with django_assert_max_num_queries(6) as few:
        assert staff_client.get("/zoom-accounts/").status_code == 200
    _rows_more = 20
    for index in range(2, 2 + _rows_more):
        credential = make_s2s(name=f"App {index}", account_id=f"Account{index:04d}")
        ZoomUser.objects.create(credential=credential, zoom_id=f"{index}", email=f"{index}@example.com")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get("/zoom-accounts/").content.decode().count("/test/") == 22


def test_the_detail_page_costs_the_same_queries_for_many_hosts(staff_client, django_assert_max_num_queries):
    credential = make_s2s()
    ZoomUser.objects.create(credential=credential, zoom_id="first", email="first@example.com")
    with django_assert_max_num_queries(8) as few:
        staff_client.get(f"/zoom-accounts/{credential.pk}/")
    ZoomUser.objects.bulk_create(
        ZoomUser(credential=credential, zoom_id=f"u{n}", email=f"u{n}@example.com") for n in range(50)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(f"/zoom-accounts/{credential.pk}/")


def test_disconnect_revokes_at_zoom_deletes_tokens_and_keeps_the_row(staff_client, zoom, oauth_app):
    credential = make_oauth()
    ZoomUser.objects.create(
        credential=credential, zoom_id="KDcuGIm1QgePTO8WbOqwIQ", email="jchill@example.com"
    )
    zoom.add_oauth_app()
    zoom.grant_oauth(credential)

    response = staff_client.post(f"/zoom-accounts/{credential.pk}/disconnect/", follow=True)

    assert "was disconnected" in response.content.decode()
    (call,) = zoom.control.requests()
    assert (call["route"], call["status"]) == ("POST /oauth/revoke", 200)
    # The token it revoked was the credential's: that grant no longer works in Zoom.
    dead = requests.get(
        f"{zoom.running.api_url}/users/me",
        headers={"Authorization": "Bearer access-token-0000-original"},
        timeout=10,
    )
    assert (dead.status_code, dead.json()["code"]) == (401, 124)
    credential.refresh_from_db()
    assert credential.status == "revoked"
    assert credential.access_token is None and credential.refresh_token is None
    assert credential.zoom_users.count() == 1  # history stays


def test_a_disconnected_credential_gives_no_client():
    from accounts.services import CredentialUnusable, credential_client

    credential = make_s2s(status=Credential.Status.REVOKED)
    with pytest.raises(CredentialUnusable, match="disconnected"):
        credential_client(credential=credential)


def test_disconnect_survives_zoom_refusing_the_revoke(staff_client, zoom, oauth_app):
    zoom.add_oauth_app()  # which does not know the token: 400 invalid_request "Invalid Token!"
    credential = make_oauth()
    response = staff_client.post(f"/zoom-accounts/{credential.pk}/disconnect/")
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.status == "revoked" and credential.access_token is None


def test_test_connection_shows_missing_scopes(staff_client, zoom):
    from accounts.models import ZoomUser

    credential = make_s2s()
    host = ZoomUser.objects.create(credential=credential, zoom_id="host-1", email="host@school.example")
    type(credential).objects.filter(pk=credential.pk).update(default_host=host)  # used for lessons
    zoom.grant_s2s("user:read:user:admin")
    page = staff_client.post(f"/zoom-accounts/{credential.pk}/test/", follow=True).content.decode()
    assert "Connected to Zoom as jchill@example.com" in page
    assert "meeting:write:meeting:admin (schedule lessons)" in page

    detail = staff_client.get(f"/zoom-accounts/{credential.pk}/").content.decode()
    assert "What ZoomHub may not do yet" in detail
    assert "lessons" in detail and "meeting:delete:meeting:admin" in detail
