"""The served WSGI application gives webhook deliveries a lean handler and pages the whole stack."""

import io
import json
from wsgiref.util import setup_testing_defaults

import pytest

from tests.webhooks.conftest import OAUTH_SECRET, compact, signed_headers, zoom_event
from webhooks.models import WebhookEvent


def _call(
    path: str, *, method: str = "GET", body: bytes = b"", headers: dict | None = None, application=None
):
    if application is None:
        from zoomhub.wsgi import application

    environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    environ.update({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})
    environ.update({"CONTENT_TYPE": "application/json", **(headers or {})})
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    answer["body"] = b"".join(application(environ, start_response))
    return answer


@pytest.mark.django_db(transaction=True)
def test_a_delivery_is_stored_with_only_the_security_middleware(webhook_url):
    raw = compact(zoom_event("meeting.participant_joined__signed_in"))

    answer = _call(webhook_url, method="POST", body=raw, headers=signed_headers(raw))

    assert answer["status"] == 200
    assert WebhookEvent.objects.count() == 1
    # Only the security middleware ran: no language, frame-options or session handling.
    assert "X-Content-Type-Options" in answer["headers"]
    assert "Content-Language" not in answer["headers"]
    assert "X-Frame-Options" not in answer["headers"]
    assert "Set-Cookie" not in answer["headers"]


@pytest.mark.django_db(transaction=True)
def test_pages_still_get_the_whole_middleware_stack():
    answer = _call("/recordings/")

    # The staff-only middleware sends an anonymous visitor to sign in.
    assert answer["status"] == 302
    assert "/accounts/login/" in answer["headers"]["Location"]
    assert "X-Frame-Options" in answer["headers"]


def _deliveries_counted(result: str) -> float:
    from zoomhub.metrics import WEBHOOK_DELIVERIES

    return WEBHOOK_DELIVERIES.labels(result=result)._value.get()


@pytest.mark.django_db(transaction=True)
def test_the_served_intake_answers_as_the_django_view_does(webhook_url, credential, client):
    raw = compact(zoom_event("meeting.participant_joined__signed_in"))
    accepted, duplicates, refused = (
        _deliveries_counted(r) for r in ("accepted", "duplicate", "refused_signature")
    )

    first = _call(webhook_url, method="POST", body=raw, headers=signed_headers(raw))
    again = _call(webhook_url, method="POST", body=raw, headers=signed_headers(raw))
    forged = _call(webhook_url, method="POST", body=raw, headers=signed_headers(raw, secret="not-the-secret"))
    unknown = _call("/webhooks/zoom/no-such-code/", method="POST", body=raw, headers=signed_headers(raw))
    not_json = _call(webhook_url, method="POST", body=b"[1, 2", headers=signed_headers(b"[1, 2"))

    assert [first["status"], again["status"], forged["status"], unknown["status"], not_json["status"]] == [
        200,
        200,
        401,
        404,
        400,
    ]
    assert forged["body"] == b"Invalid signature." and unknown["body"] == b"Unknown webhook URL."
    assert WebhookEvent.objects.count() == 1
    # The same answers from Django's view (the test client never goes through zoomhub.wsgi).
    django_forged = client.post(
        webhook_url, data=raw, content_type="application/json", **signed_headers(raw, secret="not-the-secret")
    )
    assert (django_forged.status_code, django_forged.content) == (401, forged["body"])
    # /metrics counts them as the middleware counts Django's answers.
    assert _deliveries_counted("accepted") == accepted + 1
    assert _deliveries_counted("duplicate") == duplicates + 1
    assert _deliveries_counted("refused_signature") == refused + 2


@pytest.mark.django_db(transaction=True)
def test_url_validation_is_answered_by_the_served_intake(webhook_url):
    raw = compact({"event": "endpoint.url_validation", "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}})

    answer = _call(webhook_url, method="POST", body=raw, headers=signed_headers(raw))

    assert answer["status"] == 200
    assert answer["headers"]["Content-Type"] == "application/json"
    assert json.loads(answer["body"])["plainToken"] == "qgg8vlvZRS6UYooatFL8Aw"


@pytest.mark.django_db(transaction=True)
def test_other_methods_and_the_oauth_url_go_on_to_django(webhook_url, oauth_url):
    assert _call(webhook_url, method="GET")["status"] == 405
    raw = compact(zoom_event("meeting.participant_joined__signed_in"))
    # The OAuth app's URL has its own secret: a delivery signed with it is stored by Django's view.
    answer = _call(oauth_url, method="POST", body=raw, headers=signed_headers(raw, secret=OAUTH_SECRET))
    assert answer["status"] == 200
    assert WebhookEvent.objects.get().credential_id is None


@pytest.mark.django_db(transaction=True)
def test_plain_http_is_redirected_by_django_when_https_is_required(webhook_url, settings):
    from django.core.wsgi import get_wsgi_application

    from zoomhub.intake_wsgi import with_lean_webhooks

    settings.SECURE_SSL_REDIRECT = True
    served = with_lean_webhooks(get_wsgi_application())  # middleware reads its settings when built
    raw = compact(zoom_event("meeting.participant_joined__signed_in"))

    plain = _call(webhook_url, method="POST", body=raw, headers=signed_headers(raw), application=served)
    proxied = _call(
        webhook_url,
        method="POST",
        body=raw,
        headers={**signed_headers(raw), "HTTP_X_FORWARDED_PROTO": "https"},
        application=served,
    )

    assert plain["status"] == 301 and plain["headers"]["Location"].startswith("https://")
    assert proxied["status"] == 200
    assert WebhookEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_crash_is_logged_and_answered_500_so_zoom_retries(webhook_url, monkeypatch, caplog):
    def crash(**kwargs):
        raise RuntimeError("the handler broke")

    monkeypatch.setattr("webhooks.views.webhook_event_record", crash)
    raw = compact(zoom_event("meeting.participant_joined__signed_in"))

    answer = _call(webhook_url, method="POST", body=raw, headers=signed_headers(raw))

    assert answer["status"] == 500 and answer["body"] == b"Internal error."
    assert any(r.levelname == "ERROR" and "Webhook intake failed" in r.message for r in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_database_dropped_is_replaced_after_the_delivery(webhook_url):
    """What request_finished does for Django's requests: a dead connection is closed, the next
    delivery opens a new one (here PostgreSQL ends the session, as a restart would)."""
    import psycopg
    from django.db import connection

    raw = compact(zoom_event("meeting.participant_joined__signed_in"))
    assert _call(webhook_url, method="POST", body=raw, headers=signed_headers(raw))["status"] == 200
    backend = connection.connection.info.backend_pid
    settings_dict = connection.settings_dict
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend])

    other = compact(zoom_event("meeting.participant_left__signed_in"))
    lost = _call(webhook_url, method="POST", body=other, headers=signed_headers(other))
    assert lost["status"] == 503  # Zoom delivers it again
    assert connection.connection is None  # closed, not kept for the next delivery

    assert _call(webhook_url, method="POST", body=other, headers=signed_headers(other))["status"] == 200
    assert connection.connection.info.backend_pid != backend
    assert WebhookEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_delivery_skips_djangos_request_cycle(webhook_url):
    """No request_started (and so no connection health check per delivery); other requests get it."""
    from django.core.signals import request_started

    started = []

    def note(**kwargs):
        started.append(kwargs["environ"]["PATH_INFO"])

    request_started.connect(note)
    try:
        raw = compact(zoom_event("meeting.participant_joined__signed_in"))
        assert _call(webhook_url, method="POST", body=raw, headers=signed_headers(raw))["status"] == 200
        assert _call(webhook_url, method="GET")["status"] == 405
    finally:
        request_started.disconnect(note)
    assert started == [webhook_url]  # only the GET, which Django answered
