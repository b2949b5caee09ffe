"""Error reports: ADMINS/SERVER_EMAIL from the environment, and Sentry events scrubbed before sending.

Sentry runs with a transport of our own that keeps each envelope instead of sending it; the
test reads the events as Sentry's servers would receive them.
"""

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sentry_sdk
from django.conf import settings as django_settings
from sentry_sdk.transport import Transport

from accounts.models import Credential
from zoomhub.sentry import init_sentry
from zoomhub.zoom.webhooks import sign

FIXTURE = (
    Path(django_settings.BASE_DIR)
    / "tests"
    / "fixtures"
    / "zoom"
    / "meeting.participant_joined__signed_in.json"
)
WEBHOOK_SECRET = "sentryWEBHOOKsecret01"
CLIENT_SECRET = "sentry-client-secret-XYZ123"
ACCESS_TOKEN = "eyJhbGciOiJIUzUxMiJ9.eyJ1aWQiOiJzZW50cnkifQ.c2lnbmF0dXJlLXNlbnRyeQ"


class KeepingTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def events(self) -> list[dict]:
        return [
            item.payload.json
            for envelope in self.envelopes
            for item in envelope.items
            if item.type == "event"
        ]


@pytest.fixture
def sentry():
    transport = KeepingTransport()
    init_sentry(
        dsn="https://public@sentry.invalid/1", environment="test", traces_sample_rate=0.0, transport=transport
    )
    yield transport
    sentry_sdk.init(dsn=None)  # a disabled client: nothing else in the suite reports


def test_admins_and_server_email_come_from_the_environment():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "ADMINS": "Operations <ops@school.example>, Night Desk <night@school.example>",
        "SERVER_EMAIL": "zoomhub-errors@school.example",
    }
    code = "from django.conf import settings; import json; print(json.dumps([settings.ADMINS, settings.SERVER_EMAIL]))"
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    admins, server_email = json.loads(out)
    assert admins == [["Operations", "ops@school.example"], ["Night Desk", "night@school.example"]]
    assert server_email == "zoomhub-errors@school.example"


@pytest.mark.django_db(transaction=True)
def test_a_crash_in_webhook_intake_reaches_sentry_without_body_secrets_tokens_or_emails(
    live_server, monkeypatch, sentry
):
    """Through a real WSGI server (Sentry reads the request from the WSGI environment)."""
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School",
        account_id="PX5yQAcnT5azdXF5ma2Apw",
        client_id="sentryClient01",
        client_secret=CLIENT_SECRET,
        webhook_secret_token=WEBHOOK_SECRET,
    )

    def crash(**kwargs):
        client_secret = CLIENT_SECRET  # a local variable a careless report would include
        logging.getLogger("zoomhub.test").warning("storing for ivan.petrov@gmail.com with %s", client_secret)
        raise RuntimeError(f"store failed for ivan.petrov@gmail.com (Authorization: Bearer {ACCESS_TOKEN})")

    monkeypatch.setattr("webhooks.views.webhook_event_record", crash)
    body = FIXTURE.read_bytes()
    now = int(time.time())
    signature = sign(WEBHOOK_SECRET, now, body)
    response = requests.post(
        live_server.url + credential.webhook_path + "?access_token=" + ACCESS_TOKEN,
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Zm-Request-Timestamp": str(now),
            "X-Zm-Signature": signature,
            "Authorization": f"Bearer {ACCESS_TOKEN}",
            "Cookie": "sessionid=sentrysession123",
        },
        timeout=10,
    )
    assert response.status_code == 500
    sentry_sdk.flush()

    (event,) = sentry.events()
    sent = json.dumps(event)
    for secret in (
        WEBHOOK_SECRET,
        CLIENT_SECRET,
        ACCESS_TOKEN,
        signature,
        "sentrysession123",
        "ivan.petrov@gmail.com",
        "Ivan Petrov",  # the webhook body's participant, not sent at all
        "0C9B8A7F-1E2D-4C3B-8A9F-7E6D5C4B3A21",
    ):
        assert secret not in sent, _where(sent, secret)
    # What an operator needs is still there.
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert "store failed for [email]" in exception["value"]
    assert event["request"]["method"] == "POST"
    assert event["request"]["url"].endswith(credential.webhook_path)
    assert event["request"]["headers"]["X-Zm-Signature"] == "[Filtered]"
    assert "data" not in event["request"]
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])
    crumbs = [crumb.get("message", "") for crumb in event["breadcrumbs"]["values"]]
    assert "storing for [email] with %s" in crumbs


def test_extra_data_and_messages_are_scrubbed_too(sentry):
    with sentry_sdk.new_scope() as scope:
        scope.set_extra(
            "zoom", {"client_secret": CLIENT_SECRET, "refresh_token": "rt-123", "meeting_id": 86431910364}
        )
        scope.set_user({"id": 7, "email": "teacher@school.example", "username": "teacher"})
        sentry_sdk.capture_message(f"OAuth refresh failed for teacher@school.example, token {ACCESS_TOKEN}")
    sentry_sdk.flush()
    (event,) = sentry.events()
    sent = json.dumps(event)
    for secret in (CLIENT_SECRET, "rt-123", "teacher@school.example", ACCESS_TOKEN, '"teacher"'):
        assert secret not in sent, _where(sent, secret)
    assert event["extra"]["zoom"]["meeting_id"] == 86431910364
    assert event["user"] == {"id": 7}


def _where(sent, secret):
    index = sent.index(secret)
    return sent[max(0, index - 300) : index + 50]
