"""Recordings find their lesson; files play through ZoomHub without a token in sight."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accounts.models import ZoomUser
from meetings.models import Meeting
from recordings import event_handlers
from recordings.models import Recording, RecordingFile, Source
from tests.recordings.school_zoom import expected_bytes

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zoom"


def completed_event() -> dict:
    return json.loads((FIXTURES / "recording.completed__two_files.json").read_text())


@pytest.fixture
def lesson(credential):
    host = ZoomUser.objects.create(
        credential=credential, zoom_id="x1yCzABCDEfg23HiJKl4mN", email="jchill@example.com"
    )
    return Meeting.objects.create(
        host=host,
        topic="Algebra with Jill",
        start_at=datetime(2021, 7, 13, 21, 44, tzinfo=UTC),
        duration=60,
        timezone="Europe/Tallinn",
        zoom_meeting_id=1234567890,
        join_url="https://example.com/j/1234567890",
        push_state=Meeting.PushState.SYNCED,
    )


def test_a_recording_is_linked_to_its_lesson_by_meeting_id(lesson, credential, staff_client):
    source = Source.objects.create(name="s", credential=credential)
    event_handlers.recording_completed(
        event_type="recording.completed", body=completed_event(), credential=credential
    )

    recording = Recording.objects.get()
    assert recording.meeting == lesson and recording.source == source
    listed = staff_client.get("/recordings/?lesson=linked").content.decode()
    assert "Algebra with Jill" in listed and listed.count('id="recording-row-') == 1
    assert staff_client.get("/recordings/?lesson=unlinked").content.decode().count('id="recording-row-') == 0


def test_a_file_without_a_local_copy_is_streamed_from_zoom_through_zoomhub(
    school_zoom, credential, staff_client
):
    source = Source.objects.create(name="s", credential=credential, user_id="jchill@example.com")
    host = school_zoom.add_user("jchill@example.com")
    body = completed_event()
    seeded = school_zoom.control.add_recording(
        host=host["id"],
        uuid=body["payload"]["object"]["uuid"],
        start_time=body["payload"]["object"]["start_time"],
        file_types=["M4A"],
        sizes={"M4A": 10000},
    )
    served = seeded["files"][0]
    body.pop("download_token")
    body["payload"]["object"]["recording_files"][1]["download_url"] = served["download_url"]
    event_handlers.recording_completed(event_type="recording.completed", body=body, credential=credential)
    file = RecordingFile.objects.get(file_type="M4A")

    page = staff_client.get(f"/recordings/{file.recording_id}/").content.decode()
    response = staff_client.get(f"/recordings/files/{file.pk}/")
    content = b"".join(response.streaming_content)

    assert response.status_code == 200
    assert content == expected_bytes(served)
    assert response["Content-Disposition"].startswith("inline")
    [request] = school_zoom.downloads()
    assert (request["auth"], request["token_kind"]) == ("bearer", "access")
    [token] = school_zoom.issued_tokens  # the one token that fetched the file
    assert token not in page and school_zoom.url not in page
    assert all(token not in value for value in response.headers.values())
    assert Recording.objects.get().source == source
