"""User OAuth tokens: refreshed once under the row lock, the rotated refresh token never lost."""

import threading

import pytest
from django.db import connection

from accounts.models import Credential
from accounts.services import credential_client
from tests.accounts.conftest import fixture, make_oauth
from zoomhub.zoom.errors import ZoomReauthorizationRequired

THREADS = 8
ME = fixture("users_me__oauth_user")["id"]


@pytest.fixture
def zoom(zoom, oauth_app):
    """Zoom holds Jill's grant of the OAuth app: the credential's stored pair; every refresh
    rotates the refresh token and a used one is refused with invalid_grant."""
    zoom.add_oauth_app()
    return zoom


@pytest.mark.django_db(transaction=True)
def test_eight_workers_on_one_expired_credential_refresh_exactly_once(zoom, oauth_app):
    credential = make_oauth(expired=True)
    zoom.grant_oauth(credential)

    # Every worker holds the credential as loaded before anyone refreshed: the stale view a
    # Celery worker has. Without re-reading the row under the lock each would spend the same
    # refresh token, and Zoom would refuse all but the first.
    stale_rows = [Credential.objects.get(pk=credential.pk) for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    emails, errors = [], []

    def worker(row):
        try:
            client = credential_client(credential=row)
            start.wait()
            emails.append(client.get("/users/me")["email"])
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(row,)) for row in stale_rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert emails == ["jchill@example.com"] * THREADS
    assert len(zoom.token_answers()) == 1  # refreshed once
    credential.refresh_from_db()
    live_access, live_refresh = zoom.live_tokens(ME)
    assert [
        credential.refresh_token
    ] == live_refresh and credential.refresh_token != "refresh-token-0000-original"
    assert credential.access_token in live_access and credential.access_token != "access-token-0000-original"
    assert credential.status == "active"


@pytest.mark.django_db(transaction=True)
def test_a_401_on_a_fresh_token_refreshes_once_and_keeps_the_new_pair(zoom, oauth_app):
    credential = make_oauth(expired=False)  # Zoom says its token is dead before its expiry
    zoom.grant_oauth(credential, expires_in=60)
    zoom.control.clock(advance_seconds=120)

    client = credential_client(credential=credential)
    assert client.get("/users/me")["email"] == "jchill@example.com"
    assert client.get("/users/me")["email"] == "jchill@example.com"

    assert len(zoom.token_answers()) == 1
    credential.refresh_from_db()
    assert [credential.refresh_token] == zoom.live_tokens(ME)[1]
    assert credential.refresh_token != "refresh-token-0000-original"


@pytest.mark.django_db
def test_invalid_grant_marks_the_credential_reconnect_needed(zoom, oauth_app):
    credential = make_oauth(expired=True)  # whose grant Zoom no longer knows: invalid_grant

    with pytest.raises(ZoomReauthorizationRequired) as raised:
        credential_client(credential=credential).get("/users/me")

    assert "refresh-token-0000-original" not in str(raised.value)
    credential.refresh_from_db()
    assert credential.status == "reconnect_needed"
    assert "reconnect" in credential.last_error.lower()
    # The refresh token is kept: the row is history, and a reconnect replaces it.
    assert credential.refresh_token == "refresh-token-0000-original"

    # Later calls do not hammer Zoom with the dead token.
    with pytest.raises(ZoomReauthorizationRequired):
        credential_client(credential=Credential.objects.get(pk=credential.pk)).get("/users/me")
    assert len(zoom.control.requests()) == 1
