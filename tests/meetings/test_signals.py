"""Lesson signals: sent once per change, after commit, from every path that changes a lesson."""

import pytest
from django.db import transaction

from meetings import signals
from meetings.models import Meeting
from meetings.services import LessonPlan, meeting_cancel, meeting_reschedule
from tests.meetings.conftest import tallinn
from tests.webhooks.conftest import zoom_event
from webhooks.registry import handlers

pytestmark = pytest.mark.django_db

LESSON_SIGNALS = ["lesson_scheduled", "lesson_changed", "lesson_cancelled", "lesson_started", "lesson_ended"]


@pytest.fixture
def sent():
    """(signal name, arguments) of every lesson signal sent while the test runs."""
    log: list[tuple[str, dict]] = []
    for name in LESSON_SIGNALS:

        def receiver(*, _name=name, **arguments):
            log.append((_name, arguments))

        getattr(signals, name).connect(receiver, weak=False, dispatch_uid=f"test-{name}")
    yield log
    for name in LESSON_SIGNALS:
        getattr(signals, name).disconnect(dispatch_uid=f"test-{name}")


def plan_for(lesson: Meeting, **changes) -> LessonPlan:
    values = {
        "host": lesson.host,
        "topic": lesson.topic,
        "start": lesson.start_at,
        "duration": lesson.duration,
        "timezone": lesson.timezone,
    }
    values.update(changes)
    return LessonPlan(**values)


def test_staff_scheduling_moving_and_cancelling_a_lesson_is_announced(
    schedule, staff_user, sent, django_capture_on_commit_callbacks
):
    lesson = schedule()
    assert [(name, args["meeting"].pk, args["from_zoom"]) for name, args in sent] == [
        ("lesson_scheduled", lesson.pk, False)
    ]
    assert sent[0][1]["sender"] is Meeting

    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(
            meeting=lesson, plan=plan_for(lesson, topic="Trial lesson, level B1"), actor=staff_user
        )
        meeting_reschedule(meeting=lesson, plan=plan_for(lesson, start=tallinn("2027-02-25", "16:30")))
    assert [(name, args["rescheduled"]) for name, args in sent] == [
        ("lesson_changed", False),
        ("lesson_changed", True),
    ]
    assert sent[0][1]["actor"] == staff_user

    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=lesson, actor=staff_user)
        meeting_cancel(meeting=lesson, actor=staff_user)  # already cancelled: nothing more to say
    assert [(name, args["actor"], args["from_zoom"]) for name, args in sent] == [
        ("lesson_cancelled", staff_user, False)
    ]


def test_a_change_that_rolls_back_is_never_announced(schedule, sent):
    lesson = schedule()
    sent.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        meeting_cancel(meeting=lesson)
        raise RuntimeError("rolled back")
    assert sent == []


def test_changes_made_in_zoom_are_announced_as_from_zoom(schedule, sent, django_capture_on_commit_callbacks):
    lesson = schedule()
    Meeting.objects.filter(pk=lesson.pk).update(zoom_meeting_id=1234567890, push_state="synced")
    sent.clear()
    updated = zoom_event("meeting.updated__rescheduled")
    deleted = zoom_event("meeting.deleted__scheduled")
    with django_capture_on_commit_callbacks(execute=True):
        handlers.resolve("meeting.updated")(event_type="meeting.updated", body=updated, credential=None)
        handlers.resolve("meeting.deleted")(event_type="meeting.deleted", body=deleted, credential=None)
    assert [(name, args["from_zoom"], args["actor"]) for name, args in sent] == [
        ("lesson_changed", True, None),
        ("lesson_cancelled", True, None),
    ]
    assert sent[0][1]["rescheduled"] is True
    assert Meeting.objects.get(pk=lesson.pk).status == Meeting.Status.CANCELED
