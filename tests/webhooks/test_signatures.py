"""Only deliveries signed with the account's secret, recently, are stored."""

import time

import pytest
from django.urls import reverse

from tests.webhooks.conftest import SECRET, compact, deliver, signed_headers, zoom_event
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


def test_a_correctly_signed_event_is_stored_with_its_indexed_columns(client, webhook_url, credential):
    body = zoom_event("meeting.participant_joined__docs_example")
    response = deliver(client, webhook_url, body)

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.credential == credential
    assert event.event_type == "meeting.participant_joined"
    assert event.event_ts == 1626230721572
    assert event.raw_body == compact(body).decode()
    assert event.body == body
    assert event.account_id == "AAAAAABBBB"
    assert event.zoom_meeting_id == "1234567890"
    assert event.zoom_meeting_uuid == "4444AAAiAAAAAiAiAiiAii=="
    assert event.participant_uuid == "55555AAAiAAAAAiAiAiiAii"
    assert event.participant_user_id == "16778240"
    assert event.participant_email == "jchill@example.com"
    assert event.participant_name == "Jill Chill"


def test_a_numeric_meeting_id_is_indexed_as_text(client, webhook_url):
    assert deliver(client, webhook_url, zoom_event("recording.completed__two_files")).status_code == 200
    assert WebhookEvent.objects.get().zoom_meeting_id == "1234567890"


def _refused(response):
    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


def test_a_body_signed_with_another_secret_is_refused(client, webhook_url):
    _refused(deliver(client, webhook_url, zoom_event("meeting.started__scheduled"), secret="not-the-secret"))


def test_a_tampered_body_is_refused(client, webhook_url):
    raw = compact(zoom_event("meeting.started__scheduled"))
    headers = signed_headers(raw)
    tampered = raw.replace(b"My Meeting", b"My Meetinh")
    _refused(client.post(webhook_url, data=tampered, content_type="application/json", **headers))


@pytest.mark.parametrize("skew", [-301, 301, -3600, 86400])
def test_a_stale_or_future_timestamp_is_refused(client, webhook_url, skew):
    body = zoom_event("meeting.started__scheduled")
    _refused(deliver(client, webhook_url, body, timestamp=int(time.time()) + skew))


def test_a_timestamp_within_five_minutes_is_accepted(client, webhook_url):
    body = zoom_event("meeting.started__scheduled")
    assert deliver(client, webhook_url, body, timestamp=int(time.time()) - 290).status_code == 200


def test_missing_signature_headers_are_refused(client, webhook_url):
    raw = compact(zoom_event("meeting.started__scheduled"))
    _refused(client.post(webhook_url, data=raw, content_type="application/json"))


@pytest.mark.parametrize("keep", ["HTTP_X_ZM_REQUEST_TIMESTAMP", "HTTP_X_ZM_SIGNATURE"])
def test_one_signature_header_alone_is_refused(client, webhook_url, keep):
    raw = compact(zoom_event("meeting.started__scheduled"))
    headers = {k: v for k, v in signed_headers(raw).items() if k == keep}
    _refused(client.post(webhook_url, data=raw, content_type="application/json", **headers))


def test_a_garbage_timestamp_is_refused(client, webhook_url):
    raw = compact(zoom_event("meeting.started__scheduled"))
    headers = signed_headers(raw)
    headers["HTTP_X_ZM_REQUEST_TIMESTAMP"] = "yesterday"
    _refused(client.post(webhook_url, data=raw, content_type="application/json", **headers))


def test_an_account_without_a_secret_token_accepts_nothing(client, credential, webhook_url):
    credential.webhook_secret_token = None
    credential.save()
    _refused(deliver(client, webhook_url, zoom_event("meeting.started__scheduled"), secret=""))


def test_the_secret_of_another_account_does_not_open_this_url(client, credential, webhook_url):
    from accounts.models import Credential

    Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="Other account",
        account_id="OTHERACCOUNT",
        client_id="otherClient01",
        client_secret="other-client-secret",
        webhook_secret_token="the-other-accounts-secret",
    )
    _refused(
        deliver(
            client, webhook_url, zoom_event("meeting.started__scheduled"), secret="the-other-accounts-secret"
        )
    )


def test_an_unknown_code_is_not_found(client, db):
    url = reverse("zoom_webhooks:credential", args=["no-such-code"])
    response = deliver(client, url, zoom_event("meeting.started__scheduled"))
    assert response.status_code == 404
    assert not WebhookEvent.objects.exists()


def test_the_oauth_app_url_uses_the_oauth_apps_secret(client, oauth_url):
    from tests.webhooks.conftest import OAUTH_SECRET

    body = zoom_event("meeting.started__scheduled")
    assert deliver(client, oauth_url, body, secret=SECRET).status_code == 401
    assert deliver(client, oauth_url, body, secret=OAUTH_SECRET).status_code == 200
    event = WebhookEvent.objects.get()
    assert event.credential is None


def test_the_oauth_app_url_refuses_everything_while_no_secret_is_configured(client, settings):
    settings.OAUTH_ZOOM_WEBHOOK_SECRET_TOKEN = ""
    url = reverse("zoom_webhooks:oauth_app")
    assert deliver(client, url, zoom_event("meeting.started__scheduled"), secret="").status_code == 401
    assert not WebhookEvent.objects.exists()


def test_only_post_is_allowed(client, webhook_url):
    assert client.get(webhook_url).status_code == 405


def test_webhooks_need_no_session_or_csrf_token(webhook_url):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert deliver(strict, webhook_url, zoom_event("meeting.started__scheduled")).status_code == 200


def test_a_new_secret_works_at_once(client, credential, webhook_url):
    body = zoom_event("meeting.started__scheduled")
    assert deliver(client, webhook_url, body).status_code == 200
    credential.webhook_secret_token = "the-regenerated-secret-token"
    credential.save()
    ended = zoom_event("meeting.ended__scheduled")
    assert deliver(client, webhook_url, ended, secret="the-regenerated-secret-token").status_code == 200
    assert WebhookEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_removed_account_is_answered_without_a_500(client, credential, webhook_url):
    assert deliver(client, webhook_url, zoom_event("meeting.started__scheduled")).status_code == 200
    credential.delete()
    # Its secret may still be remembered for a few seconds: the event cannot be stored, so Zoom retries...
    assert deliver(client, webhook_url, zoom_event("meeting.ended__scheduled")).status_code == 503
    # ...and the retry learns the URL is gone.
    assert deliver(client, webhook_url, zoom_event("meeting.ended__scheduled")).status_code == 404
    assert not WebhookEvent.objects.exists()
