"""Our Zoom client (zoomhub.zoom) against the sandbox as a real server: the S2S grant, the OAuth
connect without a browser, users and a meeting's life; the sandbox counts exactly the calls made."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.sandbox.conftest import ACCOUNT, OAUTH_ID, OAUTH_SECRET, REDIRECT_URI, S2S_ID, S2S_SECRET
from zoomhub.zoom import oauth
from zoomhub.zoom.client import ZoomClient
from zoomhub.zoom.errors import ZoomNotFound, ZoomServerError
from zoomhub.zoom.tokens import ServerToServerTokens


class UserTokens:
    """The smallest TokenSource for a user-OAuth grant (accounts keeps the real one in the DB)."""

    def __init__(self, grant: oauth.TokenGrant, account: str) -> None:
        self.grant = grant
        self.rate_limit_key = account

    def get_token(self) -> str:
        return self.grant.access_token

    def invalidate(self, token: str) -> None:
        pass


def connect_without_a_browser(zoom) -> oauth.TokenGrant:
    verifier, challenge = oauth.new_pkce_pair()
    url = oauth.authorization_url(
        client_id=OAUTH_ID, redirect_uri=REDIRECT_URI, state="state-123", code_challenge=challenge
    )
    page = requests.get(url, timeout=5)
    assert page.status_code == 200
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    action = re.search(r'<form method="post" action="([^"]+)">', page.text).group(1)
    answer = requests.post(
        f"{zoom.url}{action}",
        data={**form, "user_id": "annaUser01", "decision": "allow"},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT_URI)
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["state"] == "state-123"
    return oauth.exchange_code(
        client_id=OAUTH_ID,
        client_secret=OAUTH_SECRET,
        code=query["code"],
        redirect_uri=REDIRECT_URI,
        code_verifier=verifier,
    )


@pytest.fixture
def sandbox(zoom, zoom_sandbox_settings):
    return zoom


def test_our_client_drives_the_sandbox_and_the_calls_match(sandbox):
    client = ZoomClient(
        ServerToServerTokens(account_id=ACCOUNT, client_id=S2S_ID, client_secret=S2S_SECRET), plan="pro"
    )
    emails = sorted(u["email"] for u in client.paginate("/users", items_key="users"))
    assert emails == ["anna@school.example", "owner@school.example"]

    grant = connect_without_a_browser(sandbox)
    assert "meeting:write:meeting" in grant.scopes
    assert grant.refresh_token
    me = ZoomClient(UserTokens(grant, "schoolAcct01")).get("/users/me")
    assert me["email"] == "anna@school.example"

    created = client.post(
        "/users/anna@school.example/meetings",
        json={"topic": "English B1", "type": 2, "start_time": "2030-03-05T10:00:00Z", "duration": 60},
    )
    assert isinstance(created["id"], int)
    client.patch(f"/meetings/{created['id']}", json={"start_time": "2030-03-06T10:00:00Z"})
    assert client.get(f"/meetings/{created['id']}")["join_url"] == created["join_url"]
    client.delete(f"/meetings/{created['id']}")
    with pytest.raises(ZoomNotFound):
        client.delete(f"/meetings/{created['id']}")

    assert sandbox.control.calls() == {
        "POST /oauth/token": 2,  # one S2S grant (cached after), one code exchange
        "GET /oauth/authorize": 1,
        "POST /oauth/authorize": 1,
        "GET /v2/users": 1,
        "GET /v2/users/{userId}": 1,
        "POST /v2/users/{userId}/meetings": 1,
        "PATCH /v2/meetings/{meetingId}": 1,
        "GET /v2/meetings/{meetingId}": 1,
        "DELETE /v2/meetings/{meetingId}": 2,
    }


def test_a_create_whose_answer_is_lost_is_not_repeated(sandbox):
    client = ZoomClient(
        ServerToServerTokens(account_id=ACCOUNT, client_id=S2S_ID, client_secret=S2S_SECRET), plan="pro"
    )
    sandbox.control.add_fault(path="/v2/users/*/meetings", method="POST", status=502, when="after")
    with pytest.raises(ZoomServerError) as raised:
        client.post("/users/me/meetings", json={"topic": "Lost answer", "type": 2})
    assert raised.value.request_may_have_succeeded
    assert sandbox.control.calls()["POST /v2/users/{userId}/meetings"] == 1
    listed = list(client.paginate("/users/me/meetings", items_key="meetings"))
    assert [m["topic"] for m in listed] == ["Lost answer"]  # the caller reconciles by looking
