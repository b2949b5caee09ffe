"""Tampering with "Connect with Zoom" (state, PKCE) against the Zoom sandbox, and with webhooks
(replay, forgery, URL validation used as a signing oracle)."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from accounts.models import Credential
from accounts.services.oauth_connect import SESSION_KEY
from webhooks.models import WebhookEvent
from zoomhub.zoom.webhooks import sign

pytestmark = pytest.mark.django_db

ACCOUNT = "tamperAcct01"
APP_ID, APP_SECRET = "tamperOauthId01", "tamper-oauth-secret-0123456789"
REDIRECT_URI = "http://testserver/zoom-accounts/oauth/callback/"


@pytest.fixture
def zoom(zoom_sandbox_settings, settings):
    control = zoom_sandbox_settings.control
    control.add_account(id=ACCOUNT, name="School", plan="pro")
    control.add_user(id="annaUser01", account_id=ACCOUNT, email="anna@school.example", first_name="Anna")
    control.add_app(client_id=APP_ID, client_secret=APP_SECRET, kind="oauth", redirect_uris=[REDIRECT_URI])
    settings.OAUTH_ZOOM_CLIENT_ID = APP_ID
    settings.OAUTH_ZOOM_CLIENT_SECRET = APP_SECRET
    settings.OAUTH_ZOOM_REDIRECT_URI = REDIRECT_URI
    return zoom_sandbox_settings


def _session_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start_and_consent(zoom, client) -> dict:
    """Press "Connect with Zoom", then consent in the sandbox as a browser would: the callback query."""
    started = client.post("/zoom-accounts/oauth/connect/")
    assert started.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(started["Location"]).query).items()}
    assert query["code_challenge_method"] == "S256" and query["state"]
    form = {**query, "user_id": "annaUser01", "decision": "allow"}
    answer = requests.post(f"{zoom.oauth_url}/authorize", data=form, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def callback(client, query: dict):
    response = client.get("/zoom-accounts/oauth/callback/", query, follow=True)
    return response, " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def oauth_credentials() -> int:
    return Credential.objects.filter(kind=Credential.Kind.OAUTH).count()


def token_exchanges(zoom) -> int:
    return zoom.control.calls().get("POST /oauth/token", 0)


def test_an_honest_connect_works_once_and_its_replay_is_refused(zoom, staff_user):
    client = _session_client(staff_user)
    query = start_and_consent(zoom, client)
    _response, said = callback(client, query)
    assert "Connected the Zoom user anna@school.example" in said
    assert oauth_credentials() == 1

    _response, said = callback(client, query)  # the same redirect again (history, a proxy log)
    assert "could not be matched" in said
    assert oauth_credentials() == 1
    assert token_exchanges(zoom) == 1  # refused before reaching Zoom


def test_a_wrong_state_is_refused_without_asking_zoom(zoom, staff_user):
    client = _session_client(staff_user)
    query = start_and_consent(zoom, client)
    _response, said = callback(client, {**query, "state": query["state"][:-2] + "xx"})
    assert "could not be matched" in said
    assert oauth_credentials() == 0 and token_exchanges(zoom) == 0


def test_a_state_from_another_staff_session_is_refused(zoom, staff_user, django_user_model):
    victim = _session_client(staff_user)
    query = start_and_consent(zoom, victim)
    attacker = django_user_model.objects.create_user(username="mallory", password="x", is_staff=True)
    _response, said = callback(_session_client(attacker), query)
    assert "could not be matched" in said
    assert oauth_credentials() == 0 and token_exchanges(zoom) == 0
    # The victim's own flow is untouched and still completes.
    _response, said = callback(victim, query)
    assert "Connected" in said and oauth_credentials() == 1


def test_a_wrong_code_verifier_is_refused_by_zoom_and_nothing_is_stored(zoom, staff_user):
    client = _session_client(staff_user)
    query = start_and_consent(zoom, client)
    session = client.session
    flows = session[SESSION_KEY]
    flows[query["state"]]["verifier"] = "x" * 64  # what an attacker without the verifier would send
    session[SESSION_KEY] = flows
    session.save()
    _response, said = callback(client, query)
    assert "did not accept the authorization" in said
    assert oauth_credentials() == 0
    assert token_exchanges(zoom) == 1  # Zoom (the sandbox) checked PKCE and refused


def test_a_code_injected_into_another_flow_fails_pkce(zoom, staff_user):
    """A code stolen from one flow, replayed with the state of another: the verifiers differ."""
    client = _session_client(staff_user)
    stolen = start_and_consent(zoom, client)
    own = start_and_consent(zoom, client)
    _response, said = callback(client, {"state": own["state"], "code": stolen["code"]})
    assert "did not accept the authorization" in said
    assert oauth_credentials() == 0


def test_a_callback_without_a_session_stores_nothing(zoom, staff_user):
    query = start_and_consent(zoom, _session_client(staff_user))
    response = Client().get("/zoom-accounts/oauth/callback/", query)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert oauth_credentials() == 0 and token_exchanges(zoom) == 0


# -- webhooks ------------------------------------------------------------------------------------

SECRET = "tamperWEBHOOKsecret01"


@pytest.fixture
def webhook(db):
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School",
        account_id="tamperAcct02",
        client_id="tamperS2S02",
        client_secret="tamper-s2s-secret-01",
        webhook_secret_token=SECRET,
    )
    return credential.webhook_path


def _event(meeting_id="95001") -> bytes:
    body = {
        "event": "meeting.deleted",
        "event_ts": 1700000000000,
        "payload": {"account_id": "tamperAcct02", "object": {"id": meeting_id, "uuid": "u1=="}},
    }
    return json.dumps(body, separators=(",", ":")).encode()


def _post(client, url, raw: bytes, timestamp: int, signature: str):
    return client.post(
        url,
        raw,
        content_type="application/json",
        HTTP_X_ZM_REQUEST_TIMESTAMP=str(timestamp),
        HTTP_X_ZM_SIGNATURE=signature,
    )


def test_a_captured_delivery_replayed_later_is_refused(client, webhook):
    raw = _event()
    sent_at = int(time.time()) - 301  # captured more than five minutes ago
    response = _post(client, webhook, raw, sent_at, sign(SECRET, sent_at, raw))
    assert response.status_code == 401
    assert WebhookEvent.objects.count() == 0


def test_a_replay_within_the_window_is_stored_once(client, webhook):
    raw = _event()
    now = int(time.time())
    signature = sign(SECRET, now, raw)
    assert [_post(client, webhook, raw, now, signature).status_code for _ in range(3)] == [200, 200, 200]
    assert WebhookEvent.objects.count() == 1


def test_url_validation_cannot_be_used_to_sign_a_forged_event(client, webhook):
    """The attack: ask the URL-validation answer to HMAC "v0:{ts}:{forged body}" with our secret,
    then send the forged body with that HMAC as its signature."""
    forged = _event("66666")
    now = int(time.time())
    message = f"v0:{now}:{forged.decode()}"
    validation = {"event": "endpoint.url_validation", "payload": {"plainToken": message}}
    answer = client.post(webhook, json.dumps(validation), content_type="application/json")
    if answer.status_code == 200:
        signature = "v0=" + answer.json()["encryptedToken"]
        delivered = _post(client, webhook, forged, now, signature)
        assert delivered.status_code == 401
    assert not WebhookEvent.objects.filter(zoom_meeting_id="66666").exists()


@pytest.mark.parametrize("change", ["body", "timestamp", "secret", "scheme"])
def test_forgeries_are_refused(client, webhook, change):
    raw = _event()
    now = int(time.time())
    signature = sign(SECRET, now, raw)
    if change == "body":
        raw = raw.replace(b"95001", b"95002")
    elif change == "timestamp":
        now += 1
    elif change == "secret":
        signature = sign(SECRET + "x", now, raw)
    else:
        signature = signature.replace("v0=", "v1=")
    assert _post(client, webhook, raw, now, signature).status_code == 401
    assert WebhookEvent.objects.count() == 0
