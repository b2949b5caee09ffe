"""A worker killed in the middle of a sync: another worker finishes the run, exactly once."""

import os
import signal
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings

from recordings.models import Recording, Source, SyncRun, SyncStep
from recordings.services import sync_run_create
from recordings.tasks import sync_run_task
from tests.processes import celery_worker

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)"),
    pytest.mark.django_db(transaction=True),
]


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def kill_hard(pid: int) -> None:
    """SIGKILL the worker and its pool processes, as an OOM killer or a lost machine would."""
    for child in children_of(pid):
        os.kill(child, signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)


def wait_for(predicate, *, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_workers_run_resumes_from_its_last_finished_window(credential, school_zoom):
    zoom = school_zoom
    for n in range(5):
        user = zoom.add_user(f"teacher{n}@school.example")
        zoom.add_recordings(
            user, start=datetime(2024, 1, 2, 10, tzinfo=UTC), count=12, every=timedelta(days=10)
        )
    total = 5 * 12
    # The 8th list call is held inside the sandbox: the worker dies inside that step.
    hold = zoom.control.add_fault(
        path="/v2/users/*/recordings", method="GET", kind="hold", skip=7, seconds=300
    )
    source = Source.objects.create(name="school", credential=credential)
    run = sync_run_create(source=source, from_date=date(2024, 1, 1), to_date=date(2024, 4, 30))
    env = {
        "ZOOM_API_BASE_URL": zoom.running.api_url,
        "ZOOM_OAUTH_BASE_URL": zoom.running.oauth_url,
        "RECORDINGS_SYNC_THREADS": "1",
        "RECORDINGS_SYNC_STALE_SECONDS": "1",
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "CELERY_UNACKED_RESTORE_SECONDS": "1",
    }

    with celery_worker(extra_env=env, concurrency=1) as (first, queue):
        sync_run_task.apply_async(kwargs={"run_id": run.pk}, queue=queue)
        assert zoom.control.wait_for_hold(hold["id"], timeout=90), "the worker never reached the 8th window"
        kill_hard(first.pid)
        first.wait(timeout=30)
    finished_before = SyncStep.objects.filter(run=run, state=SyncStep.State.DONE).count()
    assert finished_before == 7
    assert SyncRun.objects.get(pk=run.pk).state == SyncRun.State.RUNNING
    assert zoom.control.release_hold(hold["id"])["finished"]  # handled and logged; its asker is gone

    with celery_worker(extra_env=env, queue=queue, concurrency=1):
        assert wait_for(lambda: SyncRun.objects.get(pk=run.pk).is_finished, timeout=120), (
            "the run was not resumed"
        )

    run.refresh_from_db()
    assert run.state == SyncRun.State.SUCCEEDED
    assert run.attempts == 2
    assert run.steps_done == run.steps_total == 5 * 4
    assert (run.recordings_seen, run.recordings_created, run.recordings_updated) == (total, total, 0)
    assert Recording.objects.count() == total
    # Finished windows were not listed again; only the interrupted one was asked twice.
    asked = [(seg, q["from"]) for seg, q, _ in zoom.list_requests]
    assert len(asked) == 20 + 1
    assert len(set(asked)) == 20
