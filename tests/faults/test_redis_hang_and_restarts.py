"""Redis hangs, and Redis restarts again and again, while Zoom keeps delivering webhooks.

Our own redis-server (tests/faults/servers.py), never the machine's shared one:
- hung (SIGSTOP) for 10 seconds: every delivery is still answered within 100 ms (p99), the
  events are stored, and the sweep sends each of them to the broker once Redis answers again;
- restarted 10 times under load with a real Celery worker started the way compose starts it: the
  worker is alive afterwards and every event is processed exactly once, nobody restarting anything.
"""

import ast
import json
import statistics
import time
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from accounts.models import Credential
from tests.faults.servers import private_redis, wait_until
from tests.processes import celery_worker
from webhooks import broker, services
from webhooks.models import WebhookEvent
from zoomhub.celery_app import app
from zoomhub.zoom.webhooks import sign

pytestmark = [pytest.mark.integration]

WEBHOOK_SECRET = "hangWEBHOOKsecret01"
HANG_SECONDS = 10.0
ACK_P99_LIMIT = 0.100


def _credential() -> Credential:
    return Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School",
        account_id="hangAcct01",
        client_id="hangClient01",
        client_secret="hang-client-secret-01",
        webhook_secret_token=WEBHOOK_SECRET,
    )


def _deliver(client, credential, number: int):
    """meeting.ended for meeting `number` (its own fingerprint), signed as Zoom signs it."""
    body = json.dumps(
        {
            "event": "meeting.ended",
            "event_ts": 1709564520000 + number,
            "payload": {
                "account_id": "hangAcct01",
                "object": {"id": str(80000000000 + number), "uuid": f"hang{number:08d}==", "topic": "Lesson"},
            },
        }
    ).encode()
    now = int(time.time())
    return client.post(
        credential.webhook_path,
        body,
        content_type="application/json",
        HTTP_X_ZM_REQUEST_TIMESTAMP=str(now),
        HTTP_X_ZM_SIGNATURE=sign(WEBHOOK_SECRET, now, body),
    )


def _queued_event_ids(url: str, queue: str = "celery") -> list[int]:
    client = redis.Redis.from_url(url)
    ids = []
    for raw in client.lrange(queue, 0, -1):
        message = json.loads(raw)
        ids.append(ast.literal_eval(message["headers"]["kwargsrepr"])["event_id"])
    return ids


@pytest.fixture
def broker_on(settings):
    """Point the Celery app (publishing for real, not eagerly) at a private Redis."""
    saved = app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue

    def point(server, *, queue="celery"):
        app.conf.broker_url = server.url
        app.conf.task_always_eager = False
        app.conf.task_default_queue = queue
        broker._forget_producer()
        broker.resume_publishing()

    yield point
    broker._forget_producer()
    broker.resume_publishing()
    app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue = saved


@pytest.mark.django_db
def test_a_hung_redis_costs_each_webhook_milliseconds_and_loses_nothing(
    client, broker_on, django_capture_on_commit_callbacks
):
    credential = _credential()
    with private_redis() as server:
        broker_on(server)
        timings = {"before": [], "hung": [], "after": []}
        number = 0

        def deliver_for(seconds: float, phase: str) -> None:
            nonlocal number
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                number += 1
                started = time.perf_counter()
                with django_capture_on_commit_callbacks(execute=True):
                    response = _deliver(client, credential, number)
                timings[phase].append(time.perf_counter() - started)
                assert response.status_code == 200

        # The process's first publish opens the connection and declares the queue (several round
        # trips); what is measured is the steady state around the hang.
        number += 1
        with django_capture_on_commit_callbacks(execute=True):
            assert _deliver(client, credential, number).status_code == 200
        deliver_for(2.0, "before")
        server.pause()
        try:
            deliver_for(HANG_SECONDS, "hung")
        finally:
            server.resume()
        deliver_for(2.0, "after")

        # The claim is about the hang; before and after are the same machine's baseline, printed
        # for comparison (on a loaded test machine they vary by tens of milliseconds).
        p99 = {phase: statistics.quantiles(values, n=100)[98] for phase, values in timings.items()}
        print(
            {phase: f"p99 {value * 1000:.0f} ms over {len(timings[phase])}" for phase, value in p99.items()}
        )
        assert p99["hung"] < ACK_P99_LIMIT, (
            f"p99 {p99['hung'] * 1000:.0f} ms over {len(timings['hung'])} deliveries"
        )
        assert len(timings["hung"]) > 100

        stored = set(WebhookEvent.objects.values_list("pk", flat=True))
        assert len(stored) == number  # every delivery stored, none twice

        # The sweep (beat, every 30 s) sends what the intake could not.
        past = timezone.now() - services.RESEND_AFTER - timedelta(seconds=1)
        queued_before_sweep = set(_queued_event_ids(server.url))
        WebhookEvent.objects.exclude(pk__in=queued_before_sweep).update(
            received_at=past, next_attempt_at=past, enqueued_at=past
        )
        while True:  # a sweep sends at most SWEEP_BATCH events
            with django_capture_on_commit_callbacks(execute=True):
                if not services.webhook_events_sweep().sent:
                    break
        queued = _queued_event_ids(server.url)
        assert set(queued) == stored
        assert len(queued) == len(stored)  # each once: the sweep left the ones already queued alone
        assert stored - queued_before_sweep  # and some really waited for it


@pytest.mark.django_db(transaction=True)
def test_a_worker_survives_ten_redis_restarts_under_webhook_load(client, broker_on, tmp_path, monkeypatch):
    credential = _credential()
    monkeypatch.setattr(services, "RESEND_AFTER", timedelta(seconds=2))
    with (
        private_redis(append_only=True, folder=str(tmp_path)) as server,
        celery_worker(extra_env={"REDIS_URL": server.url}, concurrency=2) as (worker, queue),
    ):
        broker_on(server, queue=queue)
        number = 0
        for _restart in range(10):
            for _ in range(20):
                number += 1
                assert _deliver(client, credential, number).status_code == 200
            server.stop()
            for _ in range(5):  # Redis is down: stored, answered, sent later by the sweep
                number += 1
                assert _deliver(client, credential, number).status_code == 200
            server.start()
            assert worker.poll() is None, "the worker died when Redis restarted"

        last_sweep = 0.0

        def all_processed() -> bool:
            nonlocal last_sweep
            if not WebhookEvent.objects.exclude(state=WebhookEvent.State.PROCESSED).exists():
                return True
            if time.monotonic() - last_sweep > 2:
                last_sweep = time.monotonic()
                services.webhook_events_sweep()  # what beat does every 30 seconds
            return False

        wait_until(all_processed, timeout=180, what="every event processed")
        assert worker.poll() is None
    events = WebhookEvent.objects.all()
    assert events.count() == number
    assert set(events.values_list("attempts", flat=True)) == {1}  # processed once each
