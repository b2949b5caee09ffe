"""A run belongs to one worker at a time; a dead worker's run is taken over."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from recordings.models import SyncRun
from recordings.services import SyncRunBusy, sync_run_claim

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
