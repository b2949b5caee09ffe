"""Zoom delivers at least once: every redelivery of an event is recorded and processed once."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from tests.webhooks.conftest import deliver, zoom_event
from webhooks.events import fingerprint
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


def test_one_delivery_sent_five_times_is_one_event_processed_once(
    client, webhook_url, counting_handlers, django_capture_on_commit_callbacks
):
    body = zoom_event("meeting.started__scheduled")
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [deliver(client, webhook_url, body).status_code for _ in range(5)]

    assert statuses == [200] * 5
    event = WebhookEvent.objects.get()
    assert event.state == WebhookEvent.State.PROCESSED
    assert event.attempts == 1
    assert len(counting_handlers) == 1
    assert counting_handlers[0]["event_type"] == "meeting.started"
    assert counting_handlers[0]["body"] == body


def test_a_retry_signed_at_another_time_is_the_same_event(client, webhook_url):
    """Zoom signs each attempt anew; the identity comes from the body, never the headers."""
    body = zoom_event("meeting.ended__scheduled")
    assert deliver(client, webhook_url, body, timestamp=int(time.time()) - 200).status_code == 200
    assert deliver(client, webhook_url, body, HTTP_X_ZM_REQUEST_ID="another-request-id").status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_two_participants_joining_in_the_same_millisecond_are_two_events(client, webhook_url):
    first = zoom_event("meeting.participant_joined__docs_example")
    second = zoom_event("meeting.participant_joined__docs_example")
    second["payload"]["object"]["participant"].update(
        user_id="16778241", id="", participant_uuid="66666BBBjBBBBBjBjBjjBjj", user_name="Guest", email=""
    )
    deliver(client, webhook_url, first)
    deliver(client, webhook_url, second)
    assert WebhookEvent.objects.count() == 2


def test_a_rejoin_is_a_new_segment(client, webhook_url):
    joined = zoom_event("meeting.participant_joined__docs_example")
    rejoined = zoom_event("meeting.participant_joined__docs_example")
    rejoined["event_ts"] += 600_000
    rejoined["payload"]["object"]["participant"]["join_time"] = "2021-07-13T21:55:21Z"
    deliver(client, webhook_url, joined)
    deliver(client, webhook_url, rejoined)
    assert WebhookEvent.objects.filter(event_type="meeting.participant_joined").count() == 2


def test_the_fingerprint_ignores_key_order_and_a_renewed_download_token():
    body = zoom_event("recording.completed__two_files")
    again = zoom_event("recording.completed__two_files")
    again["download_token"] = "a-new-token-for-the-retry"
    again["payload"]["object"]["recording_files"].reverse()
    reordered = dict(reversed(list(again.items())))
    assert fingerprint(body) == fingerprint(reordered)


def test_events_of_another_type_or_time_differ():
    started = zoom_event("meeting.started__scheduled")
    later = zoom_event("meeting.started__scheduled")
    later["event_ts"] += 1
    ended = zoom_event("meeting.ended__scheduled")
    assert len({fingerprint(started), fingerprint(later), fingerprint(ended)}) == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_deliveries_store_one_row_and_never_fail(credential, webhook_url):
    body = zoom_event("meeting.participant_left__docs_example")
    workers = 8
    start = threading.Barrier(workers)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def deliver_once():
        try:
            own_client = Client()
            start.wait()
            statuses.append(deliver(own_client, webhook_url, body).status_code)
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver_once) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert statuses == [200] * workers
    assert WebhookEvent.objects.count() == 1
