"""End to end against the Zoom sandbox: a master account's history synced, a file downloaded and resumed."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage

from accounts.models import Credential
from recordings.models import Recording, RecordingFile, Source, SyncRun
from recordings.services import recording_file_download, sync_run_create, sync_run_execute
from recordings.services.downloads import partial_path

pytestmark = pytest.mark.django_db

ACCOUNT, CLIENT_ID, CLIENT_SECRET = "sbxMaster01", "sbxClient01", "sbx-client-secret-0123456789"


@pytest.fixture
def seeded(zoom_sandbox_settings):
    control = zoom_sandbox_settings.control
    control.add_account(id=ACCOUNT, name="School", plan="business", is_master=True)
    control.add_app(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, kind="server_to_server", account_id=ACCOUNT
    )
    end = date.today().replace(day=1) - timedelta(days=1)
    history = control.seed_history(
        account_id=ACCOUNT, users=3, months=3, per_month=4, end=end.isoformat(), mp4_size=300_000
    )
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="Sandbox master",
        account_id=ACCOUNT,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        is_master_account=True,
        plan=Credential.Plan.BUSINESS,
    )
    source = Source.objects.create(
        name="Sandbox", credential=credential, is_master_account=True, user_emails=history["emails"]
    )
    first = (end.replace(day=1) - timedelta(days=40)).replace(day=1)
    return zoom_sandbox_settings, source, first, end, history


def test_a_master_accounts_history_is_synced_whole_and_once(seeded):
    zoom, source, first, end, history = seeded

    run = sync_run_execute(run_id=sync_run_create(source=source, from_date=first, to_date=end).pk)
    again = sync_run_execute(run_id=sync_run_create(source=source, from_date=first, to_date=end).pk)

    assert run.state == SyncRun.State.SUCCEEDED
    assert run.recordings_created == history["recordings"] == Recording.objects.count() == 36
    assert (again.recordings_created, again.recordings_updated) == (0, 0)
    calls = zoom.control.calls()
    assert calls["POST /oauth/token"] == 1
    assert calls["GET /v2/users/{userId}/recordings"] == 2 * 3 * 3  # two syncs x users x months
    # recording_type "cloud": every file of each cloud recording, the chat too.
    assert sorted(set(RecordingFile.objects.values_list("file_type", flat=True))) == [
        "CHAT",
        "M4A",
        "MP4",
        "TRANSCRIPT",
    ]


def test_a_file_is_downloaded_from_the_sandbox_and_a_partial_copy_resumed(seeded):
    zoom, source, first, end, _history = seeded
    sync_run_execute(run_id=sync_run_create(source=source, from_date=first, to_date=end).pk)
    one, two = RecordingFile.objects.filter(file_type="MP4").order_by("pk")[:2]
    RecordingFile.objects.filter(pk__in=[one.pk, two.pk]).update(download_state="pending")

    whole = recording_file_download(file_id=one.pk)
    assert whole.download_state == "done" and default_storage.size(whole.storage_name) == one.file_size
    with default_storage.open(whole.storage_name) as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == whole.sha256

    # Half of the second file is already here, as a cut download leaves it.
    with default_storage.open(whole.storage_name) as stored:
        content_of_one = stored.read()
    whole_two = recording_file_download(file_id=two.pk)
    with default_storage.open(whole_two.storage_name) as stored:
        content = stored.read()
    default_storage.delete(whole_two.storage_name)
    RecordingFile.objects.filter(pk=two.pk).update(download_state="pending", storage_name="", sha256="")
    partial_path(two).write_bytes(content[: len(content) // 2])

    resumed = recording_file_download(file_id=two.pk)

    assert resumed.download_state == "done"
    assert resumed.sha256 == hashlib.sha256(content).hexdigest() != hashlib.sha256(content_of_one).hexdigest()
    ranged = [r for r in zoom.control.requests(limit=50) if r["status"] == 206]
    assert ranged, "the resumed download did not ask for a range"
