"""A run belongs to one worker at a time; a dead worker's run is taken over."""

from datetime import UTC, date, datetime, timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from recordings.models import Recording, SyncRun
from recordings.services import SyncRunBusy, sync, sync_run_claim, sync_run_create
from recordings.tasks import sync_run_task

pytestmark = pytest.mark.django_db


def make_run(source, **fields):
    return SyncRun.objects.create(
        source=source, from_date=date(2024, 1, 1), to_date=date(2024, 1, 31), **fields
    )


def test_a_queued_run_is_claimed_once(source):
    run = make_run(source)
    claimed = sync_run_claim(run_id=run.pk, task_id="task-1")
    assert (
        claimed.state == SyncRun.State.RUNNING
        and claimed.attempts == 1
        and claimed.celery_task_id == "task-1"
    )
    with pytest.raises(SyncRunBusy):
        sync_run_claim(run_id=run.pk, task_id="task-2")


def test_a_run_whose_worker_stopped_beating_is_taken_over(source, settings):
    settings.RECORDINGS_SYNC_STALE_SECONDS = 60
    run = make_run(
        source, state=SyncRun.State.RUNNING, attempts=1, heartbeat_at=timezone.now() - timedelta(seconds=61)
    )
    claimed = sync_run_claim(run_id=run.pk, task_id="task-2")
    assert claimed.attempts == 2 and claimed.celery_task_id == "task-2"


def test_a_finished_run_is_left_alone(source):
    run = make_run(source, state=SyncRun.State.SUCCEEDED)
    assert sync_run_claim(run_id=run.pk) is None
    assert SyncRun.objects.get(pk=run.pk).attempts == 0


def test_a_sync_cut_by_the_soft_time_limit_goes_on_in_a_new_task(school_zoom, source, monkeypatch):
    user = school_zoom.add_user("t@school.example")
    school_zoom.add_recordings(
        user, start=datetime(2024, 1, 2, tzinfo=UTC), count=30, every=timedelta(days=12)
    )
    real_finish, calls = sync._finish_step, []

    def finish_until_the_limit(**kwargs):
        calls.append(kwargs["step"].pk)
        if len(calls) == 4:
            raise SoftTimeLimitExceeded()
        return real_finish(**kwargs)

    monkeypatch.setattr(sync, "_finish_step", finish_until_the_limit)
    run = sync_run_create(source=source, from_date=date(2024, 1, 1), to_date=date(2024, 12, 31))

    sync_run_task.apply(kwargs={"run_id": run.pk})  # eager: the retry runs at once

    run.refresh_from_db()
    assert run.state == SyncRun.State.SUCCEEDED and run.attempts == 2
    assert run.steps_done == run.steps_total == 12
    assert run.recordings_created == Recording.objects.count() == 30
    assert len(school_zoom.list_requests) == 13  # the interrupted window is listed again, the others once
