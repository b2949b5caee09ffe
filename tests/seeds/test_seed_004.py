"""Seed 004, the attendance endpoint: `POST /api/zoom/get-meeting-attendees` with `{zoomCallId}`.

The Notion handler's request is replayed as it is written (path, headers, JSON.stringify body):
ZoomHub answers Zoom's participants of the past meeting, every page, with one Zoom token for all
calls (the original endpoint fetched one per call), and a JSON error naming the cause when Zoom refuses. Its
status rules — coach and client: Completed; coach only: No Show; neither: Session Never Took
Place — are asserted end to end, from the sandbox's signed webhooks to Zoom's participant report.
"""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from attendance.models import Session
from attendance.services import session_fetch
from meetings.models import Meeting, Person
from meetings.outbox import meeting_push
from meetings.services import LessonPlan, meeting_schedule
from tests.seeds.conftest import CLIENT_ID, TEACHER, connect_school, env_settings, make_zoom_app
from webhooks.models import WebhookEvent
from webhooks.services import webhook_event_process

PATH = "/api/zoom/get-meeting-attendees"
TOKEN_REQUESTS = "POST /oauth/token"
CLIENT = {"name": "Ivan Petrov", "email": "ivan.petrov@gmail.com", "guest": True}


def fetch_attendees(client: Client, internal_api_key: str | None, zoom_call_id):
    """The Notion handler's `event.fetch('/api/zoom/get-meeting-attendees', {...})`, as written."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {internal_api_key}"} if internal_api_key else {}
    return client.post(
        PATH, json.dumps({"zoomCallId": zoom_call_id}), content_type="application/json", **headers
    )


def book_and_push(school, *, topic: str, hours: int, students=()) -> Meeting:
    host = ZoomUser.objects.get(credential=school.credential, zoom_id=TEACHER["id"])
    lesson = meeting_schedule(
        plan=LessonPlan(
            host=host,
            topic=topic,
            start=(timezone.now() + dt.timedelta(hours=hours)).replace(second=0, microsecond=0),
            duration=60,
            timezone="Europe/Tallinn",
            teacher=Person.objects.get_or_create(
                email=TEACHER["email"], defaults={"name": "Anna Tamm", "role": Person.Role.TEACHER}
            )[0],
            students=tuple(students),
        )
    )
    assert meeting_push(meeting_id=lesson.pk).outcome == "synced"  # what the queued push does
    lesson.refresh_from_db()
    return lesson


@pytest.fixture
def held(school):
    """A lesson held with the coach and three people in it (Zoom lists them two to a page)."""
    lesson = book_and_push(school, topic="Coaching session", hours=1)
    school.zoom.control.play_lesson(
        meeting_id=lesson.zoom_meeting_id,
        speed=0,
        recording=False,
        participants=[
            {**CLIENT, "segments": [[2, 30], [31, 58]]},
            {"name": "Observer", "email": "observer@example.com", "guest": True, "segments": [[5, 15]]},
        ],
    )
    school.zoom.control.settings(max_page_size=2)
    return lesson


@pytest.mark.django_db
def test_the_handler_s_request_gets_every_participant_of_every_page(school, held, client):
    response = fetch_attendees(client, school.token, str(held.zoom_meeting_id))

    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["participants"]
    assert body["total_records"] == len(rows) == 4  # coach, client twice (a rejoin), observer
    assert sorted(r["name"] for r in rows) == ["Anna Tamm", "Ivan Petrov", "Ivan Petrov", "Observer"]
    client_rows = [r for r in rows if r["name"] == "Ivan Petrov"]
    assert {r["user_email"] for r in client_rows} == {"ivan.petrov@gmail.com"}
    assert sum(r["duration"] for r in client_rows) == (28 + 27) * 60
    assert set(rows[0]) >= {
        "id",
        "user_id",
        "name",
        "user_email",
        "join_time",
        "leave_time",
        "duration",
        "status",
    }
    assert school.calls("GET /v2/past_meetings/{meetingId}/participants") == 2  # two pages

    # A number works as well as the string, and so does the instance's UUID.
    assert fetch_attendees(client, school.token, held.zoom_meeting_id).json()["participants"] == rows
    uuid = next(iter(school.zoom.sandbox.state.instances))
    assert fetch_attendees(client, school.token, uuid).json()["total_records"] == 4
    # The original endpoint fetched a token per call; ZoomHub still has the one of the connection check.
    assert school.calls(TOKEN_REQUESTS) == 1


@pytest.mark.django_db
def test_a_signed_in_staff_member_may_ask_and_nobody_else(school, held, client, staff_user):
    assert fetch_attendees(Client(), None, str(held.zoom_meeting_id)).status_code == 401
    wrong = fetch_attendees(Client(), "not-a-token", str(held.zoom_meeting_id))
    assert wrong.status_code == 401 and wrong.json()["error"]["code"]

    client.force_login(staff_user)
    response = fetch_attendees(client, None, str(held.zoom_meeting_id))
    assert response.status_code == 200 and response.json()["total_records"] == 4


@pytest.mark.django_db
def test_zoom_s_refusals_are_json_errors_naming_the_cause(school, held, client):
    unknown = fetch_attendees(client, school.token, "85746065432")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "zoom_meeting_not_found"
    assert "85746065432" in unknown.json()["error"]["message"]

    malformed = client.post(
        PATH,
        json.dumps({"zoomCallId": "../users/me"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {school.token}",
    )
    assert malformed.status_code == 400 and "zoomCallId" in malformed.json()["error"]["fields"]

    # The app loses the scope: Zoom's 4711 names it, and so does the answer.
    school.zoom.control.update_app(CLIENT_ID, scopes=["user:read:user:admin", "user:read:list_users:admin"])
    cache.clear()  # the next call gets a token with the app's new scopes
    refused = fetch_attendees(client, school.token, str(held.zoom_meeting_id))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "zoom_permission"
    assert "meeting:read:list_past_participants" in refused.json()["error"]["message"]


@pytest.mark.django_db
def test_a_refused_secret_marks_the_account_invalid_at_once_and_nothing_retries_it(school, held, client):
    """Regression: after `invalid_client` the account stayed active and every job kept trying."""
    school.zoom.control.update_app(CLIENT_ID, client_secret="rotated-in-zoom-0123456789")
    cache.clear()  # the cached token expired

    first = fetch_attendees(client, school.token, str(held.zoom_meeting_id))

    assert first.status_code == 409
    assert first.json()["error"]["code"] == "zoom_account_unusable"
    credential = Credential.objects.get(pk=school.credential.pk)
    assert credential.status == "invalid"
    assert "Invalid client_id or client_secret" in credential.last_error
    asked = school.calls(TOKEN_REQUESTS)
    # Nothing asks Zoom again: not this endpoint, not a push, not the API's account answer.
    assert fetch_attendees(client, school.token, str(held.zoom_meeting_id)).status_code == 409
    lesson = Meeting.objects.get(pk=held.pk)
    Meeting.objects.filter(pk=lesson.pk).update(push_state="pending")
    assert meeting_push(meeting_id=lesson.pk).outcome == "failed"
    assert school.calls(TOKEN_REQUESTS) == asked
    shown = client.get(f"/api/v1/credentials/{credential.pk}", HTTP_AUTHORIZATION=f"Bearer {school.token}")
    assert shown.json()["status"] == "invalid" and "Invalid client_id" in shown.json()["last_error"]


# -- the status rules, end to end -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_completed_no_show_and_never_took_place_from_webhooks_and_the_report(
    zoom_sandbox, settings, staff_user, live_server
):
    env_settings(settings, zoom_sandbox)
    make_zoom_app(zoom_sandbox, webhook_urls=[live_server.url + "/webhooks/zoom"])
    school = connect_school(zoom_sandbox, staff_user)
    ivan = Person.objects.create(name="Иван Петров", email="ivan.petrov@gmail.com")
    control = zoom_sandbox.control

    both = book_and_push(school, topic="Both came", hours=1, students=[ivan])
    coach_only = book_and_push(school, topic="Coach only", hours=3, students=[ivan])
    nobody = book_and_push(school, topic="Nobody joined", hours=5, students=[ivan])
    control.play_lesson(
        meeting_id=both.zoom_meeting_id,
        speed=0,
        recording=False,
        participants=[{**CLIENT, "segments": [[1, 59]]}],
    )
    control.play_lesson(meeting_id=coach_only.zoom_meeting_id, speed=0, recording=False, participants=[])
    # Started (by its start link), and nobody — not even the coach — joined.
    control.play_lesson(
        meeting_id=nobody.zoom_meeting_id, speed=0, recording=False, participants=[], host_joins=False
    )
    # meeting.created for each push; started + ended each; joined + left for each person in the first two.
    attempts = control.deliveries(wait_for=3 + 6 + 4 + 2)
    assert {a["status"] for a in attempts} == {200}, attempts

    for event in WebhookEvent.objects.order_by("event_ts", "pk"):
        assert webhook_event_process(event_id=event.pk) in ("processed", "ignored"), event.last_error
    sessions = {s.meeting_id: s for s in Session.objects.all()}
    assert set(sessions) == {both.pk, coach_only.pk, nobody.pk}
    assert {s.status for s in sessions.values()} == {"pending"}  # the report comes later

    for session in sessions.values():
        session_fetch(session=session, now=session.actual_end + dt.timedelta(minutes=3))
    # Zoom keeps an empty list for the meeting nobody joined until its lists are final.
    session_fetch(
        session=Session.objects.get(meeting=nobody),
        now=sessions[nobody.pk].actual_end
        + dt.timedelta(hours=settings.ATTENDANCE_REPORT_WAIT_HOURS, minutes=1),
    )

    statuses = {s.meeting.topic: s.status for s in Session.objects.select_related("meeting")}
    assert statuses == {
        "Both came": "completed",
        "Coach only": "no_show",
        "Nobody joined": "never_took_place",
    }
    # And the endpoint answers the same people the status was decided from.
    answer = fetch_attendees(Client(), school.token, str(both.zoom_meeting_id)).json()
    assert {r["name"] for r in answer["participants"]} == {"Anna Tamm", "Ivan Petrov"}
    assert fetch_attendees(Client(), school.token, str(nobody.zoom_meeting_id)).json()["participants"] == []
