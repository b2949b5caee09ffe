"""Zoom's endpoint validation is answered per Zoom's formula, even while Redis is down."""

import hashlib
import hmac
import time
from unittest import mock

import pytest
import redis

from tests.webhooks.conftest import OAUTH_SECRET, SECRET, compact, deliver, zoom_event
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db

# HMAC-SHA256 of Zoom's documented plainToken under SECRET, computed independently with
#   printf %s qgg8vlvZRS6UYooatFL8Aw | openssl dgst -sha256 -hmac aB3dE5fG7hI9jK1lM3nO5p
EXPECTED = "cd7448b38708d0252df50a4329e7214245df970e6666d6aad1e5efcb92e87329"


def test_the_answer_is_the_plain_token_and_its_hmac_under_the_secret(client, webhook_url):
    response = deliver(client, webhook_url, zoom_event("endpoint.url_validation__zoom_docs"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": EXPECTED}
    assert not WebhookEvent.objects.exists()


def test_an_unsigned_validation_request_is_answered_too(client, webhook_url):
    raw = compact(zoom_event("endpoint.url_validation__zoom_docs"))
    response = client.post(webhook_url, data=raw, content_type="application/json")
    assert response.json()["encryptedToken"] == EXPECTED


def test_a_validation_request_with_a_bad_signature_is_refused(client, webhook_url):
    response = deliver(client, webhook_url, zoom_event("endpoint.url_validation__zoom_docs"), secret="wrong")
    assert response.status_code == 401


def test_a_plain_token_that_is_not_a_zoom_token_is_never_signed(client, webhook_url):
    """Signing arbitrary text would hand out valid event signatures ("v0:<ts>:<body>")."""
    forged_body = compact(zoom_event("app_deauthorized__user")).decode()
    ts = int(time.time())
    body = {"event": "endpoint.url_validation", "payload": {"plainToken": f"v0:{ts}:{forged_body}"}}
    raw = compact(body)
    response = client.post(webhook_url, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert hmac.new(SECRET.encode(), f"v0:{ts}:{forged_body}".encode(), hashlib.sha256).hexdigest() not in (
        response.content.decode()
    )


def test_the_oauth_app_url_validates_with_no_database_and_no_redis(
    client, oauth_url, django_assert_num_queries
):
    expected = hmac.new(OAUTH_SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    down = redis.exceptions.ConnectionError("Redis is down (test)")
    with (
        mock.patch("redis.connection.AbstractConnection.connect", side_effect=down),
        django_assert_num_queries(0),
    ):
        response = deliver(
            client, oauth_url, zoom_event("endpoint.url_validation__zoom_docs"), secret=OAUTH_SECRET
        )
    assert response.status_code == 200
    assert response.json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


def test_a_credential_url_validates_with_one_read_and_no_redis(
    client, webhook_url, django_assert_num_queries
):
    down = redis.exceptions.ConnectionError("Redis is down (test)")
    with (
        mock.patch("redis.connection.AbstractConnection.connect", side_effect=down),
        django_assert_num_queries(1),
    ):
        response = deliver(client, webhook_url, zoom_event("endpoint.url_validation__zoom_docs"))
    assert response.json()["encryptedToken"] == EXPECTED


def test_a_validation_request_without_a_plain_token_is_refused(client, webhook_url):
    response = deliver(client, webhook_url, {"event": "endpoint.url_validation", "payload": {}})
    assert response.status_code == 400
