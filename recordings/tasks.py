"""Thin Celery tasks: load by id, call one service, retry when Zoom's trouble is transient.

Every task here is acknowledged late (settings.CELERY_TASK_ACKS_LATE): a task whose worker is
killed is delivered again, and the services make a second delivery harmless.
"""

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from recordings.models import Source, SyncRun
from recordings.services import (
    SyncAlreadyRunning,
    SyncRetryLater,
    SyncRunBusy,
    local_copies_expire,
    recording_file_download,
    recording_files_due,
    sync_run_execute,
    sync_run_start,
)

logger = logging.getLogger(__name__)


@shared_task(
    name="recordings.sync_source", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=50
)
def sync_run_task(self, run_id: int) -> str:
    try:
        run = sync_run_execute(run_id=run_id, task_id=self.request.id or "")
    except SyncRunBusy:
        raise self.retry(countdown=settings.RECORDINGS_SYNC_STALE_SECONDS) from None
    except SyncRetryLater as later:
        raise self.retry(countdown=later.countdown) from None
    except SoftTimeLimitExceeded:
        # A very long sync goes on in a fresh task from its last finished step.
        SyncRun.objects.filter(pk=run_id, state=SyncRun.State.RUNNING).update(state=SyncRun.State.QUEUED)
        raise self.retry(countdown=1) from None
    return run.state if run else "nothing to do"


@shared_task(name="recordings.sync_active_sources", acks_late=True)
def sync_active_sources() -> int:
    """Beat, hourly: an incremental run for every active source, and rescue of runs whose worker died."""
    started = 0
    for source in Source.objects.filter(active=True):
        try:
            sync_run_start(source=source, trigger=SyncRun.Trigger.SCHEDULE)
            started += 1
        except SyncAlreadyRunning:
            continue
    stale = timezone.now() - timedelta(seconds=max(600, settings.RECORDINGS_SYNC_STALE_SECONDS * 4))
    lost = SyncRun.objects.filter(
        Q(state=SyncRun.State.RUNNING, heartbeat_at__lt=stale)
        | Q(state=SyncRun.State.QUEUED, created_at__lt=stale)
    )
    for run_id in lost.values_list("pk", flat=True):
        sync_run_task.delay(run_id=run_id)
    return started


@shared_task(name="recordings.download_file", acks_late=True, reject_on_worker_lost=True)
def recording_file_download_task(file_id: int) -> str:
    file = recording_file_download(file_id=file_id)
    return file.download_state if file else "taken"


@shared_task(name="recordings.queue_downloads", acks_late=True)
def download_queue() -> int:
    """Beat: queue every download that is due (new, retry time reached, or its worker died)."""
    due = recording_files_due()
    for file_id in due:
        recording_file_download_task.delay(file_id=file_id)
    return len(due)


@shared_task(name="recordings.expire_local_copies", acks_late=True)
def retention() -> int:
    return local_copies_expire()
