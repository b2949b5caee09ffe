"""Sending "process this event" to Celery without ever holding up Zoom's delivery.

Celery's own publisher retries a lost broker for seconds (connection timeout plus retries),
longer than the 3 seconds Zoom waits for our answer. The intake does not need that: the event
is already stored, and the beat sweep sends it later. So publishing here uses its own
connection that fails at once, kept per thread so a healthy broker costs one round trip.
"""

import contextlib
import logging
import threading

from webhooks.tasks import webhook_event_process_task
from zoomhub.celery_app import app

logger = logging.getLogger(__name__)

# Seconds: a broker that does not answer within this is treated as down.
BROKER_TIMEOUT = 1.0

_local = threading.local()


def _producer():
    producer = getattr(_local, "producer", None)
    if producer is None:
        options = dict(app.conf.broker_transport_options or {})
        options.update(max_retries=0, socket_connect_timeout=BROKER_TIMEOUT, socket_timeout=BROKER_TIMEOUT)
        connection = app.connection_for_write(connect_timeout=BROKER_TIMEOUT, transport_options=options)
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
    # A kept connection may have died since its last use (broker restart): one fresh try.
    for attempt in (1, 2):
        try:
            webhook_event_process_task.apply_async(
                kwargs={"event_id": event_id}, producer=_producer(), retry=False
            )
            return True
        except Exception as error:
            _forget_producer()
            if attempt == 2:
                logger.warning(
                    "Could not send webhook event %s to the broker (%s); the sweep will send it later.",
                    event_id,
                    type(error).__name__,
                )
    return False
