"""The per-account webhook URL served straight from WSGI, outside Django's request cycle.

Zoom may deliver a thousand events a second; what a delivery needs is a body, two headers, the
account's secret and one INSERT. Django's handler around that (request object, URL resolving,
request_started/finished with a connection health check `SELECT 1`, middleware, response object)
cost more CPU than the intake itself (docs/benchmarks.md, fourth round). So a POST to
/webhooks/zoom/<code>/ is answered here with the very function the Django view uses
(views.credential_delivery); everything else (other methods, the shared and OAuth URLs, a plain
http request that must be redirected to https) goes on to Django's lean intake handler.

What Django would do for us is done here: the security middleware's response headers, /metrics
counting, and the database connection's upkeep (a connection that failed, or outlived
CONN_MAX_AGE, is closed after the delivery, as request_finished would).
"""

from __future__ import annotations

import logging
import re
import time
from http import HTTPStatus

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware

from webhooks.views import UNAVAILABLE, Answer, credential_delivery, read_limited
from zoomhub.metrics import webhook_answered

logger = logging.getLogger(__name__)

CREDENTIAL_URL = re.compile(r"/webhooks/zoom/([^/]+)/")
NOT_A_CODE = {"oauth"}  # /webhooks/zoom/oauth/ is the OAuth app's URL (webhooks.urls)
STATUS_LINES = {status.value: f"{status.value} {status.phrase}" for status in HTTPStatus}
CRASHED = Answer(500, "unavailable", b"Internal error.")


class _Probe:
    """Enough of a request for SecurityMiddleware.process_response to choose its headers."""

    def __init__(self, secure: bool) -> None:
        self._secure = secure

    def is_secure(self) -> bool:
        return self._secure


def _security_headers(secure: bool) -> list[tuple[str, str]]:
    """The headers Django's SecurityMiddleware gives every response (HSTS only over https)."""
    response = SecurityMiddleware(lambda request: None).process_response(_Probe(secure), HttpResponse())
    return [(name, value) for name, value in response.items() if name != "Content-Type"]


class CredentialIntake:
    """WSGI application: per-account deliveries here, anything else to `fallback`."""

    def __init__(self, fallback) -> None:
        self.fallback = fallback
        self._headers = {secure: _security_headers(secure) for secure in (False, True)}
        header, value = settings.SECURE_PROXY_SSL_HEADER or (None, None)
        self._proxy_header, self._proxy_value = header, value

    def __call__(self, environ, start_response):
        matched = CREDENTIAL_URL.fullmatch(environ.get("PATH_INFO", ""))
        if matched is None or matched[1] in NOT_A_CODE or environ.get("REQUEST_METHOD") != "POST":
            return self.fallback(environ, start_response)
        secure = environ.get("wsgi.url_scheme") == "https" or (
            self._proxy_header is not None and environ.get(self._proxy_header) == self._proxy_value
        )
        if settings.SECURE_SSL_REDIRECT and not secure:
            return self.fallback(environ, start_response)  # Django answers with the redirect
        started = time.perf_counter()
        answer = self._answer(matched[1], environ)
        webhook_answered(answer.result, time.perf_counter() - started)
        headers = [("Content-Type", answer.content_type), ("Content-Length", str(len(answer.body)))]
        start_response(STATUS_LINES[answer.status], headers + self._headers[secure])
        return [answer.body]

    def _answer(self, code: str, environ) -> Answer:
        try:
            raw = read_limited(environ["wsgi.input"], environ.get("CONTENT_LENGTH"))
            return credential_delivery(
                code, raw, environ.get("HTTP_X_ZM_REQUEST_TIMESTAMP"), environ.get("HTTP_X_ZM_SIGNATURE")
            )
        except OSError:  # the client went away while sending its body
            return UNAVAILABLE
        except Exception:
            # Django would log this as a server error and answer 500; so do we (and Zoom retries).
            logger.exception("Webhook intake failed")
            return CRASHED
        finally:
            _keep_connection_healthy()


def _keep_connection_healthy() -> None:
    """What request_finished does for a Django request, without its per-request health check."""
    if connection.connection is None:
        return
    expired = connection.close_at is not None and time.monotonic() >= connection.close_at
    if connection.errors_occurred or expired or connection.get_autocommit() is not True:
        connection.close_if_unusable_or_obsolete()
