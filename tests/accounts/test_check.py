"""Test connection: a token, one light call, the granted scopes compared with what ZoomHub needs."""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from responses import matchers

from accounts.models import Credential
from accounts.scopes import missing_scopes
from accounts.services import credential_check
from tests.accounts.conftest import (
    OAUTH_ALL_SCOPES,
    S2S_ALL_SCOPES,
    api,
    fixture,
    make_oauth,
    make_s2s,
    oauth_url,
    token_answer,
)

pytestmark = pytest.mark.django_db


def _s2s_token(zoom, scope=S2S_ALL_SCOPES, status=200, body=None):
    zoom.add(
        "POST",
        oauth_url("/token"),
        json=body if body is not None else token_answer(access_token="s2s-access-token-abcdef", scope=scope),
        status=status,
    )


def test_a_working_app_with_every_scope_is_active(zoom):
    credential = make_s2s(status=Credential.Status.INVALID, last_error="old failure")
    _s2s_token(zoom)
    zoom.add("GET", api("/users/me"), json=fixture("users_me__oauth_user"))

    result = credential_check(credential=credential)

    assert result.ok and result.missing_scopes == []
    assert "jchill@example.com" in result.message
    credential.refresh_from_db()
    assert credential.status == "active" and credential.last_error == "" and credential.last_checked_at
    assert credential.missing_scopes == []
    assert set(credential.scope.split()) == set(S2S_ALL_SCOPES.split())


def test_each_missing_scope_is_named(zoom):
    granted = S2S_ALL_SCOPES.replace("meeting:delete:meeting:admin", "").replace(
        "user:read:list_users:admin", ""
    )
    credential = make_s2s()
    _s2s_token(zoom, scope=granted)
    zoom.add("GET", api("/users/me"), json=fixture("users_me__oauth_user"))

    result = credential_check(credential=credential)

    assert not result.ok
    assert result.missing_scopes == ["meeting:delete:meeting:admin", "user:read:list_users:admin"]
    assert "meeting:delete:meeting:admin (cancel lessons)" in result.summary
    credential.refresh_from_db()
    assert credential.status == "active"  # it works, only partly: shown as a warning
    assert credential.missing_scopes == ["meeting:delete:meeting:admin", "user:read:list_users:admin"]


def test_classic_scopes_cover_the_granular_ones():
    classic_s2s = {"meeting:write:admin", "recording:read:admin", "report:read:admin", "user:read:admin"}
    assert missing_scopes(granted=classic_s2s, kind="server_to_server") == []
    classic_oauth = {"meeting:write", "recording:read", "user:read"}
    assert missing_scopes(granted=classic_oauth, kind="oauth") == []
    assert missing_scopes(
        granted={"meeting:read:admin", "recording:read:admin", "user:read:admin"}, kind="server_to_server"
    ) == [
        "meeting:write:meeting:admin",
        "meeting:update:meeting:admin",
        "meeting:delete:meeting:admin",
        "report:read:list_meeting_participants:admin",
    ]


def test_oauth_apps_need_the_plain_forms_and_master_accounts_the_master_recordings_scope():
    assert missing_scopes(granted=set(OAUTH_ALL_SCOPES.split()), kind="oauth") == []
    assert "user:read:user" in missing_scopes(granted=set(), kind="oauth")
    assert missing_scopes(
        granted=set(S2S_ALL_SCOPES.split()), kind="server_to_server", is_master_account=True
    ) == ["cloud_recording:read:list_user_recordings:master"]


def test_wrong_keys_make_the_credential_invalid_with_zoom_s_reason(zoom):
    credential = make_s2s()
    _s2s_token(
        zoom, status=401, body={"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
    )

    result = credential_check(credential=credential)

    assert not result.ok and result.status == "invalid"
    credential.refresh_from_db()
    assert credential.status == "invalid"
    assert "Invalid client_id or client_secret" in credential.last_error


def test_zoom_being_down_leaves_the_status_alone(zoom):
    credential = make_s2s()
    _s2s_token(zoom)
    zoom.add("GET", api("/users/me"), status=503, json={"code": 503, "message": "Service unavailable"})

    result = credential_check(credential=credential)

    assert not result.ok and "try again later" in result.message
    credential.refresh_from_db()
    assert credential.status == "active" and credential.last_checked_at


def test_a_dead_oauth_grant_needs_reconnecting(zoom):
    credential = make_oauth(expired=True)
    zoom.add(
        "POST", oauth_url("/token"), status=400, json={"reason": "Invalid Token!", "error": "invalid_grant"}
    )

    result = credential_check(credential=credential)

    assert result.status == "reconnect_needed"
    credential.refresh_from_db()
    assert credential.status == "reconnect_needed"
    assert "reconnect" in credential.last_error.lower()


def test_the_page_button_shows_the_result_and_never_500s(staff_client, zoom):
    credential = make_s2s()
    _s2s_token(zoom, status=500, body={"reason": "boom"})
    response = staff_client.post(f"/zoom-accounts/{credential.pk}/test/", follow=True)
    assert response.status_code == 200
    assert "try again later" in response.content.decode()

    zoom.reset()
    _s2s_token(
        zoom, status=401, body={"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
    )
    cache.clear()
    response = staff_client.post(f"/zoom-accounts/{credential.pk}/test/", follow=True)
    assert "Invalid client_id or client_secret" in response.content.decode()


def test_check_credential_command_prints_the_result_and_exits_1_on_failure(zoom, capsys):
    credential = make_s2s()
    _s2s_token(zoom)
    zoom.add("GET", api("/users/me"), json=fixture("users_me__oauth_user"))
    call_command("check_credential", str(credential.pk))
    out = capsys.readouterr().out
    assert "School main" in out and "active" in out and "Connected to Zoom as jchill@example.com" in out

    broken = make_s2s(name="Broken app", account_id="OtherAccount9")
    zoom.add(
        "POST",
        oauth_url("/token"),
        status=401,
        body=json.dumps({"reason": "Invalid client_id or client_secret", "error": "invalid_client"}),
        match=[matchers.query_param_matcher({"account_id": "OtherAccount9"}, strict_match=False)],
    )
    with pytest.raises(CommandError) as raised:
        call_command("check_credential", "Broken app")
    assert raised.value.returncode == 1
    assert "invalid" in capsys.readouterr().out
    assert broken.pk


def test_check_credential_command_names_unknown_credentials():
    with pytest.raises(CommandError, match="No Zoom account has the id or name “nope”"):
        call_command("check_credential", "nope")


def test_a_scope_added_in_zoom_shows_at_the_next_check_despite_the_shared_token_cache(zoom):
    credential = make_s2s()
    _s2s_token(zoom, scope="user:read:user:admin")
    zoom.add("GET", api("/users/me"), json=fixture("users_me__oauth_user"))
    assert not credential_check(credential=credential).ok

    _s2s_token(zoom)  # staff added the scopes in the Marketplace
    assert credential_check(credential=credential).ok
    credential.refresh_from_db()
    assert credential.missing_scopes == []


def test_zoom_refusing_for_a_missing_scope_names_it_and_keeps_the_status(zoom):
    credential = make_s2s()
    _s2s_token(zoom, scope="meeting:write:meeting:admin")
    zoom.add(
        "GET",
        api("/users/me"),
        status=400,
        json={
            "code": 4711,
            "message": "Invalid access token, does not contain scopes:[user:read:user:admin].",
        },
    )
    result = credential_check(credential=credential)
    assert not result.ok and result.missing_scopes == ["user:read:user:admin"]
    credential.refresh_from_db()
    assert credential.status == "active" and credential.missing_scopes == ["user:read:user:admin"]
