"""Zoom's error answers become typed errors that say what to do, and never carry a secret."""

import logging
import pickle

import pytest
import requests
import responses

from zoomhub.zoom import oauth
from zoomhub.zoom.errors import (
    ZoomAuthError,
    ZoomBadRequest,
    ZoomConnectionError,
    ZoomError,
    ZoomNotFound,
    ZoomPermissionError,
    ZoomReauthorizationRequired,
    ZoomServerError,
)

from .conftest import API, CLIENT_ID, CLIENT_SECRET, TOKEN_URL, add_token_answers, fixture

ACCESS_TOKEN = "eyJhbGciOiJIUzUxMiJ9.access-token-never-shown-4f3e2d1c"
DOWNLOAD_TOKEN = "eyJ0eXAiOiJKV1QiLCJkb3dubG9hZCI6dHJ1ZX0.download-token-never-shown"
REFRESH_TOKEN = "eyJhbGciOiJIUzUxMiJ9.refresh-token-never-shown-9a8b7c"


@pytest.fixture
def client(zoom, make_client):
    add_token_answers(zoom, ACCESS_TOKEN, ACCESS_TOKEN)
    return make_client()


@pytest.mark.parametrize(
    ("status", "name", "scopes"),
    [
        (400, "error__missing_scopes", ["user:read:list_users:admin"]),
        (
            400,
            "error__missing_scopes_several",
            ["cloud_recording:read:list_user_recordings", "cloud_recording:read:list_user_recordings:admin"],
        ),
        (
            401,
            "error__missing_scopes_spaced",
            ["user:write:admin", "user:read:admin", "user:read", "user:write"],
        ),
    ],
)
def test_a_missing_scope_is_a_permission_error_naming_the_scopes(zoom, client, status, name, scopes):
    zoom.add(responses.GET, f"{API}/users", status=status, json=fixture(name))
    with pytest.raises(ZoomPermissionError) as caught:
        client.get("/users")
    assert caught.value.missing_scopes == scopes
    assert caught.value.transient is False
    # Not an expired token: no token refresh, no retry.
    assert len([c for c in zoom.calls if c.request.url.startswith(API)]) == 1


@pytest.mark.parametrize(
    ("status", "name", "kind", "code"),
    [
        (404, "error__meeting_not_found", ZoomNotFound, 3001),
        (404, "error__user_not_found", ZoomNotFound, 1001),
        (400, "error__validation_failed", ZoomBadRequest, 300),
    ],
)
def test_zoom_errors_keep_status_code_and_message(zoom, client, status, name, kind, code):
    zoom.add(responses.GET, f"{API}/meetings/85746065432", status=status, json=fixture(name))
    with pytest.raises(kind) as caught:
        client.get("/meetings/85746065432")
    error = caught.value
    assert (error.status, error.code, error.transient) == (status, code, False)
    assert fixture(name)["message"] in error.message
    assert str(error).startswith(f"HTTP {status}, Zoom code {code}: ")


def test_validation_errors_name_the_field(zoom, client):
    zoom.add(
        responses.PATCH, f"{API}/meetings/85746065432", status=400, json=fixture("error__validation_failed")
    )
    with pytest.raises(ZoomBadRequest) as caught:
        client.patch("/meetings/85746065432", json={"start_time": "tomorrow"})
    assert caught.value.message == "Validation Failed. (start_time: Invalid field.)"


def test_errors_survive_pickling_for_celery(zoom, client):
    zoom.add(responses.GET, f"{API}/users", status=400, json=fixture("error__missing_scopes"))
    with pytest.raises(ZoomPermissionError) as caught:
        client.get("/users")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.status, copy.code, copy.missing_scopes, str(copy)) == (
        400,
        4711,
        ["user:read:list_users:admin"],
        str(caught.value),
    )


def _everything_said(caplog, error: BaseException) -> str:
    parts = [str(error), repr(error), *(r.getMessage() for r in caplog.records)]
    parts += [str(a) for r in caplog.records for a in (r.args or ())]
    return "\n".join(parts)


def test_no_secret_in_errors_or_logs_when_the_token_endpoint_refuses(zoom, caplog, s2s_tokens):
    caplog.set_level(logging.DEBUG)
    zoom.add(responses.POST, TOKEN_URL, status=400, json=fixture("oauth_token__invalid_client"))
    with pytest.raises(ZoomAuthError) as caught:
        s2s_tokens.get_token()
    said = _everything_said(caplog, caught.value)
    assert "Invalid client_id or client_secret" in said
    assert CLIENT_SECRET not in said


def test_no_token_in_errors_or_logs_when_zoom_echoes_it(zoom, client, caplog):
    caplog.set_level(logging.DEBUG)
    zoom.add(
        responses.GET,
        f"{API}/users/me",
        status=400,
        json={"code": 300, "message": f"Invalid header Bearer {ACCESS_TOKEN}"},
    )
    with pytest.raises(ZoomBadRequest) as caught:
        client.get("/users/me")
    said = _everything_said(caplog, caught.value)
    assert "Invalid header Bearer [redacted]" in said
    assert ACCESS_TOKEN not in said
    assert CLIENT_SECRET not in said


def test_no_token_in_errors_or_logs_after_retried_failures(zoom, client, caplog):
    caplog.set_level(logging.DEBUG)
    # requests puts the full URL (with ?access_token=) into its exception text.
    url = f"https://zoom.us/rec/download/abc?access_token={DOWNLOAD_TOKEN}"
    zoom.add(
        responses.GET,
        "https://zoom.us/rec/download/abc",
        body=requests.ReadTimeout(
            f"HTTPSConnectionPool(host='zoom.us', port=443): Read timed out. (url={url})"
        ),
    )
    zoom.add(responses.GET, f"{API}/users/me", status=503)
    with pytest.raises(ZoomConnectionError) as download_error:
        client.download(url.split("?")[0], write=lambda b: None, access_token=DOWNLOAD_TOKEN)
    with pytest.raises(ZoomServerError) as api_error:
        client.get("/users/me")
    said = _everything_said(caplog, download_error.value) + _everything_said(caplog, api_error.value)
    assert "WARNING" in {r.levelname for r in caplog.records}
    for secret in (DOWNLOAD_TOKEN, ACCESS_TOKEN, CLIENT_SECRET):
        assert secret not in said


@pytest.mark.parametrize("status", [400, 401])
@pytest.mark.parametrize("name", ["oauth_token__invalid_grant", "oauth_token__invalid_grant_no_reason"])
def test_a_dead_refresh_token_means_reconnect_needed(zoom, caplog, status, name):
    caplog.set_level(logging.DEBUG)
    zoom.add(responses.POST, TOKEN_URL, status=status, json=fixture(name))
    with pytest.raises(ZoomReauthorizationRequired) as caught:
        oauth.refresh_access_token(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=REFRESH_TOKEN
        )
    assert isinstance(caught.value, ZoomAuthError)
    assert caught.value.transient is False
    said = _everything_said(caplog, caught.value)
    assert REFRESH_TOKEN not in said
    assert CLIENT_SECRET not in said


def test_a_lost_refresh_answer_says_the_refresh_may_have_happened(zoom):
    zoom.add(responses.POST, TOKEN_URL, body=requests.ReadTimeout("Read timed out."))
    with pytest.raises(ZoomConnectionError) as caught:
        oauth.refresh_access_token(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=REFRESH_TOKEN
        )
    assert caught.value.request_may_have_succeeded is True
    assert caught.value.transient is True


def test_every_error_is_a_zoom_error():
    for kind in (ZoomAuthError, ZoomNotFound, ZoomBadRequest, ZoomPermissionError, ZoomServerError):
        assert issubclass(kind, ZoomError)
