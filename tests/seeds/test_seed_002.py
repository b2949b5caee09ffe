"""Seed 002, a Cal-style Zoom integration: its API routes, with their request and answer shapes,
against ZoomHub with the Zoom sandbox standing in for Zoom.

    GET  /api/zoom/auth            → a redirect to Zoom's consent page
    GET  /api/zoom/auth/callback   → code, state; a redirect to a success/error page
    POST /api/zoom/meetings        { topic, startTime, duration } → { meeting: ZoomMeeting }
    GET  /api/zoom/meetings        ?status, startDate, endDate → { meetings: ZoomMeeting[] }
    POST /api/zoom/webhook         Zoom's signed events (meeting.started, meeting.ended, …)

with ZoomMeeting's fields (id, userId, meetingId, topic, status, startTime, duration, joinUrl,
password, settings, recordingUrl, metadata, createdAt, updatedAt) and its status enum SCHEDULED,
STARTED, ENDED, CANCELED.
"""

import datetime as dt
import hashlib
import hmac
import json
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts import tasks as account_tasks
from accounts.models import Credential, ZoomUser
from meetings.models import Meeting
from tests.seeds.conftest import path_of, relay_to_django, zoom_consent
from webhooks.models import WebhookEvent
from webhooks.services import webhook_event_process

pytestmark = pytest.mark.django_db

OAUTH_ID, OAUTH_SECRET, WEBHOOK_SECRET = (
    "calOAuthClient01",
    "cal-oauth-client-secret-0123",
    "cal-webhook-secret",
)
ZOOM_MEETING_FIELDS = {
    "id",
    "userId",
    "meetingId",
    "topic",
    "status",
    "startTime",
    "duration",
    "joinUrl",
    "password",
    "settings",
    "recordingUrl",
    "metadata",
    "createdAt",
    "updatedAt",
}


@pytest.fixture
def cal_app(zoom_sandbox_settings, settings, monkeypatch):
    """The integration's Zoom OAuth app, its webhook subscription to ZoomHub, and a tutor."""
    settings.OAUTH_ZOOM_CLIENT_ID = OAUTH_ID
    settings.OAUTH_ZOOM_CLIENT_SECRET = OAUTH_SECRET
    settings.OAUTH_ZOOM_WEBHOOK_SECRET_TOKEN = WEBHOOK_SECRET
    control = zoom_sandbox_settings.control
    control.add_account(id="tutorAcct01", name="Tutor", plan="pro")
    control.add_user(id="tutorUser01", account_id="tutorAcct01", email="tutor@example.com", first_name="Tina")
    control.add_app(
        client_id=OAUTH_ID,
        client_secret=OAUTH_SECRET,
        kind="oauth",
        redirect_uris=["http://testserver/api/zoom/auth/callback"],
        webhook_secret=WEBHOOK_SECRET,
        webhook_urls=["http://testserver/api/zoom/webhook"],
    )
    # The connected user's Zoom users are read right after the callback (here in this process).
    monkeypatch.setattr(
        account_tasks.zoom_users_refresh_task,
        "delay",
        lambda **kwargs: account_tasks.zoom_users_refresh_task.apply(kwargs=kwargs),
    )
    return zoom_sandbox_settings


def connect(staff_browser, django_capture_on_commit_callbacks):
    """GET /api/zoom/auth, approve in Zoom, come back to /api/zoom/auth/callback."""
    started = staff_browser.get("/api/zoom/auth")
    assert started.status_code == 302, started.content
    back = zoom_consent(started["Location"], user_id="tutorUser01")
    assert back.startswith("http://testserver/api/zoom/auth/callback?code=")
    with django_capture_on_commit_callbacks(execute=True):
        finished = staff_browser.get(path_of(back))
    return started, finished


def test_auth_and_its_callback_connect_the_zoom_user(
    staff_browser, cal_app, django_capture_on_commit_callbacks
):
    started, finished = connect(staff_browser, django_capture_on_commit_callbacks)

    assert started["Location"].startswith(f"{cal_app.oauth_url}/authorize?")
    assert "redirect_uri=http%3A%2F%2Ftestserver%2Fapi%2Fzoom%2Fauth%2Fcallback" in started["Location"]
    assert finished.status_code == 302 and finished["Location"] == "/zoom-accounts/"
    credential = Credential.objects.get()
    assert credential.kind == Credential.Kind.OAUTH and credential.name == "tutor@example.com"
    assert ZoomUser.objects.get(credential=credential).zoom_id == "tutorUser01"


def test_a_callback_that_matches_no_started_flow_stores_nothing(staff_browser, cal_app):
    response = staff_browser.get("/api/zoom/auth/callback", {"code": "forged", "state": "someone-else"})

    assert response.status_code == 302 and response["Location"] == "/zoom-accounts/"
    assert not Credential.objects.exists()


@pytest.fixture
def connected(staff_browser, cal_app, django_capture_on_commit_callbacks):
    connect(staff_browser, django_capture_on_commit_callbacks)
    return cal_app


def _start_time(days: int) -> str:
    moment = (timezone.now() + dt.timedelta(days=days)).replace(hour=13, minute=0, second=0, microsecond=0)
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def test_post_meetings_creates_the_meeting_in_zoom_and_answers_meeting(seed_client, connected):
    body = {"topic": "Trial lesson", "startTime": _start_time(2), "duration": 60}

    response = seed_client.post("/api/zoom/meetings", body)

    assert response.status_code == 200, response.content
    meeting = response.json()["meeting"]
    assert set(meeting) == ZOOM_MEETING_FIELDS
    assert meeting["topic"] == "Trial lesson" and meeting["duration"] == 60
    assert meeting["startTime"] == body["startTime"] and meeting["status"] == "SCHEDULED"
    # Created in Zoom before the answer, as the integration did it: a join link and a passcode.
    zoom_meetings = list(connected.sandbox.state.meetings.values())
    assert [str(m.id) for m in zoom_meetings] == [meeting["meetingId"]]
    assert meeting["joinUrl"] == zoom_meetings[0].join_url
    assert meeting["password"] == zoom_meetings[0].password != ""
    assert meeting["recordingUrl"] is None
    lesson = Meeting.objects.get(pk=meeting["id"])
    assert lesson.host.email == "tutor@example.com" and lesson.push_state == Meeting.PushState.SYNCED


def test_a_start_without_offset_is_wall_clock_time_in_the_timezone(seed_client, connected):
    day = (timezone.now() + dt.timedelta(days=3)).date().isoformat()
    body = {"topic": "Local", "startTime": f"{day}T15:00:00", "duration": 45, "timezone": "Europe/Tallinn"}

    meeting = seed_client.post("/api/zoom/meetings", body).json()["meeting"]

    local = dt.datetime.fromisoformat(meeting["startTime"]).astimezone(ZoneInfo("Europe/Tallinn"))
    assert (local.date().isoformat(), local.hour, local.minute) == (day, 15, 0)
    assert meeting["metadata"]["timezone"] == "Europe/Tallinn"


def test_post_meetings_refuses_what_zoomhub_cannot_book(seed_client, connected):
    past = seed_client.post(
        "/api/zoom/meetings", {"topic": "Late", "startTime": "2020-01-01T10:00:00Z", "duration": 60}
    )
    assert past.status_code == 400 and "startTime" in past.json()["error"]["fields"]
    typo = seed_client.post(
        "/api/zoom/meetings", {"topic": "T", "start_time": _start_time(2), "duration": 60}
    )
    assert typo.status_code == 400
    assert {"startTime", "start_time"} <= set(typo.json()["error"]["fields"])
    assert not Meeting.objects.exists() and connected.control.state()["meetings"] == 0


def test_get_meetings_filters_by_status_and_dates_in_the_seed_s_spelling(seed_client, connected):
    soon = seed_client.post(
        "/api/zoom/meetings", {"topic": "Soon", "startTime": _start_time(2), "duration": 30}
    )
    later = seed_client.post(
        "/api/zoom/meetings", {"topic": "Later", "startTime": _start_time(20), "duration": 30}
    )
    Meeting.objects.filter(pk=later.json()["meeting"]["id"]).update(status=Meeting.Status.CANCELED)

    def topics(**query):
        response = seed_client.get("/api/zoom/meetings", query)
        assert response.status_code == 200, response.content
        assert set(response.json()) == {"meetings", "nextCursor"}
        return [m["topic"] for m in response.json()["meetings"]]

    assert topics() == ["Soon", "Later"]
    assert topics(status="SCHEDULED") == ["Soon"] == topics(status="scheduled")
    assert topics(status="CANCELED") == ["Later"]
    day_after = (timezone.now() + dt.timedelta(days=3)).date().isoformat()
    assert topics(startDate=day_after) == ["Later"]
    assert topics(endDate=day_after) == ["Soon"]
    assert topics(
        startDate=soon.json()["meeting"]["startTime"], endDate=soon.json()["meeting"]["startTime"]
    ) == ["Soon"]
    listed = seed_client.get("/api/zoom/meetings", {"status": "CANCELED"}).json()["meetings"][0]
    assert listed["status"] == "CANCELED" and set(listed) == ZOOM_MEETING_FIELDS
    # A misspelt filter is refused, never ignored (it would list everything).
    refused = seed_client.get("/api/zoom/meetings", {"start_date": day_after})
    assert refused.status_code == 400 and "start_date" in refused.json()["error"]["fields"]
    assert seed_client.get("/api/zoom/meetings", {"status": "DONE"}).status_code == 400


def test_zoomhub_s_own_list_takes_the_seed_s_status_and_dates(seed_client, connected):
    seed_client.post("/api/zoom/meetings", {"topic": "Soon", "startTime": _start_time(2), "duration": 30})
    seed_client.post("/api/zoom/meetings", {"topic": "Later", "startTime": _start_time(20), "duration": 30})
    day_after = (timezone.now() + dt.timedelta(days=3)).date().isoformat()

    def topics(**query):
        response = seed_client.get("/api/v1/meetings", query)
        assert response.status_code == 200, response.content
        return [m["topic"] for m in response.json()["items"]]

    assert topics(status="SCHEDULED") == ["Soon", "Later"]
    assert topics(startDate=day_after) == ["Later"] == topics(**{"from": day_after})
    assert topics(endDate=day_after) == ["Soon"] == topics(to=day_after)
    assert seed_client.get("/api/v1/meetings", {"startdate": day_after}).status_code == 400


def test_the_webhook_is_zoomhub_s_intake_and_moves_the_meeting_through_its_statuses(
    seed_client, client, connected, webhook_relay
):
    created = seed_client.post(
        "/api/zoom/meetings", {"topic": "Trial", "startTime": _start_time(2), "duration": 30}
    )
    meeting = created.json()["meeting"]

    # Zoom plays the meeting and sends its signed events to the integration's webhook URL.
    connected.control.play_lesson(meeting_id=int(meeting["meetingId"]), speed=0, recording=False)
    published = sum(len(event["deliveries"]) for event in connected.control.events())
    assert published >= 4  # started, the host's join and leave, ended
    connected.control.deliveries(wait_for=published)  # the sandbox's sender thread has sent them all
    deliveries = webhook_relay.take()
    assert len(deliveries) == published
    assert {path_of(url) for url, _body, _headers in deliveries} == {"/api/zoom/webhook"}
    answers = relay_to_django(client, deliveries)

    assert [a.status_code for a in answers] == [200] * len(deliveries)
    events = list(WebhookEvent.objects.order_by("id"))
    # Zoom announces the meeting ZoomHub created (meeting.created), then plays it.
    assert [e.event_type for e in events][:2] == [
        "meeting.created",
        "meeting.started",
    ] and "meeting.ended" in {e.event_type for e in events}
    for event in events:
        webhook_event_process(event_id=event.pk)
    ended = seed_client.get("/api/zoom/meetings", {"status": "ENDED"}).json()["meetings"]
    assert [m["meetingId"] for m in ended] == [meeting["meetingId"]]

    # Redelivered (at least once): stored once, nothing changes.
    again = relay_to_django(client, deliveries)
    assert [a.status_code for a in again] == [200] * len(deliveries)
    assert WebhookEvent.objects.count() == len(events)


def test_the_webhook_refuses_what_zoom_did_not_sign_and_answers_url_validation(client, connected):
    body = json.dumps(
        {"event": "meeting.started", "event_ts": 1, "payload": {"account_id": "x", "object": {}}}
    )
    forged = client.post(
        "/api/zoom/webhook",
        body,
        content_type="application/json",
        HTTP_X_ZM_REQUEST_TIMESTAMP=str(int(timezone.now().timestamp())),
        HTTP_X_ZM_SIGNATURE="v0=" + "0" * 64,
    )
    assert forged.status_code == 401 and forged["Content-Type"] == "application/json"
    assert not WebhookEvent.objects.exists()

    validation = json.dumps(
        {"payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}, "event": "endpoint.url_validation"}
    )
    answer = client.post("/api/zoom/webhook", validation, content_type="application/json")
    expected = hmac.new(WEBHOOK_SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert answer.status_code == 200
    assert answer.json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}
