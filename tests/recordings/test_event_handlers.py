"""recording.completed / trashed / deleted: idempotent, download_token used, never shown."""

import copy
import json
import time
from pathlib import Path

import pytest

from recordings import event_handlers
from recordings.models import Recording, RecordingFile, Source
from recordings.services import recording_file_download
from tests.recordings.school_zoom import expected_sha256

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zoom"


def completed_event() -> dict:
    return json.loads((FIXTURES / "recording.completed__two_files.json").read_text())


@pytest.fixture
def host_source(credential):
    return Source.objects.create(
        name="host", credential=credential, user_id="jchill@example.com", download_files=True
    )


def test_recording_completed_is_stored_once_however_often_it_is_delivered(
    host_source, django_capture_on_commit_callbacks
):
    body = completed_event()
    with django_capture_on_commit_callbacks() as first:
        event_handlers.recording_completed(
            event_type="recording.completed", body=body, credential=host_source.credential
        )
    with django_capture_on_commit_callbacks() as again:
        event_handlers.recording_completed(
            event_type="recording.completed", body=copy.deepcopy(body), credential=host_source.credential
        )

    recording = Recording.objects.get()
    assert recording.uuid == "4444AAAiAAAAAiAiAiiAii==" and recording.source == host_source
    assert recording.files.count() == 2
    assert set(recording.files.values_list("download_state", flat=True)) == {RecordingFile.Download.PENDING}
    assert recording.download_token == body["download_token"]
    queued = [callback for callback in first if callback.__qualname__.startswith("enqueue_on_commit")]
    assert len(queued) == 2  # one download queued per new file (beside recording_completed's send)
    assert len(again) == 0  # none on redelivery, and no signal either


def download_after_event(school_zoom, host_source, *, event_age_hours: float):
    """The event's recording is in the sandbox; the event carries the sandbox's download URL and token."""
    body = completed_event()
    event_file = body["payload"]["object"]["recording_files"][0]
    host = school_zoom.add_user(host_source.user_id)
    seeded = school_zoom.control.add_recording(
        host=host["id"],
        uuid=body["payload"]["object"]["uuid"],
        start_time=body["payload"]["object"]["start_time"],
        file_types=["MP4"],
        sizes={"MP4": event_file["file_size"]},
    )
    served = seeded["files"][0]
    body["event_ts"] = int((time.time() - event_age_hours * 3600) * 1000)
    body["download_token"] = seeded["download_token"]
    event_file["download_url"] = served["download_url"]
    event_handlers.recording_completed(
        event_type="recording.completed", body=body, credential=host_source.credential
    )
    file = RecordingFile.objects.get(file_type="MP4")

    done = recording_file_download(file_id=file.pk)
    assert done.sha256 == expected_sha256(served)
    return done, school_zoom.downloads()[0]


def test_the_download_uses_the_events_token_while_it_is_valid(school_zoom, host_source):
    done, request = download_after_event(school_zoom, host_source, event_age_hours=1)

    assert done.download_state == RecordingFile.Download.DONE
    # Sent as ?access_token= and recognised by the sandbox as the recording's download token.
    assert (request["auth"], request["token_kind"]) == ("query", "download")
    assert school_zoom.token_requests == {}  # no API token was needed


def test_after_24_hours_the_accounts_token_is_used(school_zoom, host_source):
    done, request = download_after_event(school_zoom, host_source, event_age_hours=25)

    assert done.download_state == RecordingFile.Download.DONE
    assert (request["auth"], request["token_kind"], request["account_id"]) == (
        "bearer",
        "access",
        "MASTERacct1",
    )
    assert "access_token" not in request["query"]


def test_trashed_then_deleted_marks_the_recording_and_keeps_it(host_source):
    body = completed_event()
    event_handlers.recording_completed(
        event_type="recording.completed", body=body, credential=host_source.credential
    )
    trashed = copy.deepcopy(body)
    trashed["event"] = "recording.trashed"
    trashed.pop("download_token")

    event_handlers.recording_trashed(
        event_type="recording.trashed", body=trashed, credential=host_source.credential
    )
    event_handlers.recording_trashed(
        event_type="recording.trashed", body=trashed, credential=host_source.credential
    )
    recording = Recording.objects.get()
    assert recording.state == Recording.State.TRASHED
    assert set(recording.files.values_list("state", flat=True)) == {Recording.State.TRASHED}

    trashed["event"] = "recording.deleted"
    event_handlers.recording_deleted(
        event_type="recording.deleted", body=trashed, credential=host_source.credential
    )
    assert Recording.objects.get().state == Recording.State.DELETED
    assert RecordingFile.objects.count() == 2


def test_an_event_without_a_recording_is_refused_so_it_is_retried(host_source):
    with pytest.raises(ValueError):
        event_handlers.recording_completed(
            event_type="recording.completed", body={"payload": {}}, credential=None
        )
    assert not Recording.objects.exists()


def test_the_download_token_never_reaches_a_page(host_source, admin_client):
    body = completed_event()
    event_handlers.recording_completed(
        event_type="recording.completed", body=body, credential=host_source.credential
    )
    recording = Recording.objects.get()
    token = body["download_token"]
    pages = [
        "/recordings/",
        f"/recordings/{recording.pk}/",
        f"/admin/recordings/recording/{recording.pk}/change/",
        f"/admin/recordings/recordingfile/{recording.files.first().pk}/change/",
        "/admin/recordings/recording/",
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert token not in response.content.decode(), url
        assert "example.com/recording/download" not in response.content.decode(), url


def test_recording_completed_is_announced_once_with_the_stored_recording(
    host_source, django_capture_on_commit_callbacks
):
    from recordings.signals import recording_completed

    announced: list[dict] = []

    def receiver(**arguments):
        announced.append(arguments)

    recording_completed.connect(receiver, dispatch_uid="test-recording-completed")
    try:
        for _ in range(2):  # the second is a redelivery: nothing new to announce
            with django_capture_on_commit_callbacks(execute=True):
                event_handlers.recording_completed(
                    event_type="recording.completed",
                    body=completed_event(),
                    credential=host_source.credential,
                )
    finally:
        recording_completed.disconnect(dispatch_uid="test-recording-completed")
    assert [(a["sender"], a["recording"], a["created"]) for a in announced] == [
        (Recording, Recording.objects.get(uuid="4444AAAiAAAAAiAiAiiAii=="), True)
    ]
