"""End to end: Zoom posts, the intake stores and sends, a real Celery worker processes."""

import time

import pytest
from django.conf import settings

from accounts.models import Credential
from tests.processes import celery_worker
from tests.webhooks.conftest import OAUTH_SECRET, deliver, zoom_event
from webhooks import broker
from webhooks.models import WebhookEvent
from zoomhub.celery_app import app

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)"),
]


def wait_for(predicate, *, timeout: float = 60.0):
    """Poll the database until the worker process has done its part (or the deadline passes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_posted_event_is_processed_by_a_real_worker(client, oauth_url, monkeypatch):
    teacher = Credential.objects.create(
        kind=Credential.Kind.OAUTH,
        name="teacher@example.com",
        zoom_user_id="z9jkdsfsdfjhdkfjQ",
        account_id="EabCDEFghiLHMA",
        access_token="oauth-access-token-0123456789",
        refresh_token="oauth-refresh-token-0123456789",
    )
    with celery_worker() as (process, queue):
        monkeypatch.setitem(app.conf, "task_always_eager", False)
        monkeypatch.setitem(app.conf, "task_default_queue", queue)
        broker._forget_producer()
        try:
            joined = deliver(
                client, oauth_url, zoom_event("meeting.participant_joined__docs_example"), secret=OAUTH_SECRET
            )
            removed = deliver(client, oauth_url, zoom_event("app_deauthorized__user"), secret=OAUTH_SECRET)
            assert (joined.status_code, removed.status_code) == (200, 200)

            def all_processed():
                return set(WebhookEvent.objects.values_list("state", flat=True)) == {
                    WebhookEvent.State.PROCESSED
                }

            assert wait_for(all_processed), list(
                WebhookEvent.objects.values("event_type", "state", "last_error")
            )
            assert process.poll() is None
        finally:
            broker._forget_producer()

    assert list(WebhookEvent.objects.values_list("attempts", flat=True)) == [1, 1]
    teacher.refresh_from_db()
    assert teacher.status == Credential.Status.REVOKED
    assert teacher.access_token is None
