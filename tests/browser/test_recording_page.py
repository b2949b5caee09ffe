"""The recording page in Chromium at 1366 and 390 px: plain words with the codes behind a toggle,
the player, one download button per file, and seeking answered with 206 Partial Content."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.models import Credential, ZoomUser
from meetings.models import Meeting, Person
from recordings.models import Recording, RecordingFile, Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHA256 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def recording(db):
    credential = Credential.objects.create(
        kind="server_to_server", name="School", account_id="acct12345", client_id="client12345"
    )
    host = ZoomUser.objects.create(
        credential=credential, zoom_id="host-1", email="mari@school.example", display_name="Mari T."
    )
    Person.objects.create(name="Mari Tamm", role=Person.Role.TEACHER, zoom_user=host)
    start = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)
    lesson = Meeting.objects.create(host=host, topic="Algebra 7B", start_at=start, duration=45)
    source = Source.objects.create(name="School recordings", credential=credential)
    recording = Recording.objects.create(
        uuid="uuid-1",
        zoom_meeting_id=92674392836,
        source=source,
        meeting=lesson,
        host_id="host-1",
        host_email="mari@school.example",
        topic="Algebra 7B",
        start_time=start,
        duration=45,
    )
    for number, (file_type, view) in enumerate(
        [("MP4", "shared_screen_with_speaker_view"), ("M4A", "audio_only"), ("CHAT", "chat_file")]
    ):
        RecordingFile.objects.create(
            recording=recording,
            zoom_file_id=f"file-{number}",
            file_type=file_type,
            file_extension=file_type,
            recording_type=view,
            file_size=4096,
            download_state=RecordingFile.Download.DONE,
            sha256=SHA256,
            storage_name=default_storage.save(f"recordings/page-{number}.bin", ContentFile(bytes(4096))),
        )
    return recording


@pytest.mark.parametrize("width", [1366, 390])
def test_the_recording_page_plays_offers_downloads_and_speaks_plainly(
    live_server, page, screenshot, staff_user, password, recording, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, staff_user, password)
    page.goto(f"{live_server.url}{reverse('recordings:recording_detail', args=[recording.pk])}")

    assert page.locator("video#recording-player").count() == 1
    assert page.locator("#recording-host a").inner_text() == "Mari Tamm"
    assert page.locator("#recording-lesson a").inner_text() == "Algebra 7B"
    assert page.locator("#recording-source a").first.inner_text() == "School recordings"
    files = list(recording.files.all())
    for file in files:
        assert page.locator(f"#download-file-{file.pk}").is_visible()
    body = page.locator("main").inner_text()
    assert "Screen and speaker" in body and "Sound only" in body
    assert "shared_screen_with_speaker_view" not in body and SHA256 not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"recording-{width}")

    row = page.locator(f"#file-row-{files[0].pk}")
    row.locator("details summary").click()
    assert SHA256 in row.inner_text() and "shared_screen_with_speaker_view" in row.inner_text()
    screenshot(f"recording-details-open-{width}")

    # What the player asks for when it seeks: a part of the file, answered with 206.
    src = page.locator("#recording-player").get_attribute("src")
    part = page.request.get(live_server.url + src, headers={"Range": "bytes=1024-2047"})
    assert part.status == 206
    assert part.headers["content-range"] == "bytes 1024-2047/4096" and len(part.body()) == 1024
