"""'Connect with Zoom': state bound to the staff session, PKCE, and nothing stored on any failure."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings

from accounts.models import Credential
from tests.accounts.conftest import OAUTH_ALL_SCOPES, SandboxAccounts, fixture

pytestmark = pytest.mark.django_db

CONNECT = "/zoom-accounts/oauth/connect/"
CALLBACK = "/zoom-accounts/oauth/callback/"


class SandboxConsent:
    """Zoom's consent page and token endpoint, in the sandbox: Jill Chill allows the app and
    Zoom redirects back with a code that works once, and only with the flow's PKCE verifier."""

    def __init__(self, world):
        self.world = world
        self.me = world.add_oauth_user()
        world.add_oauth_app(
            redirect_uris=["http://testserver" + CALLBACK], scopes=OAUTH_ALL_SCOPES.split(), name="ZoomHub"
        )

    def issue(self, query: dict) -> str:
        """Jill allows the app on the consent page ZoomHub sent her to; the code Zoom redirects with."""
        form = {**query, "user_id": self.me["id"], "decision": "allow"}
        answer = requests.post(
            f"{self.world.running.oauth_url}/authorize", data=form, allow_redirects=False, timeout=10
        )
        location = urlsplit(answer.headers["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == "http://testserver" + CALLBACK
        redirected = {k: v[0] for k, v in parse_qs(location.query).items()}
        assert redirected["state"] == query["state"]
        return redirected["code"]

    @property
    def exchanges(self) -> int:
        """Codes Zoom exchanged for tokens."""
        return len([r for r in self.world.requests("POST /oauth/token") if r["status"] == 200])

    def granted(self) -> tuple[str, str]:
        """The live access and refresh token of Jill's grant, as the sandbox holds them."""
        state = self.world.running.sandbox.state
        with state.lock:
            (access,) = [t.token for t in state.access_tokens.values() if t.user_id == self.me["id"]]
            (refresh,) = [t.token for t in state.refresh_tokens.values() if t.user_id == self.me["id"]]
        return access, refresh


@pytest.fixture
def authorization_server(zoom_sandbox_settings, oauth_app):
    # The school's S2S account has another owner: Jill connects from her own account.
    school_owner = fixture("users__page_1")["users"][0]
    return SandboxConsent(SandboxAccounts(zoom_sandbox_settings, members=[school_owner]))


def _start(client) -> dict[str, str]:
    response = client.post(CONNECT)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}" == settings.ZOOM_OAUTH_BASE_URL + "/authorize"
    )
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
    code = authorization_server.issue(query)

    response = staff_client.get(CALLBACK, {"code": code, "state": query["state"]}, follow=True)

    assert "Connected the Zoom user jchill@example.com." in _messages(response)
    credential = Credential.objects.get()
    assert credential.name == "jchill@example.com" and credential.kind == "oauth"
    assert (credential.access_token, credential.refresh_token) == authorization_server.granted()
    assert credential.zoom_user_id == "KDcuGIm1QgePTO8WbOqwIQ"
    assert credential.account_id == "q6gBJVO5TzexKYTb_I2rpg"
    assert credential.scope == " ".join(sorted(OAUTH_ALL_SCOPES.split()))  # as Zoom's answer lists them
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
    code = authorization_server.issue(query)
    response = staff_client.get(CALLBACK, {"code": code, "state": query["state"]}, follow=True)

    assert "Reconnected the Zoom user jchill@example.com." in _messages(response)
    credential = Credential.objects.get()
    assert credential.name == "jchill@example.com" and credential.status == "active"
    assert credential.access_token == authorization_server.granted()[0]


def test_a_wrong_state_is_refused_and_nothing_stored(staff_client, authorization_server):
    query = _start(staff_client)
    code = authorization_server.issue(query)
    response = staff_client.get(CALLBACK, {"code": code, "state": "forged-state"}, follow=True)
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
    code = authorization_server.issue(query)
    staff_client.get(CALLBACK, {"code": code, "state": query["state"]})
    Credential.objects.all().delete()

    response = staff_client.get(CALLBACK, {"code": code, "state": query["state"]}, follow=True)
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
    code = authorization_server.issue(query)
    other_staff = django_user_model.objects.create_user(username="other", password="x", is_staff=True)
    from django.test import Client

    other = Client()
    other.force_login(other_staff)
    response = other.get(CALLBACK, {"code": code, "state": query["state"]}, follow=True)
    assert "could not be matched" in _messages(response)

    anonymous = Client()
    response = anonymous.get(CALLBACK, {"code": code, "state": query["state"]})
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
    code = authorization_server.issue(query)
    response = staff_client.get(CALLBACK, {"code": code, "state": query["state"]}, follow=True)
    assert "already named “jchill@example.com”" in _messages(response)
    assert Credential.objects.get().kind == "server_to_server"
