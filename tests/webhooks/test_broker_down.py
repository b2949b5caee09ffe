"""A broker outage never fails a delivery: the event waits in the database for the sweep."""

import time
from datetime import timedelta
from unittest import mock

import pytest
import redis
from django.utils import timezone

from tests.webhooks.conftest import deliver, zoom_event
from webhooks import broker, services
from webhooks.models import WebhookEvent
from zoomhub.celery_app import app

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_broker(monkeypatch):
    """Tasks go to the broker as in production (no eager shortcut)."""
    broker._forget_producer()
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    yield
    broker._forget_producer()


def test_a_delivery_while_the_broker_is_down_is_accepted_and_swept_later(
    client, webhook_url, counting_handlers, real_broker, django_capture_on_commit_callbacks
):
    down = redis.exceptions.ConnectionError("Redis is down (test)")
    started = time.monotonic()
    with (
        mock.patch("redis.connection.AbstractConnection.connect", side_effect=down),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = deliver(client, webhook_url, zoom_event("meeting.started__scheduled"))
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed < 2.5, "Zoom gives up after 3 seconds"
    event = WebhookEvent.objects.get()
    assert event.state == WebhookEvent.State.PENDING
    assert counting_handlers == []

    # A sweep right away leaves it alone: its task may still be on its way.
    app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        assert services.webhook_events_sweep().sent == 0
    # Once it has waited past RESEND_AFTER, the sweep sends it and a worker processes it.
    past = timezone.now() - services.RESEND_AFTER - timedelta(seconds=1)
    WebhookEvent.objects.filter(pk=event.pk).update(received_at=past, next_attempt_at=past, enqueued_at=past)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.webhook_events_sweep().sent == 1
    event.refresh_from_db()
    assert event.state == WebhookEvent.State.PROCESSED
    assert len(counting_handlers) == 1


def test_failed_events_are_sent_again_when_their_back_off_ends(
    django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(broker, "send_process_task", lambda *, event_id: sent.append(event_id) or True)
    body = zoom_event("meeting.started__scheduled")
    receipt = services.webhook_event_record(credential_id=None, raw_body="{}", body=body)
    past = timezone.now() - timedelta(hours=1)
    WebhookEvent.objects.filter(pk=receipt.event_id).update(
        state=WebhookEvent.State.FAILED,
        enqueued_at=past,
        next_attempt_at=timezone.now() + timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.webhook_events_sweep().sent == 0
    WebhookEvent.objects.filter(pk=receipt.event_id).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.webhook_events_sweep().sent == 1
    assert sent == [receipt.event_id]
    # Sent just now: the next sweep does not send it twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.webhook_events_sweep().sent == 0


def test_the_sweep_is_a_default_schedule():
    from zoomhub.schedules import declared_schedules

    sweep = [s for s in declared_schedules() if s.task == "webhooks.sweep_events"]
    assert len(sweep) == 1
    assert sweep[0].every_seconds <= 60
