"""Seed 000, the trial-lesson bot (Server-to-Server OAuth, `createMeeting` / `deleteMeeting`).

Its keys come from ZOOM_ACCOUNT_ID / ZOOM_CLIENT_ID / ZOOM_CLIENT_SECRET; its create body is sent
verbatim to ZoomHub's lessons endpoint (the bot's `users/me` becomes the account's default host),
and the answer carries what the bot reads: id, join_url, start_url, password, start_time. Every
setting it sends reaches Zoom (the sandbox), and the Zoom token is asked for once.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from accounts.services import credential_set_default_host
from api.models import ApiToken
from api.services import api_token_create
from meetings.models import Meeting
from meetings.outbox import meeting_push
from tests.seeds.conftest import (
    ACCOUNT_ID,
    CLIENT_ID,
    TEACHER,
    bearer,
    env_settings,
    make_zoom_app,
    post_json,
)

pytestmark = pytest.mark.django_db

TOKEN_REQUESTS = "POST /oauth/token"


def seed_start_time(hours: int = 2) -> str:
    """The bot's `new Date(Date.now() + 2h).toISOString()` as toZoomStartTime writes it."""
    moment = (timezone.now() + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed_create_body(start_time: str) -> dict:
    # createMeeting's body, as the bot sends it to POST {ZOOM_API_BASE}/users/me/meetings.
    return {
        "topic": "TEST - All In Academy",
        "type": 2,
        "start_time": start_time,
        "duration": 60,
        "timezone": "Europe/Tallinn",
        "settings": {
            "host_video": True,
            "participant_video": True,
            "join_before_host": False,
            "waiting_room": False,
            "auto_recording": "none",
        },
    }


def zoom_meeting(school, zoom_meeting_id: int):
    return school.zoom.sandbox.state.meetings.get(zoom_meeting_id)


def test_the_environment_connects_the_bot_s_app_once_and_checks_it(school, client):
    credential = school.credential
    assert (credential.kind, credential.status, credential.last_error) == ("server_to_server", "active", "")
    assert credential.client_secret == "AbCdEfGhIjKlMnOpQrSt"  # stored encrypted, read back
    assert credential.last_checked_at is not None and credential.missing_scopes == []
    shown = client.get(f"/api/v1/credentials/{credential.pk}", **bearer(school.token)).json()
    assert (shown["status"], shown["missing_capabilities"]) == ("active", {})

    call_command("zoom_credential_from_env")  # the next start: nothing new

    assert Credential.objects.filter(account_id=ACCOUNT_ID, client_id=CLIENT_ID).count() == 1


def test_the_bot_s_create_body_books_a_lesson_and_answers_what_the_bot_reads(school, client):
    start_time = seed_start_time()

    response = post_json(client, "/api/v1/meetings", seed_create_body(start_time), **bearer(school.token))

    assert response.status_code == 201, response.content
    body = response.json()
    # return { id, join_url, start_url, password, start_time } — each one present.
    assert body["start_time"] == start_time
    assert body["join_url"].startswith(school.zoom.url + "/j/")
    assert body["start_url"].startswith(school.zoom.url + "/s/")
    assert body["password"] and body["password"] == body["passcode"]
    lesson = Meeting.objects.get(pk=body["id"])
    # `users/me`: the account's only licensed user hosts it.
    assert lesson.host.zoom_id == TEACHER["id"]
    created = zoom_meeting(school, lesson.zoom_meeting_id)
    assert created.host_id == TEACHER["id"]
    assert created.settings["host_video"] is True
    assert created.settings["participant_video"] is True
    assert created.settings["join_before_host"] is False
    assert created.settings["waiting_room"] is False
    assert created.settings["auto_recording"] == "none"
    assert created.timezone == "Europe/Tallinn" and created.duration == 60
    assert created.start_time.strftime("%Y-%m-%dT%H:%M:%SZ") == start_time


def test_the_bot_s_delete_removes_the_zoom_meeting(school, client):
    created = post_json(
        client, "/api/v1/meetings", seed_create_body(seed_start_time()), **bearer(school.token)
    )
    lesson_id = created.json()["id"]
    zoom_id = Meeting.objects.get(pk=lesson_id).zoom_meeting_id

    # deleteMeeting(meeting.id.toString()): the id the create answered.
    response = client.delete(f"/api/v1/meetings/{lesson_id}", **bearer(school.token))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "canceled"
    assert meeting_push(meeting_id=lesson_id).outcome == "synced"  # what the queued push does
    assert zoom_meeting(school, zoom_id) is None  # Zoom answers 3001 for it now


def test_each_setting_can_be_overridden_per_lesson_and_reaches_zoom(school, client):
    body = seed_create_body(seed_start_time(hours=5))
    body["settings"] = {
        "host_video": False,
        "participant_video": False,
        "join_before_host": True,
        "waiting_room": True,
        "auto_recording": "local",
    }

    response = post_json(client, "/api/v1/meetings", body, **bearer(school.token))

    assert response.status_code == 201, response.content
    assert response.json()["settings"]["auto_recording"] == "local"
    lesson = Meeting.objects.get(pk=response.json()["id"])
    settings = zoom_meeting(school, lesson.zoom_meeting_id).settings
    assert (settings["host_video"], settings["participant_video"]) == (False, False)
    assert (settings["join_before_host"], settings["waiting_room"], settings["auto_recording"]) == (
        True,
        True,
        "local",
    )

    # A later change of one setting keeps the others, and Zoom gets it.
    patched = client.patch(
        f"/api/v1/meetings/{lesson.pk}",
        '{"settings": {"auto_recording": "cloud"}}',
        content_type="application/json",
        **bearer(school.token),
    )
    assert patched.status_code == 200, patched.content
    assert meeting_push(meeting_id=lesson.pk).outcome == "synced"
    settings = zoom_meeting(school, lesson.zoom_meeting_id).settings
    assert (settings["auto_recording"], settings["waiting_room"], settings["host_video"]) == (
        "cloud",
        True,
        False,
    )


def test_me_and_the_account_s_chosen_default_host(school, client):
    desk = ZoomUser.objects.get(credential=school.credential, zoom_id="assistantZoom01")
    body = seed_create_body(seed_start_time(hours=8))
    body["host"] = "me"

    assert post_json(client, "/api/v1/meetings", body, **bearer(school.token)).status_code == 201
    assert Meeting.objects.latest("pk").host.zoom_id == TEACHER["id"]

    credential_set_default_host(credential=school.credential, host=desk)
    body["start_time"] = seed_start_time(hours=10)
    assert post_json(client, "/api/v1/meetings", body, **bearer(school.token)).status_code == 201
    assert Meeting.objects.latest("pk").host == desk


def test_with_several_licensed_users_and_no_choice_me_is_zoom_s_own_me(school, client):
    school.zoom.control.add_user(
        id="secondTeacher1", account_id=ACCOUNT_ID, email="second@allinacademy.example", type=2
    )
    ZoomUser.objects.create(
        credential=school.credential,
        zoom_id="secondTeacher1",
        email="second@allinacademy.example",
        user_type=2,
    )

    response = post_json(
        client, "/api/v1/meetings", seed_create_body(seed_start_time()), **bearer(school.token)
    )

    assert response.status_code == 201, response.content
    # GET /users/me of an S2S app answers the account's owner.
    assert Meeting.objects.get(pk=response.json()["id"]).host.email == TEACHER["email"]


def test_one_token_request_serves_the_check_and_every_call(school, client):
    for hours in (2, 4, 6):
        created = post_json(
            client, "/api/v1/meetings", seed_create_body(seed_start_time(hours)), **bearer(school.token)
        )
        assert created.status_code == 201
    client.delete(f"/api/v1/meetings/{created.json()['id']}", **bearer(school.token))
    meeting_push(meeting_id=created.json()["id"])

    # The bot asked for a token per process start and cached it 50 minutes; ZoomHub asked once.
    assert school.calls(TOKEN_REQUESTS) == 1
    assert school.calls("POST /v2/users/{userId}/meetings") == 3


def test_a_read_token_never_gets_the_start_url(school, client, staff_user):
    created = post_json(
        client, "/api/v1/meetings", seed_create_body(seed_start_time()), **bearer(school.token)
    )
    _row, reader = api_token_create(user=staff_user, name="reader", scope=ApiToken.Scope.READ)

    seen = client.get(f"/api/v1/meetings/{created.json()['id']}", **bearer(reader)).json()

    assert seen["join_url"] == created.json()["join_url"] and seen["password"] == created.json()["password"]
    assert seen["start_url"] is None


def test_a_wrong_secret_in_the_environment_is_a_clear_message_and_an_invalid_account(
    zoom_sandbox, settings, capsys
):
    env_settings(settings, zoom_sandbox)
    make_zoom_app(zoom_sandbox)
    settings.ZOOM_CLIENT_SECRET = "WrongSecretWrongSecret"

    with pytest.raises(CommandError, match="not usable"):
        call_command("zoom_credential_from_env")
    out = capsys.readouterr().out
    assert "invalid" in out and "Invalid client_id or client_secret" in out

    credential = Credential.objects.get(account_id=ACCOUNT_ID)
    assert credential.status == "invalid" and "Invalid client_id or client_secret" in credential.last_error
    # At start the same failure is reported without stopping the app.
    call_command("zoom_credential_from_env", "--at-start")
    # The right secret makes it active again.
    settings.ZOOM_CLIENT_SECRET = "AbCdEfGhIjKlMnOpQrSt"
    call_command("zoom_credential_from_env")
    assert Credential.objects.get(pk=credential.pk).status == "active"


def test_a_too_short_or_missing_value_stores_nothing(zoom_sandbox, settings, capsys):
    env_settings(settings, zoom_sandbox)
    settings.ZOOM_CLIENT_SECRET = "short"
    call_command("zoom_credential_from_env", "--at-start")
    assert "ZOOM_CLIENT_SECRET" in capsys.readouterr().out
    settings.ZOOM_CLIENT_SECRET = ""
    with pytest.raises(CommandError):
        call_command("zoom_credential_from_env")
    assert "ZOOM_CLIENT_SECRET not set" in capsys.readouterr().out
    assert not Credential.objects.exists()


def test_without_the_variables_the_command_does_nothing(settings, capsys):
    settings.ZOOM_ACCOUNT_ID = settings.ZOOM_CLIENT_ID = settings.ZOOM_CLIENT_SECRET = ""
    call_command("zoom_credential_from_env")
    assert "not set" in capsys.readouterr().out
    assert not Credential.objects.exists()
