"""The sync run page: no lingering "started" message, the duration, the calls to Zoom, the
recordings it created (linked), each Zoom user it could not read, copies in progress; the sources
page explains an empty "from" date."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from recordings.models import Recording, RecordingFile, Source, SyncRun, SyncStep

pytestmark = pytest.mark.django_db


def test_sync_now_leaves_no_started_message_behind(staff_client, source):
    response = staff_client.post(reverse("recordings:source_sync", args=[source.pk]), {"from_date": ""})
    run = SyncRun.objects.get(source=source)
    assert response.status_code == 302 and response["Location"] == reverse(
        "recordings:run_detail", args=[run.pk]
    )

    while_queued = staff_client.get(response["Location"]).content.decode()
    assert 'id="run-started"' in while_queued and "started." not in while_queued

    SyncRun.objects.filter(pk=run.pk).update(state="succeeded", finished_at=timezone.now())
    finished = staff_client.get(response["Location"]).content.decode()
    assert 'id="run-started"' not in finished
    assert "started." not in finished  # no flash message from the POST either


def test_a_finished_run_shows_duration_calls_new_recordings_problems_and_copies(staff_client, source):
    Source.objects.filter(pk=source.pk).update(download_files=True)
    source.refresh_from_db()
    started = timezone.now() - dt.timedelta(minutes=2)
    run = SyncRun.objects.create(
        source=source,
        from_date=dt.date(2026, 11, 1),
        to_date=dt.date(2026, 12, 1),
        state=SyncRun.State.PARTIAL,
        steps_total=3,
        steps_done=3,
        recordings_seen=2,
        recordings_created=2,
        api_calls=7,
    )
    SyncRun.objects.filter(pk=run.pk).update(
        created_at=started, started_at=started, finished_at=started + dt.timedelta(seconds=95)
    )
    new = [
        Recording.objects.create(
            uuid=f"new-{n}", zoom_meeting_id=n, source=source, topic=f"Algebra {n}", start_time=started
        )
        for n in (1, 2)
    ]
    Recording.objects.filter(pk__in=[r.pk for r in new]).update(created_at=started + dt.timedelta(seconds=30))
    RecordingFile.objects.create(
        recording=new[0],
        zoom_file_id="a",
        file_type="MP4",
        file_size=300,
        download_state=RecordingFile.Download.DONE,
    )
    RecordingFile.objects.create(
        recording=new[1],
        zoom_file_id="b",
        file_type="MP4",
        file_size=100,
        download_state=RecordingFile.Download.DOWNLOADING,
        bytes_downloaded=50,
    )
    SyncStep.objects.create(
        run=run,
        target="teacher@school.example",
        window_from=dt.date(2026, 11, 1),
        window_to=dt.date(2026, 12, 1),
        state=SyncStep.State.FAILED,
        error="Zoom refused: the user has no cloud recording licence.",
    )

    page = staff_client.get(reverse("recordings:run_detail", args=[run.pk])).content.decode()

    assert "took 1 min 35 s" in page
    assert 'id="run-calls">7<' in page
    created = page.split('id="run-created-list"')[1].split("</ul>")[0]
    for recording in new:
        assert reverse("recordings:recording_detail", args=[recording.pk]) in created
    problems = page.split('id="run-problems"')[1].split("</table>")[0]
    assert "teacher@school.example" in problems and "no cloud recording licence" in problems
    assert "1 Zoom user could not be read" in page
    copies = page.split('id="run-copies"')[1].split("</p>")[0]
    assert "1 of 2 stored (87 % of the bytes)" in copies and "1 still downloading" in copies


def test_the_sources_page_explains_an_empty_from_date(staff_client, source, settings):
    settings.RECORDINGS_FIRST_SYNC_DAYS = 30
    page = staff_client.get(reverse("recordings:source_list")).content.decode()
    assert 'aria-describedby="sync-from-help"' in page
    help_text = page.split('id="sync-from-help">')[1].split("</p>")[0]
    assert "empty “from” date" in help_text and "last 30 days" in help_text
