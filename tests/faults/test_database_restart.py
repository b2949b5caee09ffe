"""PostgreSQL goes away and comes back (simulated by cutting a TCP proxy of our own in front of
the shared server, which is never touched).

While it is away: pages answer 503 with a "try again" page, the API 503 in its error shape, the
webhook intake 503 (Zoom retries), /healthz 503; nothing shows a traceback or a driver message.
Once it is back the same process serves again: Django's health checks drop the dead connection.
"""

import time

import pytest
from django.db import close_old_connections, connections
from django.test import Client

from accounts.models import Credential
from api.models import ApiToken
from api.services import api_token_create
from tests.faults.servers import CutOffProxy
from zoomhub.zoom.webhooks import sign

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LEAKY = ["Traceback", "OperationalError", "psycopg", "connection", "server closed", "5432"]


@pytest.fixture
def proxied_database():
    connection = connections["default"]
    settings_dict = connection.settings_dict
    saved = settings_dict["HOST"], settings_dict["PORT"]
    proxy = CutOffProxy(settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432))
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", proxy.port
    try:
        yield proxy
    finally:
        proxy.restore()
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = saved
        proxy.close()


class ProductionClient(Client):
    """The test client switches off Django's per-request connection upkeep; a WSGI server runs it
    (request_started / request_finished → close_old_connections, with CONN_HEALTH_CHECKS)."""

    def request(self, **request):
        close_old_connections()
        try:
            return super().request(**request)
        finally:
            close_old_connections()


def _shows_no_internals(response) -> list[str]:
    text = response.content.decode("utf-8", "replace")
    return [word for word in LEAKY if word.lower() in text.lower()]


def test_requests_fail_cleanly_while_the_database_is_away_and_recover_without_a_restart(
    staff_user, proxied_database
):
    client = ProductionClient(raise_request_exception=False)  # answer as in production, do not re-raise
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School",
        account_id="pgAcct01",
        client_id="pgClient01",
        client_secret="pg-client-secret-01",
        webhook_secret_token="pgWEBHOOKsecret01",
    )
    _token, raw = api_token_create(user=staff_user, name="bot", scope=ApiToken.Scope.READ)
    client.force_login(staff_user)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/lessons/").status_code == 200
    assert client.get("/api/v1/credentials/", **bearer).status_code == 200
    assert proxied_database.accepted >= 1  # the app really talks through the proxy

    proxied_database.cut()
    page = client.get("/lessons/")
    assert page.status_code == 503, page.content[:300]
    assert page["Retry-After"]
    assert "unavailable for a moment" in page.content.decode()
    api = client.get("/api/v1/credentials/", **bearer)
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "unavailable"
    body = b'{"event":"meeting.started","event_ts":1,"payload":{}}'
    now = int(time.time())
    webhook = client.post(
        credential.webhook_path,
        body,
        content_type="application/json",
        HTTP_X_ZM_REQUEST_TIMESTAMP=str(now),
        HTTP_X_ZM_SIGNATURE=sign("pgWEBHOOKsecret01", now, body),
    )
    assert webhook.status_code == 503  # Zoom delivers it again later
    health = client.get("/healthz")
    assert health.status_code == 503
    for response in (page, api, webhook, health):
        assert _shows_no_internals(response) == []

    proxied_database.restore()
    assert client.get("/lessons/").status_code == 200
    assert client.get("/api/v1/credentials/", **bearer).status_code == 200
    assert client.get("/healthz").status_code == 200
