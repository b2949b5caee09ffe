"""Secrets live as ciphertext and never appear in a page, the admin, a log record or an exception."""

import json
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.services import credential_check, credential_disconnect
from tests.accounts.conftest import S2S_SECRET, WEBHOOK_SECRET, make_oauth, make_s2s

pytestmark = pytest.mark.django_db

ACCESS = "access-token-0000-original"
REFRESH = "refresh-token-0000-original"
ALL_SECRETS = [S2S_SECRET, WEBHOOK_SECRET, ACCESS, REFRESH]


@pytest.fixture
def credentials():
    return make_s2s(), make_oauth(webhook_secret_token=None)


def _assert_no_secret(text: str):
    for secret in ALL_SECRETS:
        assert secret not in text
        assert secret[:-4] not in text  # not even all but the last four characters


def test_the_database_holds_only_ciphertext(credentials):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(client_secret, ''), coalesce(access_token, ''), coalesce(refresh_token, ''), "
            "coalesce(webhook_secret_token, '') FROM accounts_credential"
        )
        stored = " ".join(" ".join(row) for row in cursor.fetchall())
    _assert_no_secret(stored)
    assert stored.count("gAAAA") == 4  # Fernet tokens: S2S secret + webhook, OAuth access + refresh


@pytest.mark.parametrize(
    "path",
    [
        "/zoom-accounts/",
        "/zoom-accounts/{s2s}/",
        "/zoom-accounts/{s2s}/edit/",
        "/zoom-accounts/{oauth}/edit/",
    ],
)
def test_pages_show_secrets_masked_only(staff_client, credentials, path):
    s2s, oauth = credentials
    page = staff_client.get(path.format(s2s=s2s.pk, oauth=oauth.pk)).content.decode()
    _assert_no_secret(page)
    if "edit" in path and path.startswith("/zoom-accounts/{s2s}"):
        assert "••••" + S2S_SECRET[-4:] in page and "Leave blank to keep it" in page


@pytest.mark.parametrize(
    "path",
    [
        "/admin/accounts/credential/",
        "/admin/accounts/credential/{s2s}/change/",
        "/admin/accounts/credential/{oauth}/change/",
        "/admin/accounts/credential/add/",
        "/admin/accounts/credential/{s2s}/history/",
    ],
)
def test_the_admin_shows_secrets_masked_only(admin_client, credentials, path):
    s2s, oauth = credentials
    response = admin_client.get(path.format(s2s=s2s.pk, oauth=oauth.pk))
    assert response.status_code == 200
    page = response.content.decode()
    _assert_no_secret(page)
    assert "gAAAA" not in page  # nor the ciphertext
    if "change" in path and str(s2s.pk) in path:
        assert "••••" + S2S_SECRET[-4:] in page


def test_saving_in_the_admin_with_blank_secrets_keeps_them(admin_client, credentials):
    s2s, _ = credentials
    response = admin_client.post(
        f"/admin/accounts/credential/{s2s.pk}/change/",
        {
            "name": "Renamed in admin",
            "account_id": s2s.account_id,
            "client_id": s2s.client_id,
            "plan": "business",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    s2s.refresh_from_db()
    assert (s2s.name, s2s.plan, s2s.client_secret, s2s.webhook_secret_token) == (
        "Renamed in admin",
        "business",
        S2S_SECRET,
        WEBHOOK_SECRET,
    )


def test_the_admin_applies_the_seed_rules(admin_client, credentials):
    response = admin_client.post(
        "/admin/accounts/credential/add/",
        {
            "kind": "server_to_server",
            "name": "Short",
            "account_id": "Ab1",
            "client_id": "Tex0m1X",
            "client_secret": "short",
            "plan": "pro",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "at least 5 characters" in page and "at least 10 characters" in page


def test_logs_and_errors_never_carry_a_secret(zoom, oauth_app, credentials, caplog, capsys):
    s2s, oauth = credentials
    caplog.set_level(logging.DEBUG)
    zoom.rotate_s2s_secret()  # invalid_client
    zoom.add_oauth_app()  # which holds no grant of the stored tokens: invalid_grant
    result = credential_check(credential=s2s)
    with pytest.raises(CommandError):
        call_command("check_credential", s2s.name)

    oauth.token_expires_at = None
    oauth.access_token = None
    oauth.save()
    oauth_result = credential_check(credential=oauth)

    zoom.fail("/oauth/revoke", status=500, body={"reason": "boom"})
    credential_disconnect(credential=make_oauth(name="other@example.com", zoom_user_id="other"))

    captured = capsys.readouterr()
    texts = [caplog.text, result.summary, oauth_result.summary, captured.out, captured.err]
    texts += [record.getMessage() for record in caplog.records]
    texts += [str(record.args) for record in caplog.records]
    for text in texts:
        _assert_no_secret(text)
    # What reached Zoom, as its request log shows it, names no secret either.
    _assert_no_secret(json.dumps(zoom.control.requests(limit=1000)))


def test_adding_in_the_admin_goes_through_the_service(admin_client):
    response = admin_client.post(
        "/admin/accounts/credential/add/",
        {
            "kind": "server_to_server",
            "name": "Added in admin",
            "account_id": "Ab1CdEf2GhIjKlMnO",
            "client_id": "Tex0m1WATNWdFfnbBmwjSg",
            "client_secret": S2S_SECRET,
            "plan": "pro",
        },
    )
    assert response.status_code == 302
    from accounts.models import Credential

    credential = Credential.objects.get(name="Added in admin")
    assert credential.client_secret == S2S_SECRET and credential.access_token is None
    page = admin_client.get("/admin/accounts/credential/").content.decode()
    assert "Added in admin" in page
    _assert_no_secret(page)
