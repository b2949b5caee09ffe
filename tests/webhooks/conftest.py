"""Helpers for the webhook tests: credentials, Zoom fixtures, signed deliveries."""

import json
import time
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Credential
from tests.webhooks import handlers as test_handlers
from webhooks import registry
from zoomhub.celery_app import app
from zoomhub.zoom.webhooks import sign

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zoom"
SECRET = "aB3dE5fG7hI9jK1lM3nO5p"
OAUTH_SECRET = "oAuThApPsEcReT0123456789"


def zoom_event(name: str) -> dict:
    """A payload fixture shaped like Zoom's documented example, e.g. "meeting.started__scheduled"."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


def compact(body: dict) -> bytes:
    """The body as Zoom sends it: compact JSON (what Zoom signs)."""
    return json.dumps(body, separators=(",", ":")).encode()


def signed_headers(raw: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "HTTP_X_ZM_REQUEST_TIMESTAMP": str(timestamp),
        "HTTP_X_ZM_SIGNATURE": sign(secret, timestamp, raw),
    }


def deliver(
    client, url: str, body: dict | bytes, *, secret: str = SECRET, timestamp: int | None = None, **extra
):
    """POST a delivery signed the way Zoom signs it."""
    raw = body if isinstance(body, bytes) else compact(body)
    return client.post(
        url,
        data=raw,
        content_type="application/json",
        **signed_headers(raw, secret=secret, timestamp=timestamp),
        **extra,
    )


@pytest.fixture
def credential(db):
    return Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School account",
        account_id="AAAAAABBBB",
        client_id="s2sClientId01",
        client_secret="s2s-client-secret-value",
        webhook_secret_token=SECRET,
    )


@pytest.fixture
def webhook_url(credential):
    return reverse("zoom_webhooks:credential", args=[credential.webhook_code])


@pytest.fixture
def oauth_url(settings):
    settings.OAUTH_ZOOM_WEBHOOK_SECRET_TOKEN = OAUTH_SECRET
    return reverse("zoom_webhooks:oauth_app")


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch):
    """Tasks run inline when sent (on commit), so a test sees the whole path without a broker."""
    # Through monkeypatch, so a test that also sets these keys is undone in the right order.
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


def use_handler(monkeypatch, event_type: str, handler) -> None:
    """Handle `event_type` with `handler` (a function) for this test only."""
    assert callable(handler), "the registry takes functions, never dotted paths"
    registration = registry.Registration(event_type=event_type, handler=handler, app_label="tests")
    monkeypatch.setitem(registry.handlers.registrations, event_type, registration)


def without_handler(monkeypatch, event_type: str) -> None:
    """As if no installed app handled `event_type`, for this test only."""
    monkeypatch.delitem(registry.handlers.registrations, event_type)


@pytest.fixture
def counting_handlers(monkeypatch):
    """meeting.started / recording.completed handled by a test handler that records its calls."""
    test_handlers.calls.clear()
    use_handler(monkeypatch, "meeting.started", test_handlers.record_call)
    use_handler(monkeypatch, "recording.completed", test_handlers.record_call)
    yield test_handlers.calls
    test_handlers.calls.clear()
