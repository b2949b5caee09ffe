"""Seed 001, the "Zoom Credentials Guide" of a recordings service: its requests copied verbatim
(path, body, headers; the host `http://localhost:8000` dropped, `YOUR_JWT_TOKEN` made with
`manage.py create_api_token`), against ZoomHub with the Zoom sandbox standing in for Zoom.

Covered: Server-to-Server credentials (method 1), OAuth through the browser with the app from
config/oauth_zoom.json or the environment and the guide's redirect URI (method 2), a pasted OAuth
token, the master account's curl example end to end (credentials, source with user_emails, sync
with from_date, task), the account_ids and the plain-account sources, the validation rules of its
FAQ, and its `recording_type: "cloud"` (every cloud file), fetched back with the token.
"""

import io
import json

import pytest
from django.core.management import call_command

from accounts.models import Credential
from recordings.models import Recording, RecordingFile, Source
from recordings.tasks import sync_run_task
from tests.seeds.conftest import path_of, zoom_consent

pytestmark = pytest.mark.django_db

HOST = "http://localhost:8000"

# -- the guide's bodies, verbatim ------------------------------------------------------------------

METHOD_1_BODY = """{
    "platform": "zoom",
    "account_name": "my_zoom_account",
    "credentials": {
      "account_id": "Ab1CdEf2GhIjKlMnO",
      "client_id": "Tex0m1WATNWdFfnbBmwjSg",
      "client_secret": "dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas"
    }
  }"""

OAUTH_CONFIG_FILE = """{
  "client_id": "YOUR_CLIENT_ID",
  "client_secret": "YOUR_CLIENT_SECRET",
  "redirect_uri": "http://localhost:8000/api/v1/oauth/zoom/callback"
}"""

PASTED_OAUTH_TOKEN_BODY = """{
  "platform": "zoom",
  "account_name": "user@example.com",
  "credentials": {
    "client_id": "YOUR_CLIENT_ID",
    "client_secret": "YOUR_CLIENT_SECRET",
    "access_token": "eyJzdiI6IjAwMDAwMSIs...",
    "refresh_token": "eyJzdiI6IjAwMDAwMSIs..."
  }
}"""

MASTER_CREDENTIALS_BODY = """{
    "platform": "zoom",
    "account_name": "company_master",
    "credentials": {
      "account_id": "Ab1CdEf2GhIjKlMnO",
      "client_id": "Tex0m1WATNWdFfnbBmwjSg",
      "client_secret": "dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas",
      "is_master_account": true
    }
  }"""

# "credential_id": 5 is the id the guide's step 1 answered; here it is whatever step 1 answers.
MASTER_SOURCE_BODY = """{
    "name": "All Company Recordings",
    "platform": "ZOOM",
    "credential_id": 5,
    "config": {
      "is_master_account": true,
      "user_emails": [
        "admin@company.com",
        "user1@company.com",
        "user2@company.com"
      ],
      "recording_type": "cloud"
    }
  }"""

ACCOUNT_IDS_SOURCE_BODY = """{
  "name": "All Company Recordings",
  "platform": "ZOOM",
  "credential_id": 5,
  "config": {
    "is_master_account": true,
    "account_ids": ["MASTER_ID", "SUB_1_ID", "SUB_2_ID"],
    "recording_type": "cloud"
  }
}"""

PLAIN_SOURCE_BODY = """{
  "name": "My Zoom Recordings",
  "platform": "ZOOM",
  "credential_id": 1,
  "config": {
    "recording_type": "cloud"
  }
}"""

ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET = (
    "Ab1CdEf2GhIjKlMnO",
    "Tex0m1WATNWdFfnbBmwjSg",
    "dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas",
)
EMAILS = ["admin@company.com", "user1@company.com", "user2@company.com"]


def curl(client, token, method, url, body=None, *, credential_id=None):
    """The guide's curl: -X METHOD url -H 'Authorization: Bearer …' -H 'Content-Type: application/json' -d body."""
    assert url.startswith(HOST)
    if body is not None and credential_id is not None:
        data = json.loads(body)
        data["credential_id"] = credential_id
        body = json.dumps(data)
    return client.generic(
        method,
        url.removeprefix(HOST),
        body or "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.fixture
def company(zoom_sandbox_settings, settings, monkeypatch):
    """The guide's company in the sandbox: a master account with its S2S app and three users."""
    settings.RECORDINGS_SYNC_THREADS = 1
    monkeypatch.setattr(sync_run_task, "delay", lambda **kwargs: sync_run_task.apply(kwargs=kwargs))
    control = zoom_sandbox_settings.control
    control.add_account(id=ACCOUNT_ID, name="Company", plan="business", is_master=True)
    control.add_app(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, kind="server_to_server", account_id=ACCOUNT_ID
    )
    for email in EMAILS:
        control.add_user(account_id=ACCOUNT_ID, email=email)
    return zoom_sandbox_settings


# -- method 1: Server-to-Server ------------------------------------------------------------------


def test_method_1_adds_the_server_to_server_credentials(client, script_token, company):
    response = curl(client, script_token, "POST", "http://localhost:8000/api/v1/credentials/", METHOD_1_BODY)

    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["platform"] == "zoom" and answer["account_name"] == "my_zoom_account"
    assert answer["kind"] == "server_to_server" and answer["account_id"] == ACCOUNT_ID
    assert CLIENT_SECRET not in response.content.decode()
    stored = Credential.objects.get(pk=answer["id"])
    assert stored.client_secret == CLIENT_SECRET


def test_the_same_request_without_the_trailing_slash_is_the_same_operation(client, script_token, company):
    # The guide writes /api/v1/credentials/ but /api/v1/sources: a client may well send either.
    response = curl(client, script_token, "POST", "http://localhost:8000/api/v1/credentials", METHOD_1_BODY)

    assert response.status_code == 201, response.content
    assert Credential.objects.get().name == "my_zoom_account"


def test_the_faq_validation_rules_are_enforced(client, script_token, company):
    assert curl(client, script_token, "POST", f"{HOST}/api/v1/credentials/", METHOD_1_BODY).status_code == 201

    duplicate = json.loads(METHOD_1_BODY) | {"account_name": "again"}
    refused = curl(client, script_token, "POST", f"{HOST}/api/v1/credentials/", json.dumps(duplicate))
    assert refused.status_code == 400 and "already connected" in refused.json()["error"]["message"]

    short = json.loads(METHOD_1_BODY) | {"account_name": "short"}
    short["credentials"] |= {"account_id": "Ab1C", "client_id": "Te", "client_secret": "dr8Xz"}
    fields = curl(client, script_token, "POST", f"{HOST}/api/v1/credentials/", json.dumps(short)).json()[
        "error"
    ]["fields"]
    assert {"credentials.account_id", "credentials.client_id", "credentials.client_secret"} <= set(fields)

    master_oauth = json.loads(PASTED_OAUTH_TOKEN_BODY)
    master_oauth["credentials"]["is_master_account"] = True
    refused = curl(client, script_token, "POST", f"{HOST}/api/v1/credentials/", json.dumps(master_oauth))
    assert refused.status_code == 400
    assert "credentials.is_master_account" in refused.json()["error"]["fields"]
    assert Credential.objects.count() == 1


# -- method 2: OAuth 2.0 through the browser -----------------------------------------------------


@pytest.fixture
def oauth_user(zoom_sandbox_settings):
    """A Zoom user who approves the guide's OAuth app (client YOUR_CLIENT_ID, its redirect URI)."""
    control = zoom_sandbox_settings.control
    control.add_account(id="tutorAcct01", name="Tutor", plan="pro")
    user = control.add_user(account_id="tutorAcct01", email="tutor@example.com", first_name="Tina")
    control.add_app(
        client_id="YOUR_CLIENT_ID",
        client_secret="YOUR_CLIENT_SECRET",
        kind="oauth",
        redirect_uris=[
            "http://localhost:8000/api/v1/oauth/zoom/callback",
            "http://testserver/api/v1/oauth/zoom/callback",
        ],
    )
    return user


def test_method_2_the_oauth_app_from_config_oauth_zoom_json(
    seed_client, staff_browser, oauth_user, settings, tmp_path
):
    config = tmp_path / "config" / "oauth_zoom.json"
    config.parent.mkdir()
    config.write_text(OAUTH_CONFIG_FILE)
    settings.OAUTH_ZOOM_CONFIG_FILE = config

    # 1. GET /api/v1/oauth/zoom/authorize → authorization_url
    started = seed_client.get("/api/v1/oauth/zoom/authorize")
    assert started.status_code == 200, started.content
    assert started.json()["redirect_uri"] == "http://localhost:8000/api/v1/oauth/zoom/callback"
    # 2-3. The user is sent there and approves in Zoom; 4. Zoom calls back the guide's redirect URI.
    back = zoom_consent(started.json()["authorization_url"], user_id=oauth_user["id"])
    assert back.startswith("http://localhost:8000/api/v1/oauth/zoom/callback?")
    response = staff_browser.get(path_of(back))

    # 5. The credentials are saved, named by the Zoom user's email.
    assert response.status_code == 302 and response["Location"] == "/zoom-accounts/"
    credential = Credential.objects.get()
    assert credential.name == "tutor@example.com" and credential.kind == Credential.Kind.OAUTH
    assert credential.client_id == "YOUR_CLIENT_ID"
    assert credential.access_token and credential.refresh_token and credential.token_expires_at
    assert "cloud_recording:read:list_user_recordings" in credential.scope.split()


def test_method_2_the_oauth_app_from_the_environment(seed_client, staff_browser, oauth_user, settings):
    settings.OAUTH_ZOOM_CLIENT_ID = "YOUR_CLIENT_ID"
    settings.OAUTH_ZOOM_CLIENT_SECRET = "YOUR_CLIENT_SECRET"

    started = seed_client.get("/api/v1/oauth/zoom/authorize").json()
    # Without OAUTH_ZOOM_REDIRECT_URI the redirect URI is this API's own callback.
    assert started["redirect_uri"] == "http://testserver/api/v1/oauth/zoom/callback"
    back = zoom_consent(started["authorization_url"], user_id=oauth_user["id"])
    response = staff_browser.get(path_of(back))

    assert response.status_code == 302
    assert Credential.objects.get().name == "tutor@example.com"


def test_a_broken_config_file_is_named_not_a_crash(seed_client, settings, tmp_path):
    config = tmp_path / "oauth_zoom.json"
    config.write_text('{"client_id": "YOUR_CLIENT_ID",')
    settings.OAUTH_ZOOM_CONFIG_FILE = config

    response = seed_client.get("/api/v1/oauth/zoom/authorize")

    assert response.status_code == 409
    assert "oauth_zoom.json is not valid JSON" in response.json()["error"]["message"]


def test_a_pasted_oauth_token_is_stored_as_user_oauth(client, script_token, company):
    response = curl(client, script_token, "POST", f"{HOST}/api/v1/credentials/", PASTED_OAUTH_TOKEN_BODY)

    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["kind"] == "oauth" and answer["account_name"] == "user@example.com"
    assert "eyJzdiI6IjAwMDAwMSIs..." not in response.content.decode()
    assert Credential.objects.get().refresh_token == "eyJzdiI6IjAwMDAwMSIs..."


# -- method 3: the master account's full curl example ---------------------------------------------


def test_the_master_account_curl_example_syncs_every_cloud_file(
    client, script_token, company, django_capture_on_commit_callbacks
):
    company.control.play_lesson(
        host="admin@company.com", speed=0, recording={"mp4_size": 300_000, "transcript": True}
    )

    # 1. Add the credentials
    credential = curl(
        client, script_token, "POST", "http://localhost:8000/api/v1/credentials/", MASTER_CREDENTIALS_BODY
    )
    assert credential.status_code == 201, credential.content
    assert credential.json()["platform"] == "zoom" and credential.json()["is_master_account"] is True
    # 2. Create the Input Source (the user_emails variant)
    source = curl(
        client,
        script_token,
        "POST",
        "http://localhost:8000/api/v1/sources",
        MASTER_SOURCE_BODY,
        credential_id=credential.json()["id"],
    )
    assert source.status_code == 201, source.content
    assert source.json()["config"]["user_emails"] == EMAILS
    # 3. Start the sync
    with django_capture_on_commit_callbacks(execute=True):
        sync = curl(
            client,
            script_token,
            "POST",
            f"http://localhost:8000/api/v1/sources/{source.json()['id']}/sync?from_date=2025-01-01",
        )
    assert sync.status_code == 202, sync.content
    # FAQ: the answer has task_id; follow it with GET /api/v1/tasks/{task_id}.
    task = curl(client, script_token, "GET", f"{HOST}/api/v1/tasks/{sync.json()['task_id']}").json()

    assert task["state"] == "succeeded" and task["finished"] is True, task
    assert task["counts"]["recordings_created"] == 1 == Recording.objects.count()
    assert task["errors"] == []
    # recording_type "cloud" is every file of the cloud recording, not only the MP4 and M4A.
    assert {"MP4", "M4A", "TRANSCRIPT"} <= set(RecordingFile.objects.values_list("file_type", flat=True))

    # The files come back through ZoomHub with the same token (Zoom's URL never shows).
    listed = curl(
        client, script_token, "GET", f"{HOST}/api/v1/recordings?source={source.json()['id']}"
    ).json()
    files = {f["file_type"]: f for f in listed["items"][0]["files"]}
    mp4 = curl(client, script_token, "GET", HOST + path_of(files["MP4"]["url"]))
    assert mp4.status_code == 200, mp4.content
    assert mp4["Content-Type"] == "video/mp4" and mp4["Content-Length"] == "300000"
    assert len(b"".join(mp4.streaming_content)) == 300_000
    for response in (credential, source, sync, mp4):
        assert CLIENT_SECRET.encode() not in (b"" if response.streaming else response.content)


def test_the_account_ids_and_plain_sources_are_accepted(client, script_token, company):
    master = curl(client, script_token, "POST", f"{HOST}/api/v1/credentials/", MASTER_CREDENTIALS_BODY).json()
    by_account = curl(
        client,
        script_token,
        "POST",
        f"{HOST}/api/v1/sources",
        ACCOUNT_IDS_SOURCE_BODY,
        credential_id=master["id"],
    )
    assert by_account.status_code == 201, by_account.content
    assert by_account.json()["config"]["account_ids"] == ["MASTER_ID", "SUB_1_ID", "SUB_2_ID"]

    plain = curl(
        client, script_token, "POST", f"{HOST}/api/v1/sources", PLAIN_SOURCE_BODY, credential_id=master["id"]
    )
    assert plain.status_code == 201, plain.content
    assert plain.json()["config"]["recording_type"] == "cloud"
    assert Source.objects.get(pk=plain.json()["id"]).recording_type == Source.RecordingType.CLOUD
    # …and listed with or without the slash.
    for path in ("/api/v1/sources", "/api/v1/sources/"):
        listed = curl(client, script_token, "GET", HOST + path).json()["items"]
        assert [s["name"] for s in listed] == ["All Company Recordings", "My Zoom Recordings"]


def test_a_read_token_from_the_command_lists_but_cannot_add(client, staff_user, company):
    out = io.StringIO()
    call_command(
        "create_api_token",
        "--user",
        staff_user.email,
        "--scope",
        "read",
        "--name",
        "reports",
        stdout=out,
        stderr=io.StringIO(),
    )
    token = out.getvalue().strip()

    assert curl(client, token, "GET", f"{HOST}/api/v1/credentials/").status_code == 200
    refused = curl(client, token, "POST", f"{HOST}/api/v1/credentials/", METHOD_1_BODY)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope"
