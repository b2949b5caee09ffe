"""Test connection: a token, one light call, the granted scopes compared with what ZoomHub needs."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from accounts.scopes import missing_by_capability, missing_scopes
from accounts.services import credential_check
from accounts.services.checks import capabilities_in_use
from meetings.models import Meeting
from tests.accounts.conftest import (
    OAUTH_ALL_SCOPES,
    S2S_ALL_SCOPES,
    TOKEN_PATH,
    make_oauth,
    make_s2s,
)

pytestmark = pytest.mark.django_db


def test_a_working_app_with_every_scope_is_active(zoom):
    credential = make_s2s(status=Credential.Status.INVALID, last_error="old failure")

    result = credential_check(credential=credential)

    assert result.ok and result.missing_scopes == []
    assert "jchill@example.com" in result.message
    credential.refresh_from_db()
    assert credential.status == "active" and credential.last_error == "" and credential.last_checked_at
    assert credential.missing_scopes == []
    assert set(credential.scope.split()) == set(S2S_ALL_SCOPES.split())


def test_each_missing_scope_is_named_under_its_capability(zoom):
    granted = S2S_ALL_SCOPES.replace("meeting:delete:meeting:admin", "").replace(
        "user:read:list_users:admin", ""
    )
    credential = make_s2s()
    host = ZoomUser.objects.create(credential=credential, zoom_id="host-1", email="host@school.example")
    Credential.objects.filter(pk=credential.pk).update(default_host=host)  # used for lessons
    credential.refresh_from_db()
    zoom.grant_s2s(granted)

    result = credential_check(credential=credential)

    assert not result.ok
    assert result.missing_capabilities == {
        "users": ["user:read:list_users:admin"],
        "lessons": ["meeting:delete:meeting:admin"],
    }
    assert result.missing_scopes == ["user:read:list_users:admin", "meeting:delete:meeting:admin"]
    assert "lessons: meeting:delete:meeting:admin (cancel lessons)" in result.summary
    credential.refresh_from_db()
    assert credential.status == "active"  # it works, only partly: shown as a warning
    assert credential.missing_capabilities == result.missing_capabilities
    assert credential.missing_scopes == ["user:read:list_users:admin", "meeting:delete:meeting:admin"]


def test_only_the_capabilities_an_account_is_used_for_are_required(zoom):
    # A recordings-only app (the recordings service's guide): no meeting scopes at all.
    recordings_only = " ".join(
        [
            "cloud_recording:read:list_user_recordings",
            "cloud_recording:read:recording",
            "user:read:user",
            "user:read:list_users",
        ]
    )
    credential = make_s2s()
    zoom.grant_s2s(recordings_only)

    result = credential_check(credential=credential)

    assert result.ok, result.summary
    assert result.missing_scopes == [] and result.missing_capabilities == {}
    everything = missing_by_capability(granted=set(recordings_only.split()), kind="server_to_server")
    assert set(everything) == {"lessons", "attendance", "deleting_recordings", "webinars"}


def test_the_seeds_own_scope_names_satisfy_their_capabilities():
    # The trial-lesson bot's S2S app: `meeting:write:meeting` and `meeting:read:meeting`, plain names.
    bot = {"meeting:write:meeting", "meeting:read:meeting", "user:read:user", "user:read:list_users"}
    assert missing_by_capability(granted=bot, kind="server_to_server", capabilities=["users", "lessons"]) == {
        "lessons": ["meeting:update:meeting:admin", "meeting:delete:meeting:admin"]
    }
    # The recordings service's S2S app, and a master account's `:master` form.
    recorder = {"cloud_recording:read:list_user_recordings", "cloud_recording:read:recording"}
    assert missing_by_capability(granted=recorder, kind="server_to_server", capabilities=["recordings"]) == {}
    master = {
        "cloud_recording:read:list_user_recordings:master",
        "cloud_recording:read:list_recording_files:admin",
    }
    assert (
        missing_by_capability(
            granted=master, kind="server_to_server", is_master_account=True, capabilities=["recordings"]
        )
        == {}
    )
    # Integrato's classic scopes (seed 003) cover everything, deleting recordings and webinars included.
    integrato = {
        "meeting:write:admin",
        "recording:write:admin",
        "report:read:admin",
        "user:read:admin",
        "webinar:read:admin",
        "webinar:write:admin",
        "report_webinars:read:admin",
    }
    assert missing_by_capability(granted=integrato, kind="server_to_server") == {}
    # Without its webinar scopes, only the webinars capability lacks something.
    assert set(
        missing_by_capability(
            granted=integrato - {"webinar:read:admin", "webinar:write:admin"}, kind="server_to_server"
        )
    ) == {"webinars"}


def test_an_account_hosting_a_webinar_needs_the_webinar_scopes(zoom):
    credential = make_s2s()
    host = ZoomUser.objects.create(credential=credential, zoom_id="host-1", email="host@school.example")
    assert "webinars" not in capabilities_in_use(credential)
    Meeting.objects.create(
        host=host,
        kind=Meeting.Kind.WEBINAR,
        topic="Open day",
        start_at=timezone.now() + dt.timedelta(days=1),
        duration=60,
    )
    assert "webinars" in capabilities_in_use(credential)
    zoom.grant_s2s(" ".join(s for s in S2S_ALL_SCOPES.split() if not s.startswith("webinar:")))

    result = credential_check(credential=credential)

    assert result.missing_capabilities["webinars"][0] == "webinar:write:webinar:admin"
    assert "webinars: webinar:write:webinar:admin (schedule webinars)" in result.summary


def test_classic_scopes_cover_the_granular_ones():
    used = ["users", "lessons", "attendance", "recordings"]
    classic_s2s = {"meeting:write:admin", "recording:read:admin", "report:read:admin", "user:read:admin"}
    assert missing_scopes(granted=classic_s2s, kind="server_to_server", capabilities=used) == []
    classic_oauth = {"meeting:write", "recording:read", "user:read"}
    assert missing_scopes(granted=classic_oauth, kind="oauth", capabilities=used) == []
    assert missing_scopes(
        granted={"meeting:read:admin", "recording:read:admin", "user:read:admin"},
        kind="server_to_server",
        capabilities=used,
    ) == [
        "meeting:write:meeting:admin",
        "meeting:update:meeting:admin",
        "meeting:delete:meeting:admin",
    ]


def test_oauth_apps_are_told_the_plain_forms_and_master_accounts_the_master_recordings_scope():
    used = ["users", "lessons", "attendance", "recordings"]
    assert missing_scopes(granted=set(OAUTH_ALL_SCOPES.split()), kind="oauth", capabilities=used) == []
    assert missing_by_capability(granted=set(), kind="oauth", capabilities=["users", "attendance"]) == {
        "users": ["user:read:user"],
        "attendance": ["meeting:read:list_past_participants", "meeting:read:list_past_instances"],
    }
    assert missing_by_capability(
        granted={"user:read:user:admin"},
        kind="server_to_server",
        is_master_account=True,
        capabilities=["recordings"],
    ) == {
        "recordings": [
            "cloud_recording:read:list_user_recordings:master",
            "cloud_recording:read:list_recording_files:admin",
        ]
    }


def test_wrong_keys_make_the_credential_invalid_with_zoom_s_reason(zoom):
    credential = make_s2s()
    zoom.rotate_s2s_secret()

    result = credential_check(credential=credential)

    assert not result.ok and result.status == "invalid"
    credential.refresh_from_db()
    assert credential.status == "invalid"
    assert "Invalid client_id or client_secret" in credential.last_error


def test_zoom_being_down_leaves_the_status_alone(zoom):
    credential = make_s2s()
    zoom.fail("/v2/users/me", status=503, body={"code": 503, "message": "Service unavailable"})

    result = credential_check(credential=credential)

    assert not result.ok and "try again later" in result.message
    credential.refresh_from_db()
    assert credential.status == "active" and credential.last_checked_at


def test_a_dead_oauth_grant_needs_reconnecting(zoom, oauth_app):
    zoom.add_oauth_app()  # which no longer knows the stored refresh token: invalid_grant
    credential = make_oauth(expired=True)

    result = credential_check(credential=credential)

    assert result.status == "reconnect_needed"
    credential.refresh_from_db()
    assert credential.status == "reconnect_needed"
    assert "reconnect" in credential.last_error.lower()


def test_the_page_button_shows_the_result_and_never_500s(staff_client, zoom):
    credential = make_s2s()
    zoom.fail(TOKEN_PATH, status=500, body={"reason": "boom"})
    response = staff_client.post(f"/zoom-accounts/{credential.pk}/test/", follow=True)
    assert response.status_code == 200
    assert "try again later" in response.content.decode()

    zoom.rotate_s2s_secret()
    cache.clear()
    response = staff_client.post(f"/zoom-accounts/{credential.pk}/test/", follow=True)
    assert "Invalid client_id or client_secret" in response.content.decode()


def test_check_credential_command_prints_the_result_and_exits_1_on_failure(zoom, capsys):
    credential = make_s2s()
    call_command("check_credential", str(credential.pk))
    out = capsys.readouterr().out
    assert "School main" in out and "active" in out and "Connected to Zoom as jchill@example.com" in out

    broken = make_s2s(name="Broken app", account_id="OtherAccount9")
    # Zoom refuses a token for an account the app does not belong to.
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
    zoom.grant_s2s("user:read:user:admin")
    assert not credential_check(credential=credential).ok

    zoom.grant_s2s()  # staff added the scopes in the Marketplace
    assert credential_check(credential=credential).ok
    credential.refresh_from_db()
    assert credential.missing_scopes == []


def test_zoom_refusing_for_a_missing_scope_names_it_and_keeps_the_status(zoom):
    credential = make_s2s()
    zoom.grant_s2s("meeting:write:meeting:admin")
    zoom.fail(  # Zoom's documented refusal, naming the one scope an S2S app would need
        "/v2/users/me",
        status=400,
        body={
            "code": 4711,
            "message": "Invalid access token, does not contain scopes:[user:read:user:admin].",
        },
    )
    result = credential_check(credential=credential)
    assert not result.ok and result.missing_scopes == ["user:read:user:admin"]
    credential.refresh_from_db()
    assert credential.status == "active" and credential.missing_scopes == ["user:read:user:admin"]


def test_the_apps_say_what_an_account_is_used_for():
    import datetime as dt

    from django.utils import timezone

    from accounts.services.checks import capabilities_in_use
    from meetings.models import Meeting
    from recordings.models import Source

    credential = make_s2s()
    assert capabilities_in_use(credential) == ["users"]

    Source.objects.create(name="school", credential=credential)
    assert capabilities_in_use(credential) == ["users", "recordings"]

    host = ZoomUser.objects.create(credential=credential, zoom_id="host-1", email="host@school.example")
    Meeting.objects.create(
        host=host, topic="Lesson", start_at=timezone.now() + dt.timedelta(days=1), duration=60
    )
    assert capabilities_in_use(credential) == ["users", "lessons", "attendance", "recordings"]
