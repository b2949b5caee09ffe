"""The beat sweep: lessons whose end passed without Zoom's events, and fetches whose task was lost."""

import datetime as dt

import pytest

from attendance import services
from attendance.models import Session
from tests.attendance.conftest import END, INSTANCES_ROUTE, ZOOM_UUID, fixture, make_lesson

pytestmark = pytest.mark.django_db


def test_a_lesson_that_ended_without_events_is_found_in_zoom_and_fetched(
    lesson, zoom, sent, django_capture_on_commit_callbacks
):
    zoom.instances(fixture("past_meeting_instances__two_held"))

    with django_capture_on_commit_callbacks(execute=True):
        result = services.attendance_sweep(now=END + dt.timedelta(minutes=31))

    session = Session.objects.get()
    assert result.created == [session.pk]
    assert (session.zoom_uuid, session.scheduled_start, session.actual_start) == (
        ZOOM_UUID,
        lesson.start_at,
        dt.datetime(2024, 3, 4, 14, 58, 10, tzinfo=dt.UTC),
    )
    assert sent == [(session.pk, 0.0)]
    # The next sweep does not look again: the lesson has its session.
    services.attendance_sweep(now=END + dt.timedelta(minutes=36))
    assert len(zoom.requests(INSTANCES_ROUTE)) == 1


def test_the_sweep_waits_for_the_grace_period_and_skips_running_and_canceled_lessons(
    lesson, host, people, zoom, sent
):
    zoom.instances(fixture("past_meeting_instances__two_held"))
    services.attendance_sweep(now=END + dt.timedelta(minutes=10))
    lesson.status = lesson.Status.STARTED
    lesson.save()
    services.attendance_sweep(now=END + dt.timedelta(minutes=40))
    lesson.status = lesson.Status.CANCELED
    lesson.save()
    services.attendance_sweep(now=END + dt.timedelta(minutes=40))
    assert not zoom.control.requests() and not Session.objects.exists()


def test_a_fetch_whose_task_was_lost_is_sent_again(lesson, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        session = services.attendance_schedule_fetch(meeting=lesson, zoom_uuid=ZOOM_UUID, ended_at=END)
    sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        result = services.attendance_sweep(now=session.next_fetch_at + dt.timedelta(minutes=5))

    assert result.sent == [session.pk]
    assert sent == [(session.pk, 0.0)]


def test_a_session_that_started_but_never_ended_is_fetched_after_its_end(
    lesson, sent, django_capture_on_commit_callbacks
):
    session = services.attendance_session_begin(
        meeting=lesson, zoom_uuid=ZOOM_UUID, started_at=lesson.start_at
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_sweep(now=END + dt.timedelta(minutes=10))
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_sweep(now=END + dt.timedelta(minutes=31))
    assert sent == [(session.pk, 0.0)]


def test_each_occurrence_of_a_series_gets_its_own_instance(host, people, zoom, sent):
    series = make_lesson(
        host, people["anna"], [people["ivan"]], recurrence_weekdays="0", recurrence_count=2
    )  # Mondays 4 and 11 March 2024
    zoom.instances(fixture("past_meeting_instances__two_held"))

    services.attendance_sweep(now=END + dt.timedelta(minutes=31))
    services.attendance_sweep(now=END + dt.timedelta(days=7, minutes=31))

    sessions = list(Session.objects.filter(meeting=series).order_by("scheduled_start"))
    assert [(s.zoom_uuid, s.scheduled_start.date().isoformat()) for s in sessions] == [
        (ZOOM_UUID, "2024-03-04"),
        ("/Kq3L9aZT2y8vN0q//Ym1w==", "2024-03-11"),
    ]
