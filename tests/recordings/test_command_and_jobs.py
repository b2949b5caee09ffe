"""manage.py sync_recordings, and the beat jobs: hourly syncs, the download queue, retention."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from recordings import tasks
from recordings.models import Recording, RecordingFile, Source, SyncRun
from zoomhub.schedules import declared_schedules

pytestmark = pytest.mark.django_db


def test_the_command_syncs_in_the_foreground_and_summarises(fake_zoom, source):
    user = fake_zoom.add_user("t@school.example")
    fake_zoom.add_recordings(user, start=datetime(2024, 1, 5, tzinfo=UTC), count=7, every=timedelta(days=8))
    out = StringIO()

    call_command("sync_recordings", source.name, "--from", "2024-01-01", "--to", "2024-02-29", stdout=out)

    text = out.getvalue()
    assert "[##############################] 2/2 steps" in text
    assert "Succeeded: 7 recordings seen, 7 created, 0 updated" in text
    run = SyncRun.objects.get()
    assert run.trigger == SyncRun.Trigger.COMMAND and (run.from_date, run.to_date) == (
        date(2024, 1, 1),
        date(2024, 2, 29),
    )


def test_the_command_exits_1_when_the_run_fails(fake_zoom, source, credential):
    credential.status = credential.Status.INVALID
    credential.save()
    with pytest.raises(SystemExit) as exit_code:
        call_command("sync_recordings", str(source.pk), stdout=StringIO(), stderr=StringIO())
    assert exit_code.value.code == 1


def test_the_command_explains_bad_input(source):
    with pytest.raises(CommandError, match="No source"):
        call_command("sync_recordings", "nope")
    with pytest.raises(CommandError, match="not a date"):
        call_command("sync_recordings", source.name, "--from", "yesterday")
    assert not SyncRun.objects.exists()


def test_beat_declares_hourly_sync_download_queue_and_daily_retention():
    tasks_by_name = {s.task: s for s in declared_schedules()}
    assert tasks_by_name["recordings.sync_active_sources"].crontab.startswith("7 * ")
    assert tasks_by_name["recordings.queue_downloads"].every_seconds == 300
    assert tasks_by_name["recordings.expire_local_copies"].crontab.split()[1] == "2"


def test_the_hourly_job_syncs_each_active_source_once(source, credential, django_capture_on_commit_callbacks):
    Source.objects.create(name="paused", credential=credential, active=False)
    with (
        mock.patch("recordings.tasks.sync_run_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.sync_active_sources() == 1
        assert tasks.sync_active_sources() == 0  # still queued: not started twice
    run = SyncRun.objects.get()
    assert run.source == source and run.trigger == SyncRun.Trigger.SCHEDULE
    assert run.from_date == timezone.localdate() - timedelta(days=30)
    delay.assert_called_once_with(run_id=run.pk)


def test_the_next_scheduled_run_starts_from_the_last_success_minus_the_overlap(source):
    SyncRun.objects.create(
        source=source, from_date=date(2024, 1, 1), to_date=date(2024, 3, 10), state=SyncRun.State.SUCCEEDED
    )
    SyncRun.objects.create(
        source=source, from_date=date(2024, 1, 1), to_date=date(2024, 3, 20), state=SyncRun.State.FAILED
    )
    from recordings.services import sync_run_default_dates

    assert sync_run_default_dates(source=source, today=date(2024, 3, 25)) == (
        date(2024, 3, 8),
        date(2024, 3, 25),
    )


def make_file(source, **fields):
    recording = Recording.objects.create(
        uuid=f"r-{fields['zoom_file_id']}", zoom_meeting_id=1, source=source, start_time=timezone.now()
    )
    return RecordingFile.objects.create(recording=recording, file_type="MP4", **fields)


def test_the_download_queue_picks_due_and_abandoned_files_only(source):
    now = timezone.now()
    due = make_file(source, zoom_file_id="due", download_state="pending")
    later = make_file(
        source, zoom_file_id="later", download_state="pending", next_attempt_at=now + timedelta(hours=1)
    )
    retry = make_file(
        source, zoom_file_id="retry", download_state="pending", next_attempt_at=now - timedelta(minutes=1)
    )
    make_file(source, zoom_file_id="done", download_state="done")
    abandoned = make_file(source, zoom_file_id="abandoned", download_state="downloading")
    RecordingFile.objects.filter(pk=abandoned.pk).update(updated_at=now - timedelta(hours=1))

    with mock.patch("recordings.tasks.recording_file_download_task.delay") as delay:
        assert tasks.download_queue() == 3
    assert sorted(c.kwargs["file_id"] for c in delay.call_args_list) == sorted(
        [due.pk, retry.pk, abandoned.pk]
    )
    assert later.pk not in [c.kwargs["file_id"] for c in delay.call_args_list]


def test_retention_deletes_old_local_copies_of_its_source_only(source, credential):
    source.retention_days = 7
    source.save()
    keep_forever = Source.objects.create(name="archive", credential=credential)
    now = timezone.now()
    old = make_file(
        source,
        zoom_file_id="old",
        download_state="done",
        storage_name=default_storage.save("r/old.mp4", ContentFile(b"x")),
        downloaded_at=now - timedelta(days=8),
    )
    fresh = make_file(
        source,
        zoom_file_id="fresh",
        download_state="done",
        storage_name=default_storage.save("r/fresh.mp4", ContentFile(b"x")),
        downloaded_at=now - timedelta(days=6),
    )
    archived = make_file(
        keep_forever,
        zoom_file_id="arch",
        download_state="done",
        storage_name=default_storage.save("r/arch.mp4", ContentFile(b"x")),
        downloaded_at=now - timedelta(days=400),
    )

    assert tasks.retention() == 1

    old.refresh_from_db()
    assert old.download_state == RecordingFile.Download.EXPIRED and not old.storage_name
    assert not default_storage.exists("r/old.mp4")
    assert default_storage.exists(fresh.storage_name) and default_storage.exists(archived.storage_name)
