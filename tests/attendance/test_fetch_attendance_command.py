"""`manage.py fetch_attendance`: an operator fetches a held lesson's attendance from a shell."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from attendance.models import Session
from tests.attendance.conftest import ZOOM_MEETING_ID, ZOOM_UUID, fixture, make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoom_held(zoom):
    zoom.instances({"meetings": [fixture("past_meeting_instances__two_held")["meetings"][0]]})
    zoom.report(fixture("report_meeting_participants__rejoin_and_guest"))
    return zoom


def run(target: str) -> str:
    import io

    out = io.StringIO()
    call_command("fetch_attendance", target, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("by", ["lesson id", "Zoom meeting ID", "uuid"])
def test_prints_who_attended_their_minutes_and_the_status(lesson, zoom_held, sent, by):
    if by == "uuid":
        lesson.zoom_uuid = ZOOM_UUID
        lesson.save()
    target = {"lesson id": str(lesson.pk), "Zoom meeting ID": str(ZOOM_MEETING_ID), "uuid": ZOOM_UUID}[by]

    output = run(target)

    assert "teacher  Анна Сергеева: 63.33 min, present" in output
    assert "student  Иван Петров: 54.5 min, present" in output
    assert "student  Мария Смирнова: 48 min, present, late" in output
    assert "student  Олег Сидоров: 0 min, absent" in output
    assert "Status: Completed · data: Zoom's participant data is in" in output
    session = Session.objects.get(zoom_uuid=ZOOM_UUID)
    assert session.scheduled_start == lesson.start_at
    # Zoom's instance list gives the real start; a bare UUID does not.
    assert session.actual_start == (
        None if by == "uuid" else dt.datetime(2024, 3, 4, 14, 58, 10, tzinfo=dt.UTC)
    )


def test_an_unknown_lesson_exits_1(db):
    with pytest.raises(CommandError, match="No lesson has the id or Zoom meeting ID 424242") as failure:
        run("424242")
    assert failure.value.returncode == 1


def test_a_report_not_ready_exits_1_with_the_reason(host, people, zoom, sent):
    held_at = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=70)
    lesson = make_lesson(host, people["anna"], [people["ivan"]], start=held_at)
    instances = fixture("past_meeting_instances__two_held")
    instances["meetings"][0]["start_time"] = (held_at - dt.timedelta(days=7)).isoformat()
    instances["meetings"][1]["start_time"] = held_at.isoformat()
    zoom.instances(instances)  # neither has a report yet: 404 code 3001

    with pytest.raises(CommandError, match="not in") as failure:
        run(str(lesson.pk))

    assert failure.value.returncode == 1
    session = Session.objects.get(zoom_uuid="/Kq3L9aZT2y8vN0q//Ym1w==")  # the latest instance of the two
    assert session.data_state == "pending" and session.next_fetch_at is not None
