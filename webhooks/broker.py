"""Sending "process this event" to Celery without ever holding up Zoom's delivery.

Celery's own publisher retries a lost broker for seconds (connection timeout plus retries),
longer than the 3 seconds Zoom waits for our answer. The intake does not need that: the event
is already stored, and the beat sweep sends it later. So publishing here uses its own
connection that fails at once, kept per thread so a healthy broker costs one round trip.

A hung Redis (the process stopped, the network black-holing) is worse than a dead one: the
connection opens and then nothing answers, so every delivery would wait for the socket timeout.
After one failure the process stops trying for PAUSE_SECONDS: deliveries in that window are
stored and answered at once, and the sweep sends them once Redis answers again.
"""

import contextlib
import logging
import threading
import time

from django.conf import settings

from webhooks.tasks import webhook_event_process_task, webhook_events_process_batch_task
from zoomhub.celery_app import app

logger = logging.getLogger(__name__)

# After a failed publish, no publishing from this process for this many seconds.
PAUSE_SECONDS = 5.0

_local = threading.local()
_paused_until = 0.0


def _timeout() -> float:
    """Seconds a broker may take to connect or answer before it counts as down (REDIS_*_TIMEOUT)."""
    return float(getattr(settings, "REDIS_SOCKET_TIMEOUT", 1.0))


def broker_paused() -> bool:
    return time.monotonic() < _paused_until


def _pause() -> None:
    global _paused_until
    _paused_until = time.monotonic() + PAUSE_SECONDS


def resume_publishing() -> None:
    global _paused_until
    _paused_until = 0.0


def _producer():
    producer = getattr(_local, "producer", None)
    if producer is None:
        timeout = _timeout()
        connect_timeout = float(getattr(settings, "REDIS_CONNECT_TIMEOUT", timeout))
        options = dict(app.conf.broker_transport_options or {})
        options.update(max_retries=0, socket_connect_timeout=connect_timeout, socket_timeout=timeout)
        connection = app.connection_for_write(connect_timeout=connect_timeout, transport_options=options)
        producer = app.amqp.Producer(connection)
        _local.producer = producer
    return producer


def _forget_producer() -> None:
    producer = getattr(_local, "producer", None)
    _local.producer = None
    if producer is not None:
        # The connection is broken already: closing it is tidying up, its errors mean nothing.
        with contextlib.suppress(Exception):
            producer.connection.close()


def send_process_task(*, event_id: int) -> bool:
    """Publish the processing task; False (logged) when the broker cannot take it now."""
    if app.conf.task_always_eager:
        webhook_event_process_task.apply_async(kwargs={"event_id": event_id})
        return True
    if broker_paused():
        return False  # stored; the sweep sends it
    # A kept connection may have died since its last use (broker restart): one fresh try,
    # unless the first one timed out (a hung broker would only make us wait twice).
    for attempt in (1, 2):
        try:
            webhook_event_process_task.apply_async(
                kwargs={"event_id": event_id}, producer=_producer(), retry=False
            )
            resume_publishing()
            return True
        except Exception as error:
            _forget_producer()
            timed_out = any(
                word in f"{type(error).__name__} {error}".lower() for word in ("timeout", "timed out")
            )
            if attempt == 2 or timed_out:
                _pause()
                logger.warning(
                    "Could not send webhook event %s to the broker (%s: %s); the sweep will send it later.",
                    event_id,
                    type(error).__name__,
                    error,
                )
                return False
    return False


def send_batch_task(*, event_ids: list[int], queue: str | None = None) -> bool:
    """Publish one task for a dispatcher's batch; False (logged) when the broker cannot take it now."""
    if app.conf.task_always_eager:
        webhook_events_process_batch_task.apply_async(kwargs={"event_ids": event_ids})
        return True
    for attempt in (1, 2):
        try:
            webhook_events_process_batch_task.apply_async(
                kwargs={"event_ids": event_ids}, producer=_producer(), retry=False, queue=queue
            )
            return True
        except Exception as error:
            _forget_producer()
            if attempt == 2:
                logger.warning(
                    "Could not send a batch of %s webhook events to the broker (%s); they are due again later.",
                    len(event_ids),
                    type(error).__name__,
                )
    return False
