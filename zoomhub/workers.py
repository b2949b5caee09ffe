"""Is any Celery worker taking tasks? Each worker notes when it took its last one, in the cache.

Beat sends the webhook sweep every 30 seconds, so a healthy worker takes a task at least that
often. No task taken for WORKER_STALL_MINUTES means every worker is dead, stuck or cut off from
Redis: the dashboard says so, /metrics exposes the age, and compose's health check fails.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

LAST_TASK_KEY = "zoomhub:workers:last-task"
NODE_KEY = "zoomhub:workers:last-task:{node}"
# A busy worker writes at most this often (seconds), not once per task.
WRITE_EVERY_SECONDS = 5.0

_last_write = 0.0
_write_lock = threading.Lock()


def note_task_taken(node: str, *, now: float | None = None) -> None:
    global _last_write
    now = time.time() if now is None else now
    with _write_lock:
        if now - _last_write < WRITE_EVERY_SECONDS:
            return
        _last_write = now
    # The cache degrades to a no-op while Redis is away: nothing here may fail a task.
    cache.set_many({LAST_TASK_KEY: now, NODE_KEY.format(node=node): now}, timeout=None)


def last_task_at(node: str | None = None) -> float | None:
    value = cache.get(LAST_TASK_KEY if node is None else NODE_KEY.format(node=node))
    return float(value) if value is not None else None


def stall_seconds() -> float:
    return settings.WORKER_STALL_MINUTES * 60


def seconds_since_last_task(node: str | None = None, *, now: float | None = None) -> float | None:
    taken = last_task_at(node)
    if taken is None:
        return None
    return max(0.0, (time.time() if now is None else now) - taken)


def _on_task_prerun(sender=None, task=None, **kwargs) -> None:
    request = getattr(task, "request", None)
    if request is None or getattr(request, "is_eager", False):
        return  # run inline by the web process (tests, debugging): not a worker
    note_task_taken(request.hostname or "unknown")


def _on_worker_ready(sender=None, **kwargs) -> None:
    global _last_write
    node = getattr(sender, "hostname", None) or "unknown"
    _last_write = 0.0
    # A worker that just started counts as fresh until its first task.
    cache.set(NODE_KEY.format(node=node), time.time(), timeout=None)


def connect_signals() -> None:
    from celery.signals import task_prerun, worker_ready

    task_prerun.connect(_on_task_prerun, dispatch_uid="zoomhub-worker-heartbeat")
    worker_ready.connect(_on_worker_ready, dispatch_uid="zoomhub-worker-ready")
