"""No stored secret ever comes back out: not in a page, an admin page, an API answer, a log line at
DEBUG, a 500 answer or the error report mailed to the admins.

"Secret" here means the values of tests/security/world.py (S2S client secret, OAuth access and
refresh tokens, webhook secret tokens, a lesson's start URL, API tokens, a recording's download
token, the OAuth app's client secret and webhook secret) and the tokens Zoom hands out during the
flows below. Each is searched for whole and without its last four characters.
"""

import json
import logging
import time

import pytest
import responses
from django.core import mail
from django.test import Client

from accounts.services import credential_check
from meetings.models import Meeting
from meetings.outbox import meeting_push
from recordings.models import RecordingFile
from recordings.services import recording_file_download
from tests.recordings.http_server import ServedFile, running_server
from tests.security.routes import api_operations, concrete_urls
from tests.security.world import (
    S2S_CLIENT_SECRET,
    S2S_WEBHOOK_SECRET,
    leaks,
)
from zoomhub.zoom.webhooks import sign

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    return headers + "\n" + body.decode("utf-8", "replace")


@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_no_page_and_no_admin_page_shows_a_secret(client, world, role):
    client.force_login(getattr(world, role))
    shown = 0
    found = []
    for route in concrete_urls(world):
        response = client.get(route.url)
        if response.status_code == 200:
            shown += 1
        for secret in leaks(_text(response), world.secrets):
            found.append(f"{route.url}: {secret}")
    assert not found, "\n".join(found)
    assert shown > (60 if role == "superuser" else 25)  # the crawl really saw pages


def test_the_start_link_is_handed_out_only_by_its_own_post(client, world):
    client.force_login(world.staff)
    lesson_page = client.get(f"/lessons/{world.lesson.pk}/").content.decode()
    assert not leaks(lesson_page, world.secrets)
    revealed = client.post(f"/lessons/{world.lesson.pk}/start-link/")  # the explicit click
    assert revealed.status_code == 200
    assert world.lesson.start_url in revealed.content.decode().replace("&amp;", "&")


def test_api_answers_show_no_secret(client, world):
    auth = {"HTTP_AUTHORIZATION": "Bearer " + world.raw_write_token}
    found = []
    for method, path, _name in api_operations():
        if method != "GET":
            continue
        url = (
            path.replace("{credential_id}", str(world.s2s.pk))
            .replace("{source_id}", str(world.source.pk))
            .replace("{task_id}", str(world.run.pk))
            .replace("{meeting_id}", str(world.lesson.pk))
        )
        response = client.get(url, **auth)
        found += [f"{url}: {secret}" for secret in leaks(_text(response), world.secrets)]
    # Creating a credential echoes what was stored, never the secrets sent.
    created = client.post(
        "/api/v1/credentials/",
        json.dumps(
            {
                "account_name": "Branch app",
                "credentials": {
                    "account_id": "accBRANCH01",
                    "client_id": "cliBRANCH01",
                    "client_secret": "apiSENTsecretQ1w2E3r4",
                    "webhook_secret_token": "apiSENTwebhookT5y6U7",
                },
            }
        ),
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    found += leaks(_text(created), ["apiSENTsecretQ1w2E3r4", "apiSENTwebhookT5y6U7"])
    assert not found, "\n".join(found)


# -- logs at DEBUG across the flows that use the secrets ----------------------------------------


def _log_text(caplog) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        parts.append(repr(record.args))
    return "\n".join(parts)


@pytest.fixture
def zoom_of_the_world(world, zoom_sandbox_settings):
    """The sandbox knows the world's S2S app, its account and host."""
    control = zoom_sandbox_settings.control
    control.add_account(id=world.s2s.account_id, name="School", plan="pro", is_master=True)
    control.add_user(
        id=world.host.zoom_id, account_id=world.s2s.account_id, email=world.host.email, first_name="Jill"
    )
    control.add_app(
        client_id=world.s2s.client_id,
        client_secret=S2S_CLIENT_SECRET,
        kind="server_to_server",
        account_id=world.s2s.account_id,
    )
    return zoom_sandbox_settings


def test_debug_logs_of_check_push_intake_and_download_hold_no_secret(
    client, settings, world, zoom_of_the_world, caplog, tmp_path
):
    caplog.set_level(logging.DEBUG)  # as an operator with LOG_LEVEL=DEBUG
    found_tokens = []

    # Credential check: the S2S grant (client secret in a Basic header, access token back).
    result = credential_check(credential=world.s2s)
    assert result.ok, result
    from zoomhub.zoom.tokens import ServerToServerTokens

    found_tokens.append(
        ServerToServerTokens(
            account_id=world.s2s.account_id, client_id=world.s2s.client_id, client_secret=S2S_CLIENT_SECRET
        ).get_token()
    )

    # A lesson pushed to Zoom: the answer carries a start URL with the host's zak token.
    lesson = Meeting.objects.create(
        topic="Pushed lesson",
        start_at=world.lesson.start_at,
        duration=30,
        host=world.host,
        teacher=world.teacher,
    )
    meeting_push(meeting_id=lesson.pk)
    lesson.refresh_from_db()
    assert lesson.push_state == Meeting.PushState.SYNCED, lesson.push_error
    assert lesson.start_url
    found_tokens.append(lesson.start_url.rpartition("zak=")[2] or lesson.start_url)

    # Webhook intake: a signed delivery, a forged one, and a URL validation.
    body = json.dumps(
        {"event": "meeting.started", "event_ts": 1, "payload": {"object": {"id": "1"}}}
    ).encode()
    now = int(time.time())
    url = world.s2s.webhook_path
    headers = {
        "HTTP_X_ZM_REQUEST_TIMESTAMP": str(now),
        "HTTP_X_ZM_SIGNATURE": sign(S2S_WEBHOOK_SECRET, now, body),
    }
    assert client.post(url, body, content_type="application/json", **headers).status_code == 200
    forged = {**headers, "HTTP_X_ZM_SIGNATURE": sign("not-the-secret", now, body)}
    assert client.post(url, body + b" ", content_type="application/json", **forged).status_code == 401
    validation = {"event": "endpoint.url_validation", "payload": {"plainToken": "plain-token-1"}}
    assert client.post(url, json.dumps(validation), content_type="application/json").status_code == 200

    # A recording file downloaded with the webhook's download_token (sent as ?access_token=).
    settings.MEDIA_ROOT = tmp_path / "media"
    with running_server() as server:
        server.files["world"] = ServedFile(size=4096)
        RecordingFile.objects.filter(pk=world.file.pk).update(
            download_url=server.file_url("world"),
            file_size=4096,
            download_state=RecordingFile.Download.PENDING,
            storage_name="",
        )
        done = recording_file_download(file_id=world.file.pk)
    assert done.download_state == RecordingFile.Download.DONE, done.download_error

    text = _log_text(caplog)
    assert "POST" in text or "Zoom" in text or caplog.records  # the flows did log
    assert not leaks(text, world.secrets + found_tokens)


# -- error reports ------------------------------------------------------------------------------


@pytest.fixture
def error_reports(settings, monkeypatch):
    """Admins get an e-mail for every 500, as when an operator sets ADMINS; with the HTML report,
    which also lists every frame's local variables."""
    from django.utils.log import AdminEmailHandler

    settings.ADMINS = [("Ops", "ops@school.example")]
    settings.DEBUG = False
    handlers = [h for h in logging.getLogger("django").handlers if isinstance(h, AdminEmailHandler)]
    assert handlers, "Django's mail_admins handler is configured"
    for handler in handlers:
        monkeypatch.setattr(handler, "include_html", True)
    return mail.outbox


def _report_text(outbox) -> str:
    parts = []
    for message in outbox:
        parts.append(message.subject)
        parts.append(message.body)
        parts += [str(content) for content, _type in getattr(message, "alternatives", [])]
    assert any(getattr(message, "alternatives", []) for message in outbox), "the HTML report was sent"
    return "\n".join(parts)


def test_a_500_while_a_secret_is_posted_leaks_it_nowhere(world, error_reports, monkeypatch):
    from accounts import services

    def broken(**values):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "credential_create", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.staff)
    posted_secret = "postedSECRETa1S2d3F4g5"
    response = client.post(
        "/zoom-accounts/add/",
        {
            "kind": "server_to_server",
            "name": "Broken app",
            "account_id": "accBROKEN1",
            "client_id": "cliBROKEN1",
            "client_secret": posted_secret,
            "webhook_secret_token": "postedWEBHOOKh6J7k8L9",
            "plan": "pro",
        },
    )
    assert response.status_code == 500, response.context and response.context["form"].errors
    assert "Traceback" not in _text(response) and "RuntimeError" not in _text(response)
    assert len(error_reports) == 1, "the admins were told"
    report = _report_text(error_reports)
    assert "RuntimeError" in report  # the report is useful…
    assert not leaks(_text(response) + report, [*world.secrets, posted_secret, "postedWEBHOOKh6J7k8L9"])


def test_a_500_inside_webhook_intake_does_not_mail_the_webhook_secret(world, error_reports, monkeypatch):
    from webhooks import views

    def broken(**kwargs):
        raise RuntimeError("storing failed")

    monkeypatch.setattr(views, "webhook_event_record", broken)
    client = Client(raise_request_exception=False)
    body = b'{"event":"meeting.started","event_ts":1,"payload":{}}'
    now = int(time.time())
    response = client.post(
        world.s2s.webhook_path,
        body,
        content_type="application/json",
        HTTP_X_ZM_REQUEST_TIMESTAMP=str(now),
        HTTP_X_ZM_SIGNATURE=sign(S2S_WEBHOOK_SECRET, now, body),
    )
    assert response.status_code == 500
    report = _report_text(error_reports)
    assert "storing failed" in report
    assert not leaks(_text(response) + report, world.secrets)


def test_a_500_in_the_api_answers_without_details(world, monkeypatch, caplog):
    from api import credentials

    def broken(*args, **kwargs):
        raise RuntimeError(f"boom with {S2S_CLIENT_SECRET}")

    monkeypatch.setattr(credentials, "credential_out", broken, raising=False)
    monkeypatch.setattr(credentials.services, "credential_create", broken)
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/v1/credentials/",
        json.dumps(
            {
                "account_name": "x",
                "credentials": {
                    "account_id": "accXXXXX1",
                    "client_id": "cliXXXXX1",
                    "client_secret": "apiBOOMsecretZ9x8C7v6",
                },
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer " + world.raw_write_token,
    )
    assert response.status_code == 500
    assert response.json()["error"]["code"]
    assert not leaks(_text(response), [*world.secrets, "apiBOOMsecretZ9x8C7v6"])


@responses.activate
def test_zoom_errors_shown_on_pages_carry_no_token(client, world):
    """Zoom's own error text is shown on the credential page; a token echoed in it is not."""
    responses.add(
        responses.POST,
        "http://127.0.0.1:9/oauth/token",
        json={"reason": f"Invalid client_secret {S2S_CLIENT_SECRET}", "error": "invalid_client"},
        status=401,
    )
    credential_check(credential=world.s2s)
    client.force_login(world.staff)
    page = client.get(f"/zoom-accounts/{world.s2s.pk}/").content.decode()
    world.s2s.refresh_from_db()
    assert not leaks(page + world.s2s.last_error, world.secrets)
