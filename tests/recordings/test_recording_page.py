"""The recording page: a player that can seek (Zoom's copy too, through `Range`), the host by
name, the source and lesson as links, each file's size and where it is, a download button per file."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts.models import ZoomUser
from meetings.models import Meeting, Person
from recordings.models import Recording, RecordingFile
from tests.recordings.storage_fixtures import TEACHER

pytestmark = pytest.mark.django_db


def test_zoom_s_copy_answers_a_range_request_with_206_and_those_bytes(sandbox_school, staff_client):
    recording = sandbox_school.record_lesson(mp4_size=300_000)
    video = recording.files.get(file_type="MP4")
    assert not video.is_stored  # streamed from Zoom through ZoomHub
    url = reverse("recordings:file_serve", args=[video.pk])

    whole = staff_client.get(url)
    body = b"".join(whole.streaming_content)
    middle = staff_client.get(url, HTTP_RANGE="bytes=1000-1999")
    rest = staff_client.get(url, HTTP_RANGE="bytes=250000-")
    beyond = staff_client.get(url, HTTP_RANGE=f"bytes={video.file_size}-")

    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes" and len(body) == 300_000
    assert middle.status_code == 206
    assert middle["Content-Range"] == "bytes 1000-1999/300000" and middle["Content-Length"] == "1000"
    assert b"".join(middle.streaming_content) == body[1000:2000]
    assert rest.status_code == 206 and rest["Content-Range"] == "bytes 250000-299999/300000"
    assert b"".join(rest.streaming_content) == body[250000:]
    assert beyond.status_code == 416 and beyond["Content-Range"] == "bytes */300000"
    # Zoom was asked from the requested byte on, not for the whole file each time.
    ranges = [r.get("range") for r in sandbox_school.zoom.control.requests(limit=50)]
    assert "bytes=250000-" in ranges


def test_the_page_plays_names_the_host_links_source_and_lesson_and_offers_each_file(
    sandbox_school, staff_client, django_assert_max_num_queries
):
    recording = sandbox_school.record_lesson(mp4_size=200_000)
    host = ZoomUser.objects.create(
        credential=sandbox_school.source.credential,
        zoom_id=recording.host_id or "teacher-zoom-id",
        email=TEACHER,
        first_name="Анна",
        last_name="Teacher",
    )
    recording.host_id = host.zoom_id
    teacher = Person.objects.create(name="Анна Петрова", role=Person.Role.TEACHER, zoom_user=host)
    lesson = Meeting.objects.create(
        host=host, topic="Algebra 7B", start_at=dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC), duration=45
    )
    recording.meeting = lesson
    recording.save()
    files = list(recording.files.all())

    with django_assert_max_num_queries(15):
        response = staff_client.get(reverse("recordings:recording_detail", args=[recording.pk]))
    html = response.content.decode()

    player = re.search(r'<video id="recording-player"[^>]*src="([^"]+)"', html)
    assert player, "no video player"
    assert player.group(1) == reverse("recordings:file_serve", args=[recording.files.get(file_type="MP4").pk])
    host_cell = html.split('id="recording-host">')[1].split("</dd>")[0]
    assert f'href="{reverse("people:person_detail", args=[teacher.pk])}"' in host_cell
    assert "Анна Петрова" in host_cell
    source_cell = html.split('id="recording-source">')[1].split("</dd>")[0]
    assert f"?source={sandbox_school.source.pk}" in source_cell and "School" in source_cell
    lesson_cell = html.split('id="recording-lesson">')[1].split("</dd>")[0]
    assert reverse("meetings:lesson_detail", args=[lesson.pk]) in lesson_cell and "Algebra 7B" in lesson_cell
    for file in files:
        row = html.split(f'id="file-row-{file.pk}"')[1].split("</tr>")[0]
        assert f'id="download-file-{file.pk}"' in row
        assert reverse("recordings:file_serve", args=[file.pk]) + "?download=1" in row
        assert "only in Zoom&#x27;s cloud" in row or "only in Zoom's cloud" in row
        assert re.search(r'class="file-size"><div>[\d.,]+\s?(KB|bytes|MB)</div>', row.replace("\xa0", " "))


def test_an_audio_only_recording_gets_an_audio_player_and_another_file_can_be_chosen(
    sandbox_school, staff_client
):
    recording = sandbox_school.record_lesson(mp4_size=100_000)
    video = recording.files.get(file_type="MP4")
    audio = recording.files.get(file_type="M4A")

    chosen = staff_client.get(
        reverse("recordings:recording_detail", args=[recording.pk]) + f"?play={audio.pk}"
    ).content.decode()
    RecordingFile.objects.filter(pk=video.pk).delete()
    only_audio = staff_client.get(
        reverse("recordings:recording_detail", args=[recording.pk])
    ).content.decode()

    assert re.search(rf'<audio id="recording-player"[^>]*/recordings/files/{audio.pk}/', chosen)
    assert f'id="play-{video.pk}"' in chosen  # the video can be picked instead
    assert "<video" not in only_audio and '<audio id="recording-player"' in only_audio


def test_a_video_kept_in_a_bucket_may_be_played_from_it(sandbox_school, s3_destination, staff_client):
    from tests.recordings.test_storage_pages import stored_file

    file = stored_file(sandbox_school, s3_destination)

    response = staff_client.get(reverse("recordings:recording_detail", args=[file.recording_id]))

    policy = response["Content-Security-Policy"]
    media = next(part for part in policy.split(";") if part.strip().startswith("media-src"))
    assert "'self'" in media and s3_destination.endpoint_url.rstrip("/") in media
    assert "default-src 'self'" in policy


def test_the_list_names_each_host_with_a_constant_number_of_queries(
    staff_client, source, django_assert_max_num_queries
):
    from accounts.models import ZoomUser

    def record(n: int, host_id: str, email: str):
        Recording.objects.create(
            uuid=f"list-{n}",
            zoom_meeting_id=n,
            source=source,
            host_id=host_id,
            host_email=email,
            topic=f"Lesson {n}",
            start_time=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC) + dt.timedelta(hours=n),
        )

    anna = ZoomUser.objects.create(
        credential=source.credential, zoom_id="anna-id", email="anna@school.example", display_name="Anna Z."
    )
    Person.objects.create(name="Анна Петрова", role=Person.Role.TEACHER, zoom_user=anna)
    ZoomUser.objects.create(
        credential=source.credential,
        zoom_id="jaan-id",
        email="jaan@school.example",
        first_name="Jaan",
        last_name="Tamm",
    )
    record(1, "anna-id", "anna@school.example")
    record(2, "jaan-id", "jaan@school.example")
    record(3, "ghost-id", "ghost@school.example")
    with django_assert_max_num_queries(20) as few:
        staff_client.get(reverse("recordings:recording_list"))
    for n in range(4, 30):
        record(n, "jaan-id" if n % 2 else "anna-id", "x@school.example")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = staff_client.get(reverse("recordings:recording_list")).content.decode()

    def host_cell(n):
        row = page.split(f'id="recording-row-{Recording.objects.get(uuid=f"list-{n}").pk}"')[1].split(
            "</tr>"
        )[0]
        return row.split("<td>")[3]

    assert "Анна Петрова" in host_cell(1) and "anna@school.example" in host_cell(1)
    assert "Jaan Tamm" in host_cell(2)
    assert host_cell(3).startswith("ghost@school.example")
