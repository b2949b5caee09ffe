"""The dispatcher: picks up stored webhook events in batches and hands each batch to a worker.

The intake only stores a row (the durable record) and, on PostgreSQL, NOTIFYs in the same
statement. One dispatcher thread per Celery worker process waits for that notification
(LISTEN; elsewhere it polls every POLL_SECONDS), takes up to BATCH due events at once
(services.webhook_events_take) and publishes ONE task for them. A burst of a thousand
deliveries costs a few publishes instead of a thousand, and no delivery waits for the broker.

Nothing is lost between the steps: events taken but never published, or published and never
run, are due again after services.RESEND_AFTER; a worker killed after claiming leaves a stale
claim that the sweep hands back.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connection

from webhooks import broker
from webhooks.services import NOTIFY_CHANNEL, webhook_events_take

logger = logging.getLogger(__name__)

BATCH = 200
POLL_SECONDS = 0.5  # without LISTEN (SQLite), and as a safety net with it
# After a wake-up, let the deliveries arriving at the same moment join the batch: one task for
# many events costs the worker far less than a task each, and processing need not be instant.
GATHER_SECONDS = 0.1
ERROR_PAUSE_SECONDS = 2.0


def dispatch_once(*, limit: int = BATCH, queue: str | None = None) -> int:
    """Take one batch of due events and hand it over (to `queue`); how many were taken."""
    taken = webhook_events_take(limit=limit)
    if taken:
        broker.send_batch_task(event_ids=taken, queue=queue)
    return len(taken)


class Dispatcher:
    """The loop, on its own thread and its own database connection, until `stop()`."""

    def __init__(
        self, *, batch: int = BATCH, poll_seconds: float = POLL_SECONDS, queue: str | None = None
    ) -> None:
        self.batch = batch
        self.queue = queue
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="webhook-dispatcher", daemon=True)

    def start(self) -> Dispatcher:
        self.thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if connection.vendor == "postgresql":
            # Wake it from waiting for a notification (this thread's connection, committed at once).
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_notify(%s, '')", [NOTIFY_CHANNEL])
            except Exception:  # it then stops at its next poll
                logger.warning("Could not wake the webhook dispatcher to stop it", exc_info=True)
        self.thread.join(timeout)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    self._serve()
                except Exception:
                    logger.exception("Webhook dispatcher failed; starting again shortly")
                    connection.close()
                    self._stop.wait(ERROR_PAUSE_SECONDS)
        finally:
            connection.close()

    def _serve(self) -> None:
        listening = self._listen()
        while not self._stop.is_set():
            while dispatch_once(limit=self.batch, queue=self.queue) == self.batch and not self._stop.is_set():
                pass  # a full batch: more may be waiting
            if listening:
                # Any notification (or the timeout) means: look again. Several are one look.
                for _ in listening.notifies(timeout=self.poll_seconds, stop_after=1):
                    pass
            else:
                self._stop.wait(self.poll_seconds)
            self._stop.wait(GATHER_SECONDS)

    def _listen(self):
        """The psycopg connection listening on NOTIFY_CHANNEL, or None (not PostgreSQL)."""
        if connection.vendor != "postgresql":
            return None
        connection.ensure_connection()
        raw = connection.connection
        if not raw.autocommit:
            return None
        raw.execute(f"LISTEN {NOTIFY_CHANNEL}")
        return raw


_started: Dispatcher | None = None


def start_in_worker(sender=None, **_kwargs) -> None:
    """Celery's worker_ready signal: one dispatcher per worker (several workers may run), sending
    its batches to the first queue this worker consumes, so they reach a worker that listens."""
    global _started
    if _started is None and getattr(settings, "ZOOM_WEBHOOK_DISPATCHER", True):
        queues = getattr(getattr(sender, "task_consumer", None), "queues", None) or []
        _started = Dispatcher(queue=queues[0].name if queues else None).start()


def stop_in_worker(**_kwargs) -> None:
    global _started
    if _started is not None:
        _started.stop()
        _started = None
