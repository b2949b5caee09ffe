"""POST/GET /api/v1/credentials/ with the JSON bodies of docs/api.md; secrets are never answered."""

import json
from urllib.parse import parse_qs, urlparse

import pytest

from accounts.models import Credential
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/credentials/"
SECRET = "dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas"
ACCESS = "eyJzdiI6IjAwMDAwMSIsImFsZyI6IkhTNTEyIn0.access"
REFRESH = "eyJzdiI6IjAwMDAwMSIsImFsZyI6IkhTNTEyIn0.refresh"
WEBHOOK_SECRET = "whsec-0123456789abcdef"
SEED_S2S = {
    "platform": "zoom",
    "account_name": "my_zoom_account",
    "credentials": {
        "account_id": "Ab1CdEf2GhIjKlMnO",
        "client_id": "Tex0m1WATNWdFfnbBmwjSg",
        "client_secret": SECRET,
    },
}
SEED_MASTER = {
    "platform": "zoom",
    "account_name": "company_master",
    "credentials": {
        "account_id": "MASTER_ACCOUNT_ID",
        "client_id": "YOUR_CLIENT_ID",
        "client_secret": "YOUR_CLIENT_SECRET",
        "is_master_account": True,
    },
}
SEED_OAUTH = {
    "platform": "zoom",
    "account_name": "user@example.com",
    "credentials": {
        "client_id": "YOUR_CLIENT_ID",
        "client_secret": "YOUR_CLIENT_SECRET",
        "access_token": ACCESS,
        "refresh_token": REFRESH,
        "token_type": "bearer",
        "scope": "cloud_recording:read:list_user_recordings cloud_recording:read:recording",
        "expires_in": 3600,
    },
}


def assert_no_secret(response, *secrets):
    text = response.content.decode()
    for secret in secrets:
        assert secret not in text


def test_the_seeds_server_to_server_body_adds_an_account(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(URL, SEED_S2S)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["platform"] == "zoom"
    assert body["account_name"] == "my_zoom_account"
    assert body["kind"] == "server_to_server"
    assert body["secrets"]["client_secret"] == "••••rYas"
    assert body["webhook_url"].startswith("http://testserver/webhooks/zoom/")
    assert_no_secret(response, SECRET)
    stored = Credential.objects.get(pk=body["id"])
    assert (stored.account_id, stored.client_id, stored.client_secret) == (
        "Ab1CdEf2GhIjKlMnO",
        "Tex0m1WATNWdFfnbBmwjSg",
        SECRET,
    )
    assert len(callbacks) == 1  # its Zoom users are read in the background


def test_the_master_flag_is_kept(api):
    response = api.post(URL, SEED_MASTER)

    assert response.status_code == 201, response.content
    assert response.json()["is_master_account"] is True
    assert Credential.objects.get(name="company_master").is_master_account


def test_the_oauth_token_variant_is_a_user_oauth_credential(api):
    response = api.post(URL, SEED_OAUTH)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "oauth"
    assert body["token_expires_at"] is not None
    assert body["secrets"]["access_token"].startswith("••••")
    assert_no_secret(response, ACCESS, REFRESH, "YOUR_CLIENT_SECRET")
    stored = Credential.objects.get(pk=body["id"])
    assert (stored.access_token, stored.refresh_token) == (ACCESS, REFRESH)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"account_id": "Ab1C"}, "credentials.account_id", "at least 5 characters"),
        ({"client_id": ""}, "credentials.client_id", "Enter the client ID"),
        ({"client_secret": "short"}, "credentials.client_secret", "at least 10 characters"),
    ],
)
def test_the_seeds_rules_give_a_field_map_and_store_nothing(api, change, field, words):
    body = json.loads(json.dumps(SEED_S2S))
    body["credentials"].update(change)

    error = assert_error(api.post(URL, body), 400, "validation_error")

    assert words in error["fields"][field]
    assert not Credential.objects.exists()


def test_a_short_oauth_token_and_a_master_oauth_are_refused(api):
    body = json.loads(json.dumps(SEED_OAUTH))
    body["credentials"].update(access_token="short", is_master_account=True)

    error = assert_error(api.post(URL, body), 400, "validation_error")

    assert "at least 10" in error["fields"]["credentials.access_token"]
    assert "Server-to-Server" in error["fields"]["credentials.is_master_account"]


def test_the_same_app_twice_and_a_taken_name_are_refused(api):
    assert api.post(URL, SEED_S2S).status_code == 201

    again = dict(SEED_S2S, account_name="another name")
    error = assert_error(api.post(URL, again), 400, "validation_error")
    assert "already connected" in error["message"]

    renamed = json.loads(json.dumps(SEED_MASTER))
    renamed["account_name"] = "my_zoom_account"
    error = assert_error(api.post(URL, renamed), 400, "validation_error")
    assert "already named" in error["fields"]["account_name"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"platform": "zoom", "credentials": {}}, "account_name"),
        ({"platform": "teams", "account_name": "x", "credentials": {}}, "platform"),
        ({"account_name": "x"}, "credentials"),
        ({"account_name": "x" * 201, "credentials": {}}, "account_name"),
        ({"account_name": "x", "credentials": {"expires_in": "soon"}}, "credentials.expires_in"),
        ({"account_name": "nul\u0000name", "credentials": {}}, "account_name"),
        (
            {
                "account_name": "x",
                "credentials": {"access_token": "a" * 12, "expiry": "1714-09-01T09:28:24-23:49"},
            },
            "credentials.expiry",
        ),
    ],
)
def test_a_body_outside_the_schema_is_a_400_naming_the_field(api, body, field):
    error = assert_error(api.post(URL, body), 400)

    assert field in error["fields"], error


def test_the_list_is_paged_with_an_opaque_cursor_and_masks_secrets(api):
    for number in range(5):
        body = json.loads(json.dumps(SEED_S2S))
        body["account_name"] = f"account {number}"
        body["credentials"]["account_id"] = f"account{number}"
        body["credentials"]["webhook_secret_token"] = WEBHOOK_SECRET
        assert api.post(URL, body).status_code == 201

    first = api.get(URL, {"limit": 2})
    assert [c["account_name"] for c in first.json()["items"]] == ["account 0", "account 1"]
    cursor = first.json()["next_cursor"]
    second = api.get(URL, {"limit": 2, "cursor": cursor}).json()
    third = api.get(URL, {"limit": 2, "cursor": second["next_cursor"]}).json()

    assert [c["account_name"] for c in second["items"]] == ["account 2", "account 3"]
    assert [c["account_name"] for c in third["items"]] == ["account 4"]
    assert third["next_cursor"] is None
    assert_no_secret(first, SECRET, WEBHOOK_SECRET)
    assert_error(api.get(URL, {"cursor": cursor + "x"}), 400, "validation_error")
    assert_error(api.get("/api/v1/sources", {"cursor": cursor}), 400)  # another list's cursor


def test_one_credential_by_id(api, read_api):
    created = api.post(URL, SEED_S2S).json()

    response = read_api.get(f"{URL}{created['id']}")

    assert response.status_code == 200
    assert response.json()["account_name"] == "my_zoom_account"
    assert_no_secret(response, SECRET)
    assert_error(read_api.get(f"{URL}{created['id'] + 1}"), 404, "not_found")
    assert_error(read_api.get(f"{URL}99999999999999999999999"), 400)


def test_the_list_runs_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    for number in range(8):
        body = json.loads(json.dumps(SEED_S2S))
        body["account_name"] = f"account {number}"
        body["credentials"]["account_id"] = f"account{number}"
        api.post(URL, body)

    with django_assert_max_num_queries(4):  # token, its last use, the page
        assert len(api.get(URL).json()["items"]) == 8


def test_oauth_authorize_returns_zooms_url_bound_to_the_tokens_user(api, settings, staff_user, client):
    settings.OAUTH_ZOOM_CLIENT_ID = "oauthClientId1"
    settings.OAUTH_ZOOM_CLIENT_SECRET = "oauth-client-secret-1"

    response = api.get("/api/v1/oauth/zoom/authorize")

    assert response.status_code == 200, response.content
    url = response.json()["authorization_url"]
    query = parse_qs(urlparse(url).query)
    assert url.startswith(settings.ZOOM_OAUTH_BASE_URL)
    assert query["client_id"] == ["oauthClientId1"]
    assert query["code_challenge_method"] == ["S256"]
    assert "oauth-client-secret-1" not in response.content.decode()
    state = query["state"][0]

    # Another staff member's browser cannot complete it: the state is bound to the token's user.
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.create_user(username="other", password="x", is_staff=True)
    client.force_login(other)
    other_answer = client.get("/zoom-accounts/oauth/callback/", {"state": state, "code": "abc"}, follow=True)
    assert "could not be matched" in other_answer.content.decode()


def test_oauth_callback_for_an_api_flow_completes_in_the_tokens_users_browser(
    api, settings, staff_user, client, zoom_sandbox_settings
):
    import requests

    zoom = zoom_sandbox_settings
    zoom.control.add_account(id="acct12345", name="School", plan="pro")
    zoom.control.add_user(id="zoomUser1", account_id="acct12345", email="teacher@school.example")
    settings.OAUTH_ZOOM_CLIENT_ID = "oauthClientId1"
    settings.OAUTH_ZOOM_CLIENT_SECRET = "oauth-client-secret-1"
    authorization_url = api.get("/api/v1/oauth/zoom/authorize").json()["authorization_url"]
    query = {k: v[0] for k, v in parse_qs(urlparse(authorization_url).query).items()}
    zoom.control.add_app(
        client_id="oauthClientId1",
        client_secret="oauth-client-secret-1",
        kind="oauth",
        redirect_uris=[query["redirect_uri"]],
    )
    # The teacher allows the app on Zoom's consent page; Zoom redirects to ZoomHub with a code.
    consent = requests.post(
        f"{zoom.oauth_url}/authorize",
        data={**query, "user_id": "zoomUser1", "decision": "allow"},
        allow_redirects=False,
        timeout=10,
    )
    redirected = {k: v[0] for k, v in parse_qs(urlparse(consent.headers["Location"]).query).items()}
    client.force_login(staff_user)
    client.get("/zoom-accounts/oauth/callback/", {"state": redirected["state"], "code": redirected["code"]})

    credential = Credential.objects.get(name="teacher@school.example")
    state = zoom.sandbox.state
    issued = [t.token for t in state.access_tokens.values() if t.user_id == "zoomUser1" and not t.revoked]
    assert credential.kind == "oauth" and [credential.access_token] == issued


def test_oauth_authorize_without_the_app_configured_is_409(api, settings):
    settings.OAUTH_ZOOM_CLIENT_ID = ""
    error = assert_error(api.get("/api/v1/oauth/zoom/authorize"), 409, "oauth_not_configured")
    assert "OAUTH_ZOOM_CLIENT_ID" in error["message"]
