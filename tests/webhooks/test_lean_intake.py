"""The served WSGI application gives webhook deliveries a lean handler and pages the whole stack."""

import io
from wsgiref.util import setup_testing_defaults

import pytest

from tests.webhooks.conftest import compact, signed_headers, zoom_event
from webhooks.models import WebhookEvent


def _call(path: str, *, method: str = "GET", body: bytes = b"", headers: dict | None = None):
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
