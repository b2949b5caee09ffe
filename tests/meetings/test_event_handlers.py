"""Zoom's meeting events change the right lesson, once; events about other meetings change nothing."""

import datetime as dt

import pytest
from django.db import transaction

from meetings import event_handlers, signals
from meetings.models import Meeting, MeetingTimelineEvent
from tests.meetings.conftest import fixture, tallinn

pytestmark = pytest.mark.django_db

Kind = MeetingTimelineEvent.Kind
ZOOM_ID = 1234567890  # the id in Zoom's documented examples
ZOOM_UUID = "4444AAAiAAAAAiAiAiiAii=="


@pytest.fixture
def ended_signals():
    """Every lesson_ended sent while the test runs, with its arguments."""
    sent: list[dict] = []

    def receiver(**kwargs):
        sent.append(kwargs)

    signals.lesson_ended.connect(receiver, dispatch_uid="test-ended-signals")
    yield sent
    signals.lesson_ended.disconnect(dispatch_uid="test-ended-signals")


@pytest.fixture
def lesson(host):
    return Meeting.objects.create(
        host=host,
        topic="My Meeting",
        start_at=tallinn("2027-02-24", "15:00"),
        duration=60,
        timezone="Europe/Tallinn",
        zoom_meeting_id=ZOOM_ID,
        zoom_uuid=ZOOM_UUID,
        join_url="https://example.com/j/1234567890",
        push_state=Meeting.PushState.SYNCED,
    )


@pytest.fixture
def other_lesson(host):
    return Meeting.objects.create(
        host=host,
        topic="Someone else's lesson",
        start_at=tallinn("2027-02-24", "17:00"),
        duration=60,
        zoom_meeting_id=99999999999,
        push_state=Meeting.PushState.SYNCED,
    )


def deliver(name: str, body: dict | None = None) -> None:
    body = body or fixture(name)
    handler = getattr(event_handlers, body["event"].replace(".", "_"))
    handler(event_type=body["event"], body=body, credential=None)


def snapshot(meeting: Meeting) -> tuple:
    meeting = Meeting.objects.get(pk=meeting.pk)
    return (
        meeting.status,
        meeting.topic,
        meeting.start_at,
        meeting.duration,
        meeting.push_state,
        meeting.timeline.count(),
    )


def test_meeting_started_marks_the_lesson_started(lesson, other_lesson):
    untouched = snapshot(other_lesson)
    deliver("meeting.started__scheduled")
    deliver("meeting.started__scheduled")  # Zoom delivers at least once

    lesson.refresh_from_db()
    assert lesson.status == Meeting.Status.STARTED
    assert lesson.started_at == dt.datetime(2021, 7, 13, 21, 44, 51, tzinfo=dt.UTC)
    assert lesson.timeline.filter(kind=Kind.STARTED, zoom_uuid=ZOOM_UUID).count() == 1
    assert snapshot(other_lesson) == untouched


def test_meeting_ended_marks_the_lesson_ended_and_announces_it_once(
    lesson, ended_signals, django_capture_on_commit_callbacks
):
    deliver("meeting.started__scheduled")
    with django_capture_on_commit_callbacks(execute=True):
        deliver("meeting.ended__scheduled")
        deliver("meeting.ended__scheduled")

    lesson.refresh_from_db()
    assert lesson.status == Meeting.Status.ENDED
    assert lesson.ended_at == dt.datetime(2021, 7, 13, 22, 44, 51, tzinfo=dt.UTC)
    assert lesson.timeline.filter(kind=Kind.ENDED).count() == 1
    assert len(ended_signals) == 1
    assert ended_signals[0]["sender"] is Meeting
    assert ended_signals[0]["meeting"].pk == lesson.pk
    assert ended_signals[0]["zoom_uuid"] == ZOOM_UUID
    assert ended_signals[0]["ended_at"] == dt.datetime(2021, 7, 13, 22, 44, 51, tzinfo=dt.UTC)


def test_a_failing_receiver_neither_undoes_the_end_nor_stops_the_others(
    lesson, ended_signals, django_capture_on_commit_callbacks, caplog
):
    def broken(**kwargs):
        raise RuntimeError("a receiver's bug")

    signals.lesson_ended.connect(broken, dispatch_uid="test-broken-receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            deliver("meeting.ended__scheduled")
    finally:
        signals.lesson_ended.disconnect(dispatch_uid="test-broken-receiver")
    assert Meeting.objects.get(pk=lesson.pk).status == Meeting.Status.ENDED
    assert len(ended_signals) == 1
    assert "a receiver's bug" in caplog.text


def test_nothing_is_announced_when_the_transaction_rolls_back(lesson, ended_signals):
    with pytest.raises(RuntimeError), transaction.atomic():
        deliver("meeting.ended__scheduled")
        raise RuntimeError("rolled back")
    assert ended_signals == []
    assert Meeting.objects.get(pk=lesson.pk).status == Meeting.Status.SCHEDULED


def test_a_late_started_event_does_not_undo_the_end(lesson):
    deliver("meeting.ended__scheduled")
    deliver("meeting.started__scheduled")
    assert Meeting.objects.get(pk=lesson.pk).status == Meeting.Status.ENDED


def test_a_series_is_scheduled_again_after_one_lesson_ends(host):
    series = Meeting.objects.create(
        host=host,
        topic="My Meeting",
        start_at=dt.datetime(2021, 7, 13, 21, 0, tzinfo=dt.UTC),  # Tuesdays, 14:00 in Los Angeles
        duration=60,
        timezone="America/Los_Angeles",
        recurrence_weekdays="1",
        recurrence_count=4,
        zoom_meeting_id=ZOOM_ID,
        push_state=Meeting.PushState.SYNCED,
    )
    deliver("meeting.started__scheduled")
    deliver("meeting.ended__scheduled")
    series.refresh_from_db()
    assert series.status == Meeting.Status.SCHEDULED
    assert series.timeline.filter(kind=Kind.ENDED).count() == 1


def test_a_change_made_in_zoom_shows_on_the_lesson(lesson):
    deliver("meeting.updated__rescheduled")
    deliver("meeting.updated__rescheduled")

    lesson.refresh_from_db()
    assert lesson.topic == "My Meeting (moved)"
    assert lesson.start_at == dt.datetime(2021, 7, 14, 21, 44, 51, tzinfo=dt.UTC)
    assert lesson.duration == 90
    assert lesson.timezone == "America/Los_Angeles"
    assert lesson.push_state == Meeting.PushState.SYNCED  # nothing to send back
    assert lesson.timeline.filter(kind=Kind.CHANGED_IN_ZOOM).count() == 1


def test_a_zoom_change_does_not_overwrite_a_newer_local_change_on_its_way(lesson):
    Meeting.objects.filter(pk=lesson.pk).update(push_state=Meeting.PushState.PENDING)
    before = snapshot(lesson)
    deliver("meeting.updated__rescheduled")
    assert snapshot(lesson) == before


def test_deleted_in_zoom_cancels_the_lesson_without_pushing_back(
    lesson, pushes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliver("meeting.deleted__scheduled")
        deliver("meeting.deleted__scheduled")

    lesson.refresh_from_db()
    assert lesson.status == Meeting.Status.CANCELED
    assert lesson.push_state == Meeting.PushState.SYNCED
    assert pushes == []
    assert lesson.timeline.filter(kind=Kind.CANCELED_IN_ZOOM).count() == 1


@pytest.mark.parametrize(
    "name",
    [
        "meeting.started__scheduled",
        "meeting.ended__scheduled",
        "meeting.updated__rescheduled",
        "meeting.deleted__scheduled",
    ],
)
def test_events_about_unknown_meetings_change_nothing(other_lesson, name):
    before = snapshot(other_lesson)
    deliver(name)
    assert snapshot(other_lesson) == before
    assert Meeting.objects.count() == 1


def test_a_lesson_is_found_by_uuid_when_zoom_sends_no_id(lesson):
    body = fixture("meeting.started__scheduled")
    del body["payload"]["object"]["id"]
    deliver("meeting.started__scheduled", body)
    assert Meeting.objects.get(pk=lesson.pk).status == Meeting.Status.STARTED
