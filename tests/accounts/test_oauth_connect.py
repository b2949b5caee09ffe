"""'Connect with Zoom': state bound to the staff session, PKCE, and nothing stored on any failure."""

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.models import Credential
from tests.accounts.conftest import OAUTH_ALL_SCOPES, api, fixture, form_params, oauth_url, token_answer

pytestmark = pytest.mark.django_db

CONNECT = "/zoom-accounts/oauth/connect/"
CALLBACK = "/zoom-accounts/oauth/callback/"
GRANTED_ACCESS = "eyJzdiI6IjAwMDAwMSIsImFsZyI6IkhTNTEyIn0.granted-access"
GRANTED_REFRESH = "eyJzdiI6IjAwMDAwMSIsInJlZnJlc2gifQ.granted-refresh"


class ZoomAuthorizationServer:
    """Zoom's token endpoint for codes: each code works once, and only with the right verifier."""

    def __init__(self):
        self.codes: dict[str, str] = {}  # code -> code_challenge it was issued for
        self.exchanges = 0

    def issue(self, code: str, challenge: str) -> None:
        self.codes[code] = challenge

    def __call__(self, request):
        params = form_params(request)
        challenge = self.codes.pop(params.get("code"), None)
        verifier = params.get("code_verifier", "")
        expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if params.get("grant_type") != "authorization_code" or challenge is None or challenge != expected:
            return 400, {}, json.dumps({"reason": "Invalid authorization code", "error": "invalid_grant"})
        self.exchanges += 1
        body = token_answer(
            access_token=GRANTED_ACCESS, refresh_token=GRANTED_REFRESH, scope=OAUTH_ALL_SCOPES
        )
        return 200, {}, json.dumps(body)


@pytest.fixture
def authorization_server(zoom, oauth_app):
    server = ZoomAuthorizationServer()
    zoom.add_callback("POST", oauth_url("/token"), callback=server)
    zoom.add("GET", api("/users/me"), json=fixture("users_me__oauth_user"))
    return server


def _start(client) -> dict[str, str]:
    response = client.post(CONNECT)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == oauth_url("/authorize")
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == "http://testserver" + CALLBACK
    return query


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_the_list_page_offers_connect_with_zoom(staff_client, oauth_app):
    page = staff_client.get("/zoom-accounts/").content.decode()
    assert "Connect with Zoom" in page and f'action="{CONNECT}"' in page


def test_connecting_stores_a_credential_named_by_the_zoom_user_s_email(staff_client, authorization_server):
    query = _start(staff_client)
    authorization_server.issue("code-from-zoom-1", query["code_challenge"])

    response = staff_client.get(CALLBACK, {"code": "code-from-zoom-1", "state": query["state"]}, follow=True)

    assert "Connected the Zoom user jchill@example.com." in _messages(response)
    credential = Credential.objects.get()
    assert credential.name == "jchill@example.com" and credential.kind == "oauth"
    assert credential.access_token == GRANTED_ACCESS and credential.refresh_token == GRANTED_REFRESH
    assert credential.zoom_user_id == "KDcuGIm1QgePTO8WbOqwIQ"
    assert credential.account_id == "q6gBJVO5TzexKYTb_I2rpg"
    assert credential.scope == OAUTH_ALL_SCOPES
    assert credential.token_expires_at is not None and credential.status == "active"


def test_connecting_again_updates_the_same_credential(staff_client, authorization_server):
    Credential.objects.create(
        kind="oauth",
        name="old-email@example.com",
        zoom_user_id="KDcuGIm1QgePTO8WbOqwIQ",
        access_token="stale-access-token-x",
        status=Credential.Status.RECONNECT_NEEDED,
    )
    query = _start(staff_client)
    authorization_server.issue("code-2", query["code_challenge"])
    response = staff_client.get(CALLBACK, {"code": "code-2", "state": query["state"]}, follow=True)

    assert "Reconnected the Zoom user jchill@example.com." in _messages(response)
    credential = Credential.objects.get()
    assert credential.name == "jchill@example.com" and credential.status == "active"
    assert credential.access_token == GRANTED_ACCESS


def test_a_wrong_state_is_refused_and_nothing_stored(staff_client, authorization_server):
    query = _start(staff_client)
    authorization_server.issue("code-3", query["code_challenge"])
    response = staff_client.get(CALLBACK, {"code": "code-3", "state": "forged-state"}, follow=True)
    assert "could not be matched to one you started here" in _messages(response)
    assert not Credential.objects.exists() and authorization_server.exchanges == 0


def test_a_missing_state_is_refused(staff_client, authorization_server):
    _start(staff_client)
    response = staff_client.get(CALLBACK, {"code": "code-4"}, follow=True)
    assert "could not be matched" in _messages(response)
    assert not Credential.objects.exists()


def test_a_missing_code_is_refused(staff_client, authorization_server):
    query = _start(staff_client)
    response = staff_client.get(CALLBACK, {"state": query["state"]}, follow=True)
    assert "Zoom sent no authorization code" in _messages(response)
    assert not Credential.objects.exists()


def test_denied_consent_is_explained(staff_client, authorization_server):
    query = _start(staff_client)
    response = staff_client.get(CALLBACK, {"error": "access_denied", "state": query["state"]}, follow=True)
    assert "Access was declined in Zoom" in _messages(response)
    assert not Credential.objects.exists()


def test_a_reused_callback_is_refused(staff_client, authorization_server):
    query = _start(staff_client)
    authorization_server.issue("code-5", query["code_challenge"])
    staff_client.get(CALLBACK, {"code": "code-5", "state": query["state"]})
    Credential.objects.all().delete()

    response = staff_client.get(CALLBACK, {"code": "code-5", "state": query["state"]}, follow=True)
    assert "could not be matched" in _messages(response)
    assert not Credential.objects.exists()


def test_an_expired_or_used_code_zoom_refuses_is_explained(staff_client, authorization_server):
    query = _start(staff_client)  # no code issued: Zoom answers invalid_grant
    response = staff_client.get(CALLBACK, {"code": "expired-code", "state": query["state"]}, follow=True)
    assert "the code expired or was already used" in _messages(response)
    assert not Credential.objects.exists()


def test_the_callback_needs_the_staff_session_that_started_the_flow(
    client, staff_client, authorization_server, django_user_model
):
    query = _start(staff_client)
    authorization_server.issue("code-6", query["code_challenge"])
    other_staff = django_user_model.objects.create_user(username="other", password="x", is_staff=True)
    from django.test import Client

    other = Client()
    other.force_login(other_staff)
    response = other.get(CALLBACK, {"code": "code-6", "state": query["state"]}, follow=True)
    assert "could not be matched" in _messages(response)

    anonymous = Client()
    response = anonymous.get(CALLBACK, {"code": "code-6", "state": query["state"]})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Credential.objects.exists() and authorization_server.exchanges == 0


def test_outsiders_get_forbidden_at_the_callback(client, outsider, authorization_server):
    client.force_login(outsider)
    assert client.get(CALLBACK, {"code": "x", "state": "y"}).status_code == 403


def test_the_callback_path_is_public_so_zoom_s_redirect_is_never_bounced_by_the_middleware():
    from zoomhub.access import is_public_path

    assert is_public_path(CALLBACK)
    assert not is_public_path("/accounts/oauth/zoom/callback/")
    assert not is_public_path(CONNECT)


def test_without_an_oauth_app_the_button_explains_what_to_configure(staff_client, settings):
    settings.OAUTH_ZOOM_CLIENT_ID = ""
    response = staff_client.post(CONNECT, follow=True)
    assert "OAUTH_ZOOM_CLIENT_ID" in _messages(response)


def test_an_s2s_account_of_the_same_name_is_not_overwritten(staff_client, authorization_server):
    Credential.objects.create(
        kind="server_to_server",
        name="jchill@example.com",
        account_id="Ab1CdE",
        client_id="Tex0m1",
        client_secret="x" * 20,
    )
    query = _start(staff_client)
    authorization_server.issue("code-7", query["code_challenge"])
    response = staff_client.get(CALLBACK, {"code": "code-7", "state": query["state"]}, follow=True)
    assert "already named “jchill@example.com”" in _messages(response)
    assert Credential.objects.get().kind == "server_to_server"
