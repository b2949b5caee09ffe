"""Redis stops for a while (our own redis-server, stopped and started again by the test).

Pages keep working (the cache degrades to no cache), sign-in still works, Zoom calls still go out
with a token fetched per call and the rate limiter kept by this process, webhooks are still
answered 200 and wait in PostgreSQL; once Redis is back the cache and the broker are used again,
without restarting anything, and the sweep sends the waiting events.
"""

import json
import time
from datetime import timedelta

import pytest
import responses
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Credential
from accounts.services import credential_client
from tests.faults.servers import private_redis
from webhooks import broker, services
from webhooks.models import WebhookEvent
from zoomhub.celery_app import app
from zoomhub.zoom import ratelimit
from zoomhub.zoom.webhooks import sign

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

WEBHOOK_SECRET = "faultWEBHOOKsecret01"


@pytest.fixture
def redis_server(settings):
    """Django's cache on a private Redis, as settings.py configures it for production."""
    with private_redis() as server:
        settings.CACHES = {
            "default": {
                **settings.CACHES["default"],
                "BACKEND": "zoomhub.cache.DegradingRedisCache",
                "LOCATION": server.url,
                "KEY_PREFIX": "fault",
                "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
            }
        }
        ratelimit.reset_local_state()
        yield server
    ratelimit.reset_local_state()


@pytest.fixture
def s2s(db):
    return Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School",
        account_id="faultAcct01",
        client_id="faultClient01",
        client_secret="fault-client-secret-01",
        webhook_secret_token=WEBHOOK_SECRET,
    )


def test_pages_and_sign_in_keep_working_while_redis_is_down(client, staff_user, password, redis_server):
    cache.set("probe", 1)
    assert cache.get("probe") == 1  # the cache really is the private Redis

    redis_server.stop()
    assert cache.get("probe") is None  # a miss, not an error
    response = client.post("/accounts/login/", {"login": staff_user.email, "password": password})
    assert response.status_code == 302 and response["Location"] == "/"
    for path in ["/", "/lessons/", "/lessons/calendar/", "/zoom-accounts/", "/recordings/", "/attendance/"]:
        assert client.get(path).status_code == 200, path

    redis_server.start()
    cache.set("probe", 2)
    assert cache.get("probe") == 2  # back in use, no restart


@responses.activate
def test_zoom_calls_fetch_a_token_per_call_while_redis_is_down(settings, s2s, redis_server):
    settings.ZOOM_API_BASE_URL = "https://api.zoom.us/v2"
    settings.ZOOM_OAUTH_BASE_URL = "https://zoom.us/oauth"
    grants = responses.add(
        responses.POST,
        "https://zoom.us/oauth/token",
        json={
            "access_token": "tok",
            "token_type": "bearer",
            "expires_in": 3599,
            "scope": "user:read:list_users",
        },
    )
    users = responses.add(responses.GET, "https://api.zoom.us/v2/users/me", json={"id": "u1"})

    for _ in range(2):
        assert credential_client(credential=s2s).get("/users/me") == {"id": "u1"}
    assert grants.call_count == 1  # cached in Redis

    redis_server.stop()
    for _ in range(3):
        assert credential_client(credential=s2s).get("/users/me") == {"id": "u1"}
    assert grants.call_count == 1 + 3  # no cache: one token per call, and no crash
    assert users.call_count == 5

    redis_server.start()
    credential_client(credential=s2s).get("/users/me")
    credential_client(credential=s2s).get("/users/me")
    assert grants.call_count == 1 + 3 + 1  # cached again


@pytest.fixture
def private_broker(redis_server):
    """The Celery broker on the same private Redis, publishing for real (no eager shortcut)."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = redis_server.url
    app.conf.task_always_eager = False
    broker._forget_producer()
    yield redis_server
    broker._forget_producer()
    app.conf.broker_url, app.conf.task_always_eager = saved


def _deliver(client, credential, meeting_id: str):
    body = json.dumps(
        {
            "event": "meeting.ended",
            "event_ts": 1,
            "payload": {"object": {"id": meeting_id, "uuid": f"{meeting_id}=="}},
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


def test_webhooks_are_answered_while_redis_is_down_and_sent_once_it_is_back(
    client, s2s, private_broker, django_capture_on_commit_callbacks
):
    private_broker.stop()
    with django_capture_on_commit_callbacks(execute=True):
        answers = [_deliver(client, s2s, str(90000 + n)).status_code for n in range(5)]
    assert answers == [200] * 5
    assert WebhookEvent.objects.filter(state=WebhookEvent.State.PENDING).count() == 5

    private_broker.start()
    past = timezone.now() - services.RESEND_AFTER - timedelta(seconds=1)
    WebhookEvent.objects.update(received_at=past, next_attempt_at=past, enqueued_at=past)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.webhook_events_sweep().sent == 5
    # The five tasks are on the (restarted) broker's queue, for the workers.
    import redis

    queued = redis.Redis.from_url(private_broker.url).llen("celery")
    assert queued == 5
