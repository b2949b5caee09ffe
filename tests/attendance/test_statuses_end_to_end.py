"""Every status a session can have, reached through Zoom's events and the fetch, as staff see it."""

import datetime as dt

import pytest

from attendance import services
from attendance.models import Session
from tests.attendance.conftest import (
    END,
    HOST_ZOOM_ID,
    START,
    ZOOM_MEETING_ID,
    ZOOM_UUID,
    fixture,
)
from webhooks.registry import handlers

pytestmark = pytest.mark.django_db


def event(name: str, **object_fields) -> dict:
    body = fixture(name)
    body["payload"]["object"].update(
        {"id": str(ZOOM_MEETING_ID), "uuid": ZOOM_UUID, "host_id": HOST_ZOOM_ID, **object_fields}
    )
    return body


def deliver(body: dict) -> None:
    """The handler the installed apps registered for the event, as the webhook worker calls it."""
    handlers.resolve(body["event"])(event_type=body["event"], body=body, credential=None)


def row(name: str, email: str, start: int, end: int, user_id: str) -> dict:
    return {
        "id": "",
        "user_id": user_id,
        "name": name,
        "user_email": email,
        "join_time": (START + dt.timedelta(minutes=start)).isoformat().replace("+00:00", "Z"),
        "leave_time": (START + dt.timedelta(minutes=end)).isoformat().replace("+00:00", "Z"),
        "duration": (end - start) * 60,
        "status": "in_meeting",
        "registrant_id": "",
        "participant_user_id": "",
        "customer_key": "",
        "failover": False,
    }


TEACHER = ("Anna Sergeeva", "anna.sergeeva@school.example")
IVAN = ("Ivan Petrov", "ivan.petrov@gmail.com")


@pytest.mark.parametrize(
    "rows,status",
    [
        ([row(*TEACHER, 0, 60, "1"), row(*IVAN, 1, 58, "2")], "completed"),
        ([row(*TEACHER, 0, 60, "1"), row(*IVAN, 1, 8, "2")], "no_show"),  # 7 minutes: not present
        ([row(*TEACHER, 0, 9, "1"), row(*IVAN, 1, 58, "2")], "teacher_absent"),
        ([row(*TEACHER, 0, 4, "1"), row(*IVAN, 1, 3, "2")], "never_took_place"),
        (None, "pending"),
    ],
)
def test_every_status_through_events_and_the_fetch(
    lesson, zoom, sent, rows, status, django_capture_on_commit_callbacks
):
    held = {"start": START, "end": END}
    if rows is None:
        zoom.held(**held)  # no report yet: 404 code 3001
    else:
        zoom.held(**held, report=rows)

    with django_capture_on_commit_callbacks(execute=True):
        deliver(event("meeting.started__scheduled", start_time="2024-03-04T15:00:00Z"))
    assert Session.objects.get(zoom_uuid=ZOOM_UUID).status == "pending"  # begun, nothing known yet
    with django_capture_on_commit_callbacks(execute=True):
        deliver(
            event(
                "meeting.ended__scheduled", start_time="2024-03-04T15:00:00Z", end_time="2024-03-04T16:00:00Z"
            )
        )
    session = Session.objects.get(zoom_uuid=ZOOM_UUID)
    assert (session.actual_start, session.actual_end) == (START, END)
    assert sent == [(session.pk, 0.0)]  # delivered long after the end: fetched at once

    outcome = services.session_fetch_due(session_id=session.pk, now=END + dt.timedelta(minutes=3))

    assert outcome is not None
    assert Session.objects.get(pk=session.pk).status == status


def test_a_lesson_nobody_started_is_never_took_place_after_the_wait(lesson, zoom, sent):
    # Scheduled in Zoom, never started: Zoom lists no instance of it.
    lesson.zoom_meeting_id = zoom.schedule_meeting(start=lesson.start_at, duration=lesson.duration)
    lesson.save()

    services.attendance_sweep(now=END + dt.timedelta(hours=1))
    assert not Session.objects.exists()  # Zoom may still list it: wait

    result = services.attendance_sweep(now=END + dt.timedelta(hours=6, minutes=1))

    session = Session.objects.get()
    assert result.never_held == [session.pk]
    assert (session.status, session.zoom_uuid, session.data_state) == ("never_took_place", None, "ready")
    assert session.attendances.filter(present=False).count() == 4
