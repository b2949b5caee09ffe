"""User OAuth tokens: refreshed once under the row lock, the rotated refresh token never lost."""

import json
import threading

import pytest
from django.db import connection

from accounts.models import Credential
from accounts.services import credential_client
from tests.accounts.conftest import RotatingRefreshTokens, api, fixture, make_oauth, oauth_url
from zoomhub.zoom.errors import ZoomReauthorizationRequired

THREADS = 8


def _users_me(refresher: RotatingRefreshTokens):
    """GET /users/me that accepts only an access token the token endpoint issued."""

    def answer(request):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in refresher.valid_access_tokens:
            return 401, {}, json.dumps({"code": 124, "message": "Invalid access token."})
        return 200, {}, json.dumps(fixture("users_me__oauth_user"))

    return answer


@pytest.mark.django_db(transaction=True)
def test_eight_workers_on_one_expired_credential_refresh_exactly_once(zoom, oauth_app):
    credential = make_oauth(expired=True)
    refresher = RotatingRefreshTokens(current="refresh-token-0000-original")
    zoom.add_callback("POST", oauth_url("/token"), callback=refresher)
    zoom.add_callback("GET", api("/users/me"), callback=_users_me(refresher))

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
    assert refresher.refreshes == 1
    credential.refresh_from_db()
    assert credential.refresh_token == refresher.current == "refresh-token-0001-rotated"
    assert credential.access_token == "access-token-0001-refreshed"
    assert credential.status == "active"


@pytest.mark.django_db(transaction=True)
def test_a_401_on_a_fresh_token_refreshes_once_and_keeps_the_new_pair(zoom, oauth_app):
    credential = make_oauth(expired=False)  # Zoom says its token is dead before its expiry
    refresher = RotatingRefreshTokens(current="refresh-token-0000-original")
    zoom.add_callback("POST", oauth_url("/token"), callback=refresher)
    zoom.add_callback("GET", api("/users/me"), callback=_users_me(refresher))

    client = credential_client(credential=credential)
    assert client.get("/users/me")["email"] == "jchill@example.com"
    assert client.get("/users/me")["email"] == "jchill@example.com"

    assert refresher.refreshes == 1
    credential.refresh_from_db()
    assert credential.refresh_token == "refresh-token-0001-rotated"


@pytest.mark.django_db
def test_invalid_grant_marks_the_credential_reconnect_needed(zoom, oauth_app):
    credential = make_oauth(expired=True)
    zoom.add("POST", oauth_url("/token"), status=400, json={"error": "invalid_grant"})

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
    assert len(zoom.calls) == 1
