"""Processing: one worker per event, retries with back-off, then failed; routes by event type."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.webhooks import handlers as test_handlers
from tests.webhooks.conftest import compact, deliver, use_handler, without_handler, zoom_event
from webhooks import services
from webhooks.models import WebhookEvent
from webhooks.services import (
    MAX_ATTEMPTS,
    RETRY_BASE_DELAY,
    RETRY_MAX_DELAY,
    webhook_event_claim,
    webhook_event_process,
    webhook_event_record,
    webhook_events_sweep,
)
from zoomhub.zoom.backoff import backoff_delay

pytestmark = pytest.mark.django_db
State = WebhookEvent.State


def event_retry_delay(attempts: int) -> timedelta:
    return backoff_delay(attempts, first=RETRY_BASE_DELAY, longest=RETRY_MAX_DELAY)


def record(name: str, credential=None) -> WebhookEvent:
    body = zoom_event(name)
    receipt = webhook_event_record(
        credential_id=credential and credential.pk, raw_body=compact(body).decode(), body=body
    )
    return WebhookEvent.objects.get(pk=receipt.event_id)


def test_a_claim_is_taken_once():
    event = record("meeting.started__scheduled")
    assert webhook_event_claim(event_id=event.pk) is not None
    assert webhook_event_claim(event_id=event.pk) is None
    event.refresh_from_db()
    assert event.state == State.PROCESSING
    assert event.attempts == 1


def test_an_event_whose_retry_time_has_not_come_is_not_claimed():
    event = record("meeting.started__scheduled")
    WebhookEvent.objects.filter(pk=event.pk).update(
        state=State.FAILED, next_attempt_at=timezone.now() + timedelta(minutes=1)
    )
    assert webhook_event_claim(event_id=event.pk) is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_one_wins(monkeypatch):
    monkeypatch.setattr(services, "_send_on_commit", lambda event_id: None)  # no worker of our own
    event = record("meeting.started__scheduled")
    start = threading.Barrier(2)
    results = []

    def claim():
        try:
            start.wait()
            results.append(webhook_event_claim(event_id=event.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r is None for r in results) == [False, True]
    event.refresh_from_db()
    assert event.attempts == 1


def test_the_back_off_doubles_from_thirty_seconds_up_to_an_hour():
    delays = [event_retry_delay(n).total_seconds() for n in range(1, 10)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_failing_handler_is_retried_later_then_given_up(monkeypatch):
    use_handler(monkeypatch, "meeting.started", test_handlers.fail)
    event = record("meeting.started__scheduled")

    for attempt in range(1, MAX_ATTEMPTS + 1):
        before = timezone.now()
        assert webhook_event_process(event_id=event.pk) == State.FAILED
        event.refresh_from_db()
        assert event.attempts == attempt
        assert event.last_error == "RuntimeError: Zoom answered 503 (test)"
        if attempt < MAX_ATTEMPTS:
            assert event.next_attempt_at >= before + event_retry_delay(attempt)
            assert event.next_attempt_at <= timezone.now() + event_retry_delay(attempt)
            # Not before its time...
            assert webhook_event_process(event_id=event.pk) == "skipped"
            # ...and again once it has come.
            WebhookEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now())
    assert event.state == State.FAILED
    assert event.next_attempt_at is None
    assert webhook_event_process(event_id=event.pk) == "skipped"


def test_a_handler_that_fails_once_succeeds_on_retry(monkeypatch):
    use_handler(monkeypatch, "meeting.started", test_handlers.fail_then_succeed)
    monkeypatch.setitem(test_handlers.failures_left, "count", 1)
    test_handlers.calls.clear()
    event = record("meeting.started__scheduled")
    assert webhook_event_process(event_id=event.pk) == State.FAILED
    WebhookEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now())
    assert webhook_event_process(event_id=event.pk) == State.PROCESSED
    event.refresh_from_db()
    assert (event.state, event.attempts, event.last_error) == (State.PROCESSED, 2, "")
    assert event.processed_at is not None
    assert len(test_handlers.calls) == 1


def test_a_failed_handlers_database_writes_are_rolled_back(monkeypatch, credential):
    from accounts.models import Credential

    def rename_then_fail(*, event_type, body, credential):
        Credential.objects.filter(pk=credential.pk).update(name="renamed by a failing handler")
        raise RuntimeError("boom")

    monkeypatch.setattr(test_handlers, "rename_then_fail", rename_then_fail, raising=False)
    use_handler(monkeypatch, "meeting.started", test_handlers.rename_then_fail)
    event = record("meeting.started__scheduled", credential=credential)
    assert webhook_event_process(event_id=event.pk) == State.FAILED
    credential.refresh_from_db()
    assert credential.name == "School account"


@pytest.mark.parametrize(
    ("fixture", "state"),
    [
        ("meeting.participant_joined__docs_example", State.PROCESSED),
        ("meeting.participant_left__docs_example", State.PROCESSED),
    ],
)
def test_events_an_app_only_needs_stored_are_done_once_stored(fixture, state):
    event = record(fixture)
    assert webhook_event_process(event_id=event.pk) == state
    event.refresh_from_db()
    assert event.state == state
    assert event.next_attempt_at is None


def test_meeting_events_reach_the_lessons_handlers():
    # No lesson has this Zoom meeting id: the handler changes nothing and the event is done.
    event = record("meeting.ended__scheduled")
    assert webhook_event_process(event_id=event.pk) == State.PROCESSED


def test_events_wait_as_unhandled_while_no_installed_app_handles_them(monkeypatch):
    without_handler(monkeypatch, "meeting.ended")
    event = record("meeting.ended__scheduled")
    assert webhook_event_process(event_id=event.pk) == State.UNHANDLED


def test_an_event_no_app_uses_is_kept_as_unhandled():
    body = {
        "event": "user.presence_status_updated",
        "event_ts": 1,
        "payload": {"account_id": "A", "object": {}},
    }
    receipt = webhook_event_record(credential_id=None, raw_body=compact(body).decode(), body=body)
    assert webhook_event_process(event_id=receipt.event_id) == State.UNHANDLED
    event = WebhookEvent.objects.get()
    assert event.state == State.UNHANDLED
    assert event.next_attempt_at is None
    assert event.body == body


def test_unhandled_events_are_processed_once_their_handler_is_installed(monkeypatch, counting_handlers):
    without_handler(monkeypatch, "recording.completed")
    event = record("recording.completed__two_files")
    assert webhook_event_process(event_id=event.pk) == State.UNHANDLED

    # A deployment registers a handler for it: the sweep hands the kept events over.
    use_handler(monkeypatch, "recording.completed", test_handlers.record_call)
    with_commit = webhook_events_sweep()
    assert with_commit.handlers_arrived == 1
    assert webhook_event_process(event_id=event.pk) == State.PROCESSED
    assert [c["body"]["download_token"] for c in counting_handlers] == [event.body["download_token"]]


def _claimed_ago(event: WebhookEvent, age: timedelta):
    """A claim made `age` ago by a worker that never reported back."""
    claimed_at = timezone.now() - age
    WebhookEvent.objects.filter(pk=event.pk).update(received_at=claimed_at, next_attempt_at=claimed_at)
    assert webhook_event_claim(event_id=event.pk, now=claimed_at) is not None
    return claimed_at


def test_a_claim_within_the_timeout_is_left_to_its_worker():
    event = record("meeting.started__scheduled")
    _claimed_ago(event, timedelta(minutes=5))
    assert webhook_events_sweep().reclaimed == 0
    assert webhook_event_process(event_id=event.pk) == "skipped"


def test_a_claim_abandoned_by_a_dead_worker_is_reclaimed_and_retried(counting_handlers):
    event = record("meeting.started__scheduled")
    _claimed_ago(event, services.STALE_CLAIM_AFTER + timedelta(seconds=1))
    assert webhook_events_sweep().reclaimed == 1
    event.refresh_from_db()
    assert event.state == State.FAILED
    assert "stopped before finishing" in event.last_error
    assert webhook_event_process(event_id=event.pk) == State.PROCESSED
    assert len(counting_handlers) == 1
    event.refresh_from_db()
    assert event.attempts == 2


def test_a_dead_workers_claim_on_the_last_attempt_is_given_up():
    event = record("meeting.started__scheduled")
    WebhookEvent.objects.filter(pk=event.pk).update(attempts=MAX_ATTEMPTS - 1)
    _claimed_ago(event, services.STALE_CLAIM_AFTER + timedelta(seconds=1))
    webhook_events_sweep()
    event.refresh_from_db()
    assert (event.state, event.next_attempt_at) == (State.FAILED, None)


def test_a_worker_that_lost_its_claim_does_not_overwrite_the_outcome(counting_handlers):
    event = record("meeting.started__scheduled")
    old_claim = _claimed_ago(event, services.STALE_CLAIM_AFTER + timedelta(seconds=1))
    webhook_events_sweep()
    assert webhook_event_process(event_id=event.pk) == State.PROCESSED
    # The slow old worker finally reports a failure: ignored, the event stays processed.
    assert services._finish(event.pk, old_claim, state=State.FAILED, last_error="late") is False
    event.refresh_from_db()
    assert event.state == State.PROCESSED


def test_the_whole_path_from_delivery_to_processed(
    client, webhook_url, counting_handlers, credential, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, webhook_url, zoom_event("meeting.started__scheduled")).status_code == 200
    assert WebhookEvent.objects.get().state == State.PROCESSED
    assert counting_handlers[0]["credential"] == credential
