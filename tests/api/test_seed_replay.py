"""The curl examples of docs/api.md (master account, variant A), changed only in
host and token, replayed against ZoomHub with the Zoom sandbox standing in for Zoom: add the
credentials, create the source with user_emails, POST the sync with from_date, poll the task.

The requests go through Django in-process; Zoom is the sandbox's real HTTP server, and the sync
task runs in this process (Celery's apply) on one thread, inside the test's transaction."""

import pytest

from recordings.models import Recording
from recordings.tasks import sync_run_task

pytestmark = pytest.mark.django_db

# The values of those examples, verbatim.
ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET = (
    "Ab1CdEf2GhIjKlMnO",
    "Tex0m1WATNWdFfnbBmwjSg",
    "dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas",
)
EMAILS = ["admin@company.com", "user1@company.com", "user2@company.com"]
STEP_1 = {
    "platform": "zoom",
    "account_name": "company_master",
    "credentials": {
        "account_id": ACCOUNT_ID,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "is_master_account": True,
    },
}


def step_2(credential_id):
    return {
        "name": "All Company Recordings",
        "platform": "ZOOM",
        "credential_id": credential_id,
        "config": {"is_master_account": True, "user_emails": EMAILS, "recording_type": "cloud"},
    }


@pytest.fixture
def company_in_the_sandbox(zoom_sandbox_settings, settings):
    settings.RECORDINGS_SYNC_THREADS = 1
    control = zoom_sandbox_settings.control
    control.add_account(id=ACCOUNT_ID, name="Company", plan="business", is_master=True)
    control.add_app(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, kind="server_to_server", account_id=ACCOUNT_ID
    )
    for email in EMAILS:
        control.add_user(account_id=ACCOUNT_ID, email=email)
    control.play_lesson(host="admin@company.com", speed=0, recording={"mp4_size": 300_000})
    return zoom_sandbox_settings


def test_the_seeds_curl_examples_sync_a_master_accounts_recordings(
    api, company_in_the_sandbox, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(sync_run_task, "delay", lambda **kwargs: sync_run_task.apply(kwargs=kwargs))

    # 1. Add the credentials.
    credential = api.post("/api/v1/credentials/", STEP_1)
    assert credential.status_code == 201, credential.content
    assert credential.json()["platform"] == "zoom"
    # 2. Create the Input Source (user_emails variant).
    source = api.post("/api/v1/sources", step_2(credential.json()["id"]))
    assert source.status_code == 201, source.content
    # 3. Start the sync.
    with django_capture_on_commit_callbacks(execute=True):
        sync = api.post(f"/api/v1/sources/{source.json()['id']}/sync?from_date=2025-01-01")
    assert sync.status_code == 202, sync.content
    # … and follow it, as docs/api.md says.
    task = api.get(f"/api/v1/tasks/{sync.json()['task_id']}").json()

    assert task["state"] == "succeeded", task
    assert task["finished"] is True and task["progress"]["percent"] == 100
    assert task["counts"]["recordings_created"] == 1 == Recording.objects.count()
    assert task["errors"] == []
    listed = api.get("/api/v1/recordings", {"source": source.json()["id"]}).json()["items"]
    assert [r["host_email"] for r in listed] == ["admin@company.com"]
    for response in (credential, source, sync):
        assert CLIENT_SECRET not in response.content.decode()
