"""A small Zoom world in a fresh sandbox for each test, and helpers to call it like a client."""

import base64
import hashlib
import json
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zoom"

ACCOUNT = "schoolAcct01"
SUB_ACCOUNT = "branchAcct01"
OTHER_ACCOUNT = "tutorAcct01"
S2S_ID, S2S_SECRET = "s2sClientId01", "s2s-client-secret-0123456789"
OAUTH_ID, OAUTH_SECRET = "oauthClientId01", "oauth-client-secret-0123456789"
REDIRECT_URI = "http://127.0.0.1:9/zoom-accounts/oauth/callback/"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text())


def assert_shape(actual, documented, path="$"):
    """Every field of Zoom's documented example is in `actual`, with the same JSON type."""
    if isinstance(documented, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        for key, value in documented.items():
            assert key in actual, f"{path}.{key} is missing"
            assert_shape(actual[key], value, f"{path}.{key}")
    elif isinstance(documented, list):
        assert isinstance(actual, list), f"{path}: expected a list"
        if documented and actual:
            assert_shape(actual[0], documented[0], f"{path}[0]")
    elif isinstance(documented, bool):
        assert isinstance(actual, bool), f"{path}: expected a boolean, got {actual!r}"
    elif isinstance(documented, int | float):
        assert isinstance(actual, int | float) and not isinstance(actual, bool), (
            f"{path}: expected a number, got {actual!r}"
        )
    elif isinstance(documented, str):
        assert isinstance(actual, str), f"{path}: expected a string, got {actual!r}"


@pytest.fixture
def zoom(zoom_sandbox):
    """The sandbox with a school account (and a branch sub-account), its S2S app, an OAuth app."""
    control = zoom_sandbox.control
    control.add_account(id=ACCOUNT, name="School", plan="pro", is_master=True)
    control.add_account(id=SUB_ACCOUNT, name="Branch", plan="pro", master_id=ACCOUNT)
    control.add_account(id=OTHER_ACCOUNT, name="Tutor", plan="pro")
    control.add_user(
        id="ownerUser01",
        account_id=ACCOUNT,
        email="owner@school.example",
        first_name="Olga",
        last_name="Owner",
    )
    control.add_user(
        id="annaUser01",
        account_id=ACCOUNT,
        email="anna@school.example",
        first_name="Anna",
        last_name="Teacher",
        timezone="Europe/Tallinn",
    )
    control.add_user(
        id="branchUser01",
        account_id=SUB_ACCOUNT,
        email="bea@branch.example",
        first_name="Bea",
        last_name="Branch",
    )
    control.add_user(
        id="tutorUser01",
        account_id=OTHER_ACCOUNT,
        email="tom@tutor.example",
        first_name="Tom",
        last_name="Tutor",
    )
    control.add_app(
        client_id=S2S_ID,
        client_secret=S2S_SECRET,
        kind="server_to_server",
        account_id=ACCOUNT,
        webhook_secret="s2s-webhook-secret",
    )
    control.add_app(
        client_id=OAUTH_ID,
        client_secret=OAUTH_SECRET,
        kind="oauth",
        redirect_uris=[REDIRECT_URI],
        webhook_secret="oauth-webhook-secret",
        name="ZoomHub test",
    )
    return zoom_sandbox


def s2s_grant(zoom, account_id=ACCOUNT, client_id=S2S_ID, client_secret=S2S_SECRET):
    return requests.post(
        f"{zoom.oauth_url}/token",
        params={"grant_type": "account_credentials", "account_id": account_id},
        auth=(client_id, client_secret),
        timeout=5,
    )


class Api:
    """requests against /v2 with a bearer token."""

    def __init__(self, zoom, token):
        self.zoom = zoom
        self.token = token

    def __call__(self, method, path, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.zoom.api_url}{path}", headers=headers, timeout=10, **kwargs)

    def get(self, path, **kwargs):
        return self("GET", path, **kwargs)


@pytest.fixture
def api(zoom):
    return Api(zoom, s2s_grant(zoom).json()["access_token"])


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def consent(
    zoom, *, decision="allow", user_id="annaUser01", challenge="", state="st-1", redirect_uri=REDIRECT_URI
):
    """What a browser does on the consent page: submit the form; returns the redirect's query."""
    form = {
        "response_type": "code",
        "client_id": OAUTH_ID,
        "redirect_uri": redirect_uri,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256" if challenge else "",
        "user_id": user_id,
        "decision": decision,
    }
    response = requests.post(f"{zoom.oauth_url}/authorize", data=form, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(redirect_uri)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def exchange(zoom, code, verifier="", redirect_uri=REDIRECT_URI):
    return requests.post(
        f"{zoom.oauth_url}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(OAUTH_ID, OAUTH_SECRET),
        timeout=5,
    )
