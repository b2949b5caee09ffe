"""Seed 003, the Integrato setup: one event endpoint `/webhooks/zoom`, its secret in
ZOOM_WEBHOOK_SECRET_TOKEN.

Zoom validates the URL, then sends the subscribed events signed with that secret; ZoomHub accepts
them there, stores each under the account whose secret signed it (the environment's app for a
single-account school) and processes it like any other; what no known secret verifies is refused.
"""

import datetime as dt
import json
import time

import pytest
from django.utils import timezone

from accounts.models import ZoomUser
from accounts.services import credential_create
from meetings.models import Meeting
from meetings.outbox import meeting_push
from meetings.services import LessonPlan, meeting_schedule
from tests.seeds.conftest import (
    ACCOUNT_ID,
    CLIENT_ID,
    WEBHOOK_SECRET,
    connect_school,
    env_settings,
    make_zoom_app,
)
from webhooks.models import WebhookEvent
from webhooks.services import webhook_event_process
from zoomhub.zoom.webhooks import sign, url_validation_response

URL = "/webhooks/zoom"

# "Event Structure", copied from the setup guide.
SEED_EVENT = """{
  "event": "meeting.started",
  "payload": {
    "account_id": "account_id",
    "object": {
      "uuid": "meeting_uuid",
      "id": 123456789,
      "host_id": "host_user_id",
      "topic": "Meeting Topic",
      "type": 2,
      "start_time": "2024-01-01T10:00:00Z",
      "timezone": "America/New_York",
      "duration": 60
    }
  },
  "event_ts": 1234567890123
}"""


def signed_headers(body: bytes, secret: str = WEBHOOK_SECRET, *, at: int | None = None) -> dict:
    timestamp = str(at if at is not None else int(time.time()))
    return {
        "HTTP_X_ZM_REQUEST_TIMESTAMP": timestamp,
        "HTTP_X_ZM_SIGNATURE": sign(secret, timestamp, body),
    }


def deliver(client, body: str, **headers):
    return client.post(URL, body.encode(), content_type="application/json", **headers)


@pytest.fixture
def school(zoom_sandbox, settings, staff_user, db):
    env_settings(settings, zoom_sandbox)
    make_zoom_app(zoom_sandbox)
    return connect_school(zoom_sandbox, staff_user)


@pytest.mark.django_db
def test_the_guide_s_event_is_accepted_and_stored_for_the_school_s_account(client, school):
    response = deliver(client, SEED_EVENT, **signed_headers(SEED_EVENT.encode()))

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert (event.event_type, event.credential_id, event.zoom_meeting_id) == (
        "meeting.started",
        school.credential.pk,
        "123456789",
    )
    assert event.raw_body == SEED_EVENT  # kept exactly as signed
    # With and without the slash.
    again = SEED_EVENT.replace("1234567890123", "1234567890124")
    assert deliver(client.__class__(), again, **signed_headers(again.encode())).status_code == 200
    assert WebhookEvent.objects.count() == 2


@pytest.mark.django_db
def test_what_no_secret_verifies_is_refused_and_not_stored(client, school):
    body = SEED_EVENT.encode()
    assert deliver(client, SEED_EVENT).status_code == 401  # unsigned
    assert deliver(client, SEED_EVENT, **signed_headers(body, "not-the-secret")).status_code == 401
    stale = int(time.time()) - 3600  # "Check event timestamp to prevent replay attacks"
    assert deliver(client, SEED_EVENT, **signed_headers(body, at=stale)).status_code == 401
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_url_validation_is_answered_with_the_environment_s_secret(client, settings):
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = WEBHOOK_SECRET
    body = json.dumps(
        {
            "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"},
            "event_ts": 1654503849680,
            "event": "endpoint.url_validation",
        }
    )

    for headers in ({}, signed_headers(body.encode())):  # Zoom signs it; the check works either way
        response = deliver(client, body, **headers)
        assert response.status_code == 200
        assert response.json() == url_validation_response(WEBHOOK_SECRET, "qgg8vlvZRS6UYooatFL8Aw")


@pytest.mark.django_db
def test_an_account_s_own_secret_attributes_its_events_to_it(client, school):

    branch = credential_create(
        name="Branch",
        account_id="BranchAcct01",
        client_id="BranchClient01",
        client_secret="branch-client-secret-0123",
        webhook_secret_token="branch-webhook-secret",
    )
    body = SEED_EVENT.replace('"account_id": "account_id"', '"account_id": "BranchAcct01"')

    assert deliver(client, body, **signed_headers(body.encode(), "branch-webhook-secret")).status_code == 200
    assert WebhookEvent.objects.get().credential_id == branch.pk


@pytest.mark.django_db(transaction=True)
def test_zoom_validates_the_endpoint_and_its_events_start_the_lesson(
    zoom_sandbox, settings, staff_user, live_server
):
    env_settings(settings, zoom_sandbox)
    make_zoom_app(zoom_sandbox, webhook_urls=[live_server.url + URL])
    school = connect_school(zoom_sandbox, staff_user)
    control = zoom_sandbox.control

    # "Event notification endpoint URL: https://yourdomain.com/webhooks/zoom" → Zoom's check passes.
    validated = control.validate_webhook(CLIENT_ID)["results"][live_server.url + URL]
    assert validated["validated"] is True, validated

    host = ZoomUser.objects.get(credential=school.credential, user_type=2)
    lesson = meeting_schedule(
        plan=LessonPlan(
            host=host,
            topic="Team Standup",
            start=timezone.now() + dt.timedelta(hours=1),
            duration=30,
            timezone="Europe/Tallinn",
        )
    )

    meeting_push(meeting_id=lesson.pk)
    lesson.refresh_from_db()
    control.play_lesson(meeting_id=lesson.zoom_meeting_id, speed=0, participants=[], recording=False)
    # meeting.created (the push), started, the host joined and left, ended
    attempts = control.deliveries(wait_for=5)

    assert {a["status"] for a in attempts} == {200}, attempts
    events = WebhookEvent.objects.filter(zoom_meeting_id=str(lesson.zoom_meeting_id))
    assert {e.credential_id for e in events} == {school.credential.pk}
    assert {"meeting.started", "meeting.ended"} <= {e.event_type for e in events}
    for event in events.order_by("event_ts", "pk"):
        webhook_event_process(event_id=event.pk)
    assert Meeting.objects.get(pk=lesson.pk).status == "ended"
    assert ACCOUNT_ID in {e.account_id for e in events}
