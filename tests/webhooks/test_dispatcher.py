"""The dispatcher: stored events picked up in batches, one task per batch, nothing lost between."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tests.webhooks.conftest import compact, deliver, zoom_event
from webhooks import broker, dispatcher, services
from webhooks.models import WebhookEvent
from zoomhub.celery_app import app

pytestmark = pytest.mark.django_db
State = WebhookEvent.State


@pytest.fixture
def handed_over(monkeypatch):
    """The intake as in production (no inline processing); batches sent are recorded, not run."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    sent: list[list[int]] = []
    monkeypatch.setattr(
        broker, "send_batch_task", lambda *, event_ids, queue=None: sent.append(event_ids) or True
    )
    return sent


def stored(*names: str) -> list[int]:
    ids = []
    for n, name in enumerate(names):
        body = zoom_event(name)
        body["event_ts"] += n  # distinct events
        ids.append(
            services.webhook_event_record(
                credential_id=None, raw_body=compact(body).decode(), body=body
            ).event_id
        )
    return ids


def test_the_intake_only_stores_and_the_dispatcher_hands_a_batch_over_in_one_task(
    client, webhook_url, handed_over
):
    for n in range(5):
        body = zoom_event("meeting.participant_joined__signed_in")
        body["event_ts"] += n
        assert deliver(client, webhook_url, body).status_code == 200
    assert handed_over == []  # no broker round trip per delivery
    assert set(WebhookEvent.objects.values_list("state", flat=True)) == {State.PENDING}

    assert dispatcher.dispatch_once() == 5
    assert len(handed_over) == 1 and sorted(handed_over[0]) == sorted(
        WebhookEvent.objects.values_list("pk", flat=True)
    )
    # Handed over: the next look takes nothing again (the batch is on its way).
    assert dispatcher.dispatch_once() == 0


def test_a_batch_is_processed_once_in_arrival_order_and_a_second_copy_does_nothing(
    handed_over, counting_handlers
):
    ids = stored(
        "meeting.participant_joined__signed_in",
        "meeting.started__scheduled",
        "meeting.participant_left__signed_in",
        "recording.completed__two_files",
    )

    first = services.webhook_events_process_batch(event_ids=ids)
    again = services.webhook_events_process_batch(event_ids=ids)

    assert first == {"skipped": 0, State.PROCESSED: 4}
    assert again == {"skipped": 4}
    assert [c["event_type"] for c in counting_handlers] == ["meeting.started", "recording.completed"]
    assert (
        list(WebhookEvent.objects.order_by("pk").values_list("state", "attempts"))
        == [(State.PROCESSED, 1)] * 4
    )


def test_a_crash_between_pick_up_and_processing_loses_nothing(handed_over, counting_handlers):
    ids = stored("meeting.started__scheduled", "meeting.participant_joined__signed_in")
    picked_at = timezone.now()
    assert sorted(services.webhook_events_take(limit=100, now=picked_at)) == sorted(ids)
    # The process dies here: the batch was marked handed over but no worker ever gets it.

    # Too early to tell a lost batch from a slow one: nothing is taken twice.
    assert services.webhook_events_take(limit=100, now=picked_at + timedelta(seconds=5)) == []
    assert services.webhook_events_sweep(now=picked_at + timedelta(seconds=5)).sent == 0
    # Once RESEND_AFTER has passed, the dispatcher takes them again and a worker processes them once.
    later = picked_at + services.RESEND_AFTER + timedelta(seconds=1)
    again = services.webhook_events_take(limit=100, now=later)
    assert sorted(again) == sorted(ids)
    services.webhook_events_process_batch(event_ids=again)

    assert set(WebhookEvent.objects.values_list("state", "attempts")) == {(State.PROCESSED, 1)}
    assert [c["event_type"] for c in counting_handlers] == ["meeting.started"]


def test_a_worker_killed_after_claiming_a_batch_loses_nothing(handed_over, counting_handlers):
    ids = stored("meeting.started__scheduled", "meeting.participant_joined__signed_in")
    services.webhook_events_take(limit=100)

    def killed(event_id, claimed_at):
        raise SystemExit("worker killed")

    # The worker claims the batch and dies before the handler runs (the claim is committed).
    process_claimed, services._process_claimed = services._process_claimed, killed
    try:
        with pytest.raises(SystemExit):
            services.webhook_events_process_batch(event_ids=ids)
    finally:
        services._process_claimed = process_claimed
    assert WebhookEvent.objects.get(pk=ids[0]).state == State.PROCESSING

    # The sweep hands the stale claim back; the next batch processes it, once.
    later = timezone.now() + services.STALE_CLAIM_AFTER + timedelta(seconds=1)
    services.webhook_events_sweep(now=later)
    retaken = services.webhook_events_take(limit=100, now=later + services.RESEND_AFTER)
    assert retaken == [ids[0]]
    services.webhook_events_process_batch(event_ids=retaken, now=later + services.RESEND_AFTER)

    assert WebhookEvent.objects.get(pk=ids[0]).state == State.PROCESSED
    assert [c["event_type"] for c in counting_handlers] == ["meeting.started"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's")
def test_the_running_dispatcher_wakes_on_notify_and_hands_the_new_event_over(
    client, webhook_url, handed_over
):
    import threading

    arrived = threading.Event()
    monkeypatch_sent = broker.send_batch_task

    def send(*, event_ids, queue=None):
        monkeypatch_sent(event_ids=event_ids, queue=queue)
        arrived.set()
        return True

    broker.send_batch_task = send
    # A long poll interval: only the notification can make it look again in time.
    running = dispatcher.Dispatcher(poll_seconds=30).start()
    try:
        assert dispatcher.dispatch_once() == 0
        response = deliver(client, webhook_url, zoom_event("meeting.participant_joined__signed_in"))
        assert response.status_code == 200
        assert arrived.wait(10), "the dispatcher did not wake up"
    finally:
        running.stop()
        broker.send_batch_task = monkeypatch_sent
    assert handed_over == [[WebhookEvent.objects.get().pk]]
    assert settings.ZOOM_WEBHOOK_DISPATCHER
