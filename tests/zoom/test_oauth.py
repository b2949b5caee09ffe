"""The user-OAuth helpers: authorization URL with PKCE, code exchange, refresh, revoke."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import responses

from zoomhub.zoom import oauth

from .conftest import CLIENT_ID, CLIENT_SECRET, OAUTH, TOKEN_URL, fixture

REDIRECT = "https://zoomhub.example.org/zoom-accounts/oauth/callback/"


def _basic(request) -> tuple[str, str]:
    kind, value = request.headers["Authorization"].split(" ", 1)
    assert kind == "Basic"
    user, _, password = base64.b64decode(value).decode().partition(":")
    return user, password


def test_pkce_pair_is_s256():
    verifier, challenge = oauth.new_pkce_pair()
    assert 43 <= len(verifier) <= 128
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == expected
    assert oauth.new_pkce_pair()[0] != verifier


def test_authorization_url_carries_state_and_challenge():
    url = oauth.authorization_url(
        client_id=CLIENT_ID, redirect_uri=REDIRECT, state="st4te", code_challenge="ch4l"
    )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{OAUTH}/authorize"
    assert parse_qs(parts.query) == {
        "response_type": ["code"],
        "client_id": [CLIENT_ID],
        "redirect_uri": [REDIRECT],
        "state": ["st4te"],
        "code_challenge": ["ch4l"],
        "code_challenge_method": ["S256"],
    }


def test_exchange_code_posts_the_form_with_basic_auth(zoom):
    zoom.add(responses.POST, TOKEN_URL, json=fixture("oauth_token__authorization_code"))
    grant = oauth.exchange_code(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        code="c0de",
        redirect_uri=REDIRECT,
        code_verifier="v3r",
    )
    request = zoom.calls[0].request
    assert _basic(request) == (CLIENT_ID, CLIENT_SECRET)
    assert parse_qs(request.body) == {
        "grant_type": ["authorization_code"],
        "code": ["c0de"],
        "redirect_uri": [REDIRECT],
        "code_verifier": ["v3r"],
    }
    assert grant.refresh_token == fixture("oauth_token__authorization_code")["refresh_token"]
    assert grant.expires_in == 3599
    assert grant.scopes == {"meeting:write:meeting", "meeting:read:meeting", "user:read:user"}
    assert grant.api_url == "https://api.zoom.us"
    assert grant.access_token not in repr(grant)


def test_refresh_returns_the_new_pair(zoom):
    zoom.add(responses.POST, TOKEN_URL, json=fixture("oauth_token__authorization_code"))
    grant = oauth.refresh_access_token(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token="old-r"
    )
    assert parse_qs(zoom.calls[0].request.body) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["old-r"],
    }
    assert grant.refresh_token.endswith("user-refresh-token-TWO")


def test_revoke_posts_the_token_with_basic_auth(zoom):
    zoom.add(responses.POST, f"{OAUTH}/revoke", json={"status": "success"})
    oauth.revoke_token(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token="t0ken")
    request = zoom.calls[0].request
    assert _basic(request) == (CLIENT_ID, CLIENT_SECRET)
    assert parse_qs(urlsplit(request.url).query) == {"token": ["t0ken"]}


def test_server_to_server_token(zoom):
    zoom.add(responses.POST, TOKEN_URL, json=fixture("oauth_token__account_credentials"))
    grant = oauth.request_server_to_server_token(
        account_id="acc1", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    assert parse_qs(urlsplit(zoom.calls[0].request.url).query) == {
        "grant_type": ["account_credentials"],
        "account_id": ["acc1"],
    }
    assert grant.refresh_token is None
    assert grant.token_type == "bearer"
    assert "cloud_recording:read:list_user_recordings:admin" in grant.scopes
