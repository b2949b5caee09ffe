"""Bad input gets a clear 4xx and stores nothing; a storage failure gets 503 so Zoom retries."""

from unittest import mock

import pytest
from django.db import OperationalError

from tests.webhooks.conftest import compact, deliver, signed_headers, zoom_event
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"", b"[1, 2, 3]", b'"a string"', b'{"event": NaN}', b"\xff\xfe{}"],
    ids=["broken", "empty", "array", "string", "nan", "not-utf8"],
)
def test_a_signed_body_that_is_not_a_json_object_is_a_400(client, webhook_url, raw):
    response = deliver(client, webhook_url, raw)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_body_over_the_limit_is_a_413(client, webhook_url, settings):
    settings.ZOOM_WEBHOOK_MAX_BODY_BYTES = 2048
    body = zoom_event("meeting.started__scheduled")
    body["payload"]["object"]["topic"] = "x" * 3000
    response = deliver(client, webhook_url, body)
    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()


def test_a_declared_length_over_the_limit_is_refused_before_reading(client, webhook_url, settings):
    settings.ZOOM_WEBHOOK_MAX_BODY_BYTES = 2048
    raw = compact(zoom_event("meeting.started__scheduled"))
    response = client.post(
        webhook_url, data=raw, content_type="application/json", CONTENT_LENGTH="999999", **signed_headers(raw)
    )
    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()


def test_a_body_at_the_limit_is_accepted(client, webhook_url, settings):
    body = zoom_event("meeting.started__scheduled")
    settings.ZOOM_WEBHOOK_MAX_BODY_BYTES = len(compact(body))
    assert deliver(client, webhook_url, body).status_code == 200


def test_when_the_database_cannot_store_the_event_zoom_is_told_to_retry(client, webhook_url):
    # At the driver, below Django: the intake's INSERT uses a psycopg cursor of its own.
    import psycopg

    real_execute = psycopg.Cursor.execute

    def inserts_fail(self, query, params=None, **kwargs):
        if str(query).lstrip().upper().startswith("INSERT"):
            raise psycopg.errors.DiskFull("could not write: the disk is full")
        return real_execute(self, query, params, **kwargs)

    with mock.patch.object(psycopg.Cursor, "execute", inserts_fail):
        response = deliver(client, webhook_url, zoom_event("meeting.started__scheduled"))
    assert response.status_code == 503
    assert not WebhookEvent.objects.exists()
    # Zoom's retry then lands.
    assert deliver(client, webhook_url, zoom_event("meeting.started__scheduled")).status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_when_the_database_is_down_before_the_credential_is_read_zoom_is_told_to_retry(client, webhook_url):
    with mock.patch(
        "django.db.models.query.QuerySet.first", side_effect=OperationalError("connection refused")
    ):
        response = deliver(client, webhook_url, zoom_event("meeting.started__scheduled"))
    assert response.status_code == 503


def test_a_signed_event_with_nul_characters_is_stored_not_refused(client, webhook_url):
    body = zoom_event("meeting.participant_joined__docs_example")
    body["payload"]["object"]["participant"]["user_name"] = "Jill\u0000Chill"
    assert deliver(client, webhook_url, body).status_code == 200
    assert WebhookEvent.objects.get().participant_name == "JillChill"


def test_a_signed_event_without_the_usual_fields_is_kept_as_unhandled(
    client, webhook_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, webhook_url, {"something": "else"}).status_code == 200
    event = WebhookEvent.objects.get()
    assert event.event_type == ""
    assert event.state == WebhookEvent.State.UNHANDLED
