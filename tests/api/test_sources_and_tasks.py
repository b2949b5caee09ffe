"""POST/GET /api/v1/sources (an Input Source, docs/api.md), POST …/sync → task_id, GET /tasks/{id}."""

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Credential
from recordings.models import Source, SyncRun, SyncStep
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

SECRET = "dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas"


@pytest.fixture
def master(db):
    return Credential.objects.create(
        kind="server_to_server",
        name="company_master",
        account_id="MASTERacct1",
        client_id="Tex0m1WATNWdFfnbBmwjSg",
        client_secret=SECRET,
        is_master_account=True,
    )


@pytest.fixture
def plain(db):
    return Credential.objects.create(
        kind="server_to_server",
        name="school",
        account_id="SCHOOLacct1",
        client_id="SchoolClient1",
        client_secret=SECRET,
    )


def seed_master_body(credential_id):
    return {
        "name": "All Company Recordings",
        "platform": "ZOOM",
        "credential_id": credential_id,
        "config": {
            "is_master_account": True,
            "user_emails": ["admin@company.com", "user1@company.com", "User2@Company.com"],
            "recording_type": "cloud",
        },
    }


def test_the_seeds_master_source_with_user_emails(api, master):
    response = api.post("/api/v1/sources", seed_master_body(master.pk))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["config"]["user_emails"] == ["admin@company.com", "user1@company.com", "user2@company.com"]
    assert body["config"]["account_ids"] is None
    source = Source.objects.get(pk=body["id"])
    assert source.is_master_account and source.credential == master
    assert SECRET not in response.content.decode()


def test_the_seeds_plain_source(api, plain):
    body = {
        "name": "My Zoom Recordings",
        "platform": "ZOOM",
        "credential_id": plain.pk,
        "config": {"recording_type": "cloud"},
    }

    response = api.post("/api/v1/sources", body)

    assert response.status_code == 201, response.content
    assert response.json()["config"] == {
        "user_id": None,
        "include_trash": False,
        "recording_type": "cloud",
        "is_master_account": False,
        "user_emails": None,
        "account_ids": None,
    }


@pytest.mark.parametrize(
    ("config", "field", "words"),
    [
        (
            {"is_master_account": True, "user_emails": ["a@b.example"], "account_ids": ["SUBacct1"]},
            "config.account_ids",
            "not both",
        ),
        ({"is_master_account": True}, "config.user_emails", "needs user emails"),
        ({"user_emails": ["a@b.example"]}, "config.user_emails", "master accounts only"),
        ({"is_master_account": True, "user_emails": ["not-an-email"]}, "config.user_emails", "not an email"),
        ({"recording_type": "video"}, "config.recording_type", ""),
    ],
)
def test_source_rules_answer_by_field_and_store_nothing(api, master, config, field, words):
    body = seed_master_body(master.pk)
    body["config"] = config

    error = assert_error(api.post("/api/v1/sources", body), 400)

    assert field in error["fields"], error
    assert words in error["fields"][field]
    assert not Source.objects.exists()


def test_a_master_source_needs_a_master_credential_and_an_existing_one(api, plain):
    error = assert_error(api.post("/api/v1/sources", seed_master_body(plain.pk)), 400)
    assert "master account" in error["fields"]["config.is_master_account"]

    error = assert_error(api.post("/api/v1/sources", seed_master_body(plain.pk + 100)), 400)
    assert "credential_id" in error["fields"]


def test_sources_are_listed_and_read(read_api, api, master):
    created = api.post("/api/v1/sources", seed_master_body(master.pk)).json()

    assert [s["id"] for s in read_api.get("/api/v1/sources").json()["items"]] == [created["id"]]
    assert read_api.get(f"/api/v1/sources/{created['id']}").json()["name"] == "All Company Recordings"
    assert_error(read_api.get(f"/api/v1/sources/{created['id'] + 1}"), 404)


@pytest.fixture
def source(master):
    return Source.objects.create(
        name="s", credential=master, is_master_account=True, user_emails=["a@b.example"]
    )


def test_sync_with_from_date_queues_a_run_and_answers_its_task_id(
    api, source, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(f"/api/v1/sources/{source.pk}/sync?from_date=2025-01-01")

    assert response.status_code == 202, response.content
    body = response.json()
    run = SyncRun.objects.get(pk=int(body["task_id"]))
    # Today in the school's timezone, as the request sees it (Tallinn's day starts at 22:00 UTC).
    school_today = timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.SCHOOL_TIMEZONE))
    assert (run.from_date, run.to_date) == (dt.date(2025, 1, 1), school_today)
    assert body["state"] == "queued"
    assert len(callbacks) == 1


def test_a_second_sync_while_one_runs_is_409_naming_it(api, source):
    first = api.post(f"/api/v1/sources/{source.pk}/sync").json()

    error = assert_error(api.post(f"/api/v1/sources/{source.pk}/sync"), 409, "sync_already_running")

    assert first["task_id"] in error["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from_date=2009-12-31", "from_date"),
        ("to_date=2999-01-01", "to_date"),
        ("from_date=2025-02-01&to_date=2025-01-01", "from_date"),
        ("from_date=yesterday", "from_date"),
    ],
)
def test_sync_dates_are_checked(api, source, query, field):
    error = assert_error(api.post(f"/api/v1/sources/{source.pk}/sync?{query}"), 400)

    assert field in error["fields"], error
    assert not SyncRun.objects.exists()


def test_sync_of_an_unknown_source_is_404(api):
    assert_error(api.post("/api/v1/sources/12345/sync"), 404)


def test_a_task_shows_state_progress_counts_and_per_user_errors(read_api, source):
    run = SyncRun.objects.create(
        source=source,
        from_date=dt.date(2025, 1, 1),
        to_date=dt.date(2025, 2, 28),
        state="partial",
        steps_total=4,
        steps_done=4,
        recordings_seen=7,
        recordings_created=5,
        recordings_updated=2,
        api_calls=9,
        finished_at=timezone.now(),
    )
    SyncStep.objects.create(
        run=run,
        target="a@b.example",
        window_from=dt.date(2025, 1, 1),
        window_to=dt.date(2025, 1, 31),
        state="done",
    )
    SyncStep.objects.create(
        run=run,
        target="gone@b.example",
        window_from=dt.date(2025, 1, 1),
        window_to=dt.date(2025, 1, 31),
        state="skipped",
        error="User does not exist: gone@b.example.",
    )

    body = read_api.get(f"/api/v1/tasks/{run.pk}").json()

    assert body["state"] == "partial" and body["finished"] is True
    assert body["progress"] == {"steps_done": 4, "steps_total": 4, "percent": 100}
    assert body["counts"]["recordings_created"] == 5 and body["counts"]["steps_skipped"] == 1
    assert body["errors"] == [
        {
            "target": "gone@b.example",
            "window_from": "2025-01-01",
            "window_to": "2025-01-31",
            "trash": False,
            "state": "skipped",
            "message": "User does not exist: gone@b.example.",
        }
    ]


@pytest.mark.parametrize("task_id", ["999999", "abc", "0", "9" * 30])
def test_an_unknown_task_is_404(read_api, task_id):
    assert_error(read_api.get(f"/api/v1/tasks/{task_id}"), 404, "not_found")
