"""A webinar played in the sandbox — a panelist, 30 attendees, two of them dropping out and
rejoining — ends with its attendance decided from Zoom's webinar report, and its cloud recording
stored, all from Zoom's signed webinar.* and recording.completed events through the real intake."""

import datetime as dt

import pytest
from django.utils import timezone

from attendance.models import Attendance, Session
from attendance.services import session_fetch
from meetings.models import Meeting, Person
from meetings.outbox import meeting_push
from meetings.services import LessonPlan, meeting_schedule
from recordings.models import Recording
from tests.webhooks.live_school import LiveSchool

pytestmark = pytest.mark.django_db(transaction=True)
ATTENDEES = 30


@pytest.fixture
def school(zoom_sandbox, live_server, settings):
    return LiveSchool(zoom_sandbox, live_server, settings)


def test_a_played_webinar_ends_with_attendance_decided_and_its_recording_stored(school):
    panelist = Person.objects.create(name="Mari Tamm", email="mari@school.example", role=Person.Role.TEACHER)
    webinar = meeting_schedule(
        plan=LessonPlan(
            host=school.host(school.WEBINAR_HOST),
            topic="Exam briefing",
            start=(timezone.now() + dt.timedelta(hours=1)).replace(second=0, microsecond=0),
            duration=60,
            timezone="Europe/Tallinn",
            kind=Meeting.Kind.WEBINAR,
            registration=Meeting.Registration.AUTOMATIC,
            panelists=(panelist,),
        )
    )
    assert meeting_push(meeting_id=webinar.pk).outcome == "synced"
    webinar.refresh_from_db()
    school.deliver_and_process(["webinar.created"])

    attendees = []
    for number in range(1, ATTENDEES + 1):
        # Two drop out and come back; the rest stay from minute 3 to the end.
        segments = [[3, 20], [24, 60]] if number in (7, 19) else [[3, 60]]
        attendees.append(
            {
                "name": f"Parent {number}",
                "email": f"parent{number}@example.com",
                "guest": True,
                "segments": segments,
            }
        )
    played = school.control.play_lesson(
        webinar_id=webinar.zoom_meeting_id,
        speed=0,
        participants=[
            {"name": "Mari Tamm", "email": "mari@school.example", "segments": [[0, 60]]},
            *attendees,
        ],
        recording={"delay_minutes": 5},
    )
    # started; the host, the panelist and 30 attendees join and leave (two of them twice); ended; recording.
    joins = 1 + 1 + ATTENDEES + 2
    expected = ["webinar.started"] + ["?"] * (2 * joins) + ["webinar.ended", "recording.completed"]
    attempts = school.control.deliveries(wait_for=school.sent + len(expected), timeout=30)
    events = [a["event"] for a in attempts[school.sent :]]
    assert events[0] == "webinar.started" and events[-2:] == ["webinar.ended", "recording.completed"]
    assert events.count("webinar.participant_joined") == joins
    assert events.count("webinar.participant_left") == joins
    school.deliver_and_process(events)

    webinar.refresh_from_db()
    assert webinar.status == Meeting.Status.ENDED
    session = Session.objects.get(meeting=webinar)
    assert session.zoom_uuid == played["uuid"]
    session_fetch(session=session, now=session.actual_end + dt.timedelta(minutes=3))
    session.refresh_from_db()
    assert session.data_source == Session.Source.REPORT  # GET /report/webinars/{uuid}/participants
    assert session.status == "completed"
    mari = Attendance.objects.get(session=session, person=panelist)
    assert (mari.role, mari.present, mari.minutes) == ("teacher", True, 60)
    calls = school.control.calls()
    assert calls.get("GET /v2/report/webinars/{meetingId}/participants", 0) >= 1
    assert "GET /v2/report/meetings/{meetingId}/participants" not in calls

    report = session.segments.filter(source="report")
    rejoined = report.filter(email="parent7@example.com").order_by("join_at")
    start = session.actual_start
    assert [(s.join_at - start, s.leave_at - start) for s in rejoined] == [
        (dt.timedelta(minutes=3), dt.timedelta(minutes=20)),
        (dt.timedelta(minutes=24), dt.timedelta(minutes=60)),
    ]
    attendees_seen = {s.email for s in report if s.email.startswith("parent")}
    assert len(attendees_seen) == ATTENDEES

    recording = Recording.objects.get(zoom_meeting_id=webinar.zoom_meeting_id)
    assert recording.meeting_id == webinar.pk
    assert recording.files.count() >= 1
