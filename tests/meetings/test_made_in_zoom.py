"""Zoom's meeting.created: a meeting a known host makes in Zoom becomes a lesson marked "made in
Zoom" that staff keep or ignore; the meetings ZoomHub's own pushes create are recognised, never
doubled. Every event comes from the sandbox, signed, through the real intake."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, MeetingTimelineEvent
from meetings.outbox import meeting_push
from meetings.services import LessonPlan, meeting_schedule
from tests.webhooks.live_school import ACCOUNT, LiveSchool

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def school(zoom_sandbox, live_server, settings):
    return LiveSchool(zoom_sandbox, live_server, settings)


def _in_zoom_time(days: int) -> str:
    start = (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)
    return start.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_meeting_a_host_makes_in_zoom_becomes_a_lesson_staff_can_ignore(school, admin_client):
    made = school.control.make_meeting_in_zoom(
        school.TEACHER, topic="Extra grammar", type=2, start_time=_in_zoom_time(3), duration=45
    )
    school.deliver_and_process(["meeting.created"])

    lesson = Meeting.objects.get(zoom_meeting_id=made["id"])
    assert (lesson.topic, lesson.duration, lesson.host, lesson.made_in_zoom) == (
        "Extra grammar",
        45,
        school.host(),
        True,
    )
    assert lesson.join_url == made["join_url"]
    assert lesson.push_state == Meeting.PushState.SYNCED  # nothing to send back
    assert lesson.timeline.filter(kind=MeetingTimelineEvent.Kind.MADE_IN_ZOOM).count() == 1
    listed = admin_client.get(reverse("meetings:lesson_list")).content.decode()
    assert f'id="lesson-row-{lesson.pk}"' in listed and "made in Zoom" in listed
    page = admin_client.get(reverse("meetings:lesson_detail", args=[lesson.pk])).content.decode()
    assert 'id="made-in-zoom"' in page and 'id="ignore-lesson"' in page

    school.control.clear_calls()
    response = admin_client.post(reverse("meetings:lesson_ignore", args=[lesson.pk]))
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.ignored_at is not None and lesson.status == Meeting.Status.CANCELED
    assert (
        f'id="lesson-row-{lesson.pk}"'
        not in admin_client.get(reverse("meetings:lesson_list")).content.decode()
    )
    assert school.control.calls() == {}  # Zoom keeps its meeting: nothing was sent
    assert made["id"] in {m["id"] for m in school.control.meetings()}


def test_a_lesson_scheduled_here_is_not_doubled_by_its_own_meeting_created(school):
    lesson = meeting_schedule(
        plan=LessonPlan(
            host=school.host(),
            topic="Scheduled in ZoomHub",
            start=timezone.now() + dt.timedelta(days=1),
            duration=60,
            timezone="Europe/Tallinn",
        )
    )
    meeting_push(meeting_id=lesson.pk)
    lesson.refresh_from_db()
    assert lesson.zoom_meeting_id
    school.deliver_and_process(["meeting.created"])
    assert Meeting.objects.count() == 1


def test_an_event_that_overtakes_the_push_answer_is_recognised_by_the_agenda(school):
    """Zoom's event can arrive before the create's answer is stored: the agenda's reference tells."""
    lesson = meeting_schedule(
        plan=LessonPlan(
            host=school.host(),
            topic="Scheduled in ZoomHub",
            start=timezone.now() + dt.timedelta(days=1),
            duration=60,
            timezone="Europe/Tallinn",
        )
    )
    meeting_push(meeting_id=lesson.pk)
    Meeting.objects.filter(pk=lesson.pk).update(zoom_meeting_id=None)  # the answer not stored yet
    school.deliver_and_process(["meeting.created"])
    assert list(Meeting.objects.values_list("pk", flat=True)) == [lesson.pk]


def test_meetings_without_a_known_host_or_a_fixed_time_are_left_alone(school):
    school.control.make_meeting_in_zoom(school.TEACHER, topic="Instant", type=1)
    school.control.send_event(
        account_id=ACCOUNT,
        event="meeting.created",
        payload={"object": {"id": 81234567890, "host_id": "notOurHost", "type": 2, "topic": "Elsewhere"}},
    )
    school.deliver_and_process(["meeting.created", "meeting.created"])
    assert not Meeting.objects.exists()
