"""Lessons are entered in Tallinn time (the school's timezone) and reach Zoom in UTC."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from meetings.models import Meeting
from meetings.outbox import zoom_meeting_body
from meetings.recurrence import WeeklyRecurrence, occurrence_starts
from meetings.timezones import LocalTimeError, format_lesson_time, local_to_utc, zone_label
from tests.meetings.conftest import TALLINN, tallinn

UTC = dt.UTC


def test_the_seed_example_becomes_13_00_utc():
    start = local_to_utc(dt.date(2026, 2, 25), dt.time(15, 0), TALLINN)
    assert start == dt.datetime(2026, 2, 25, 13, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_zoom_gets_utc_start_time_and_the_timezone(host):
    lesson = Meeting.objects.create(
        host=host,
        topic="Trial lesson",
        start_at=tallinn("2026-02-25", "15:00"),
        duration=60,
        timezone=TALLINN,
    )
    body = zoom_meeting_body(lesson)
    assert body["start_time"] == "2026-02-25T13:00:00Z"
    assert body["timezone"] == "Europe/Tallinn"
    assert body["type"] == 2
    assert body["duration"] == 60


@pytest.mark.parametrize(
    ("day", "expected_utc"),
    [
        # Daylight saving starts on 29 March 2026 at 03:00 (UTC+2 → UTC+3).
        ("2026-03-28", "2026-03-28T13:00:00+00:00"),
        ("2026-03-29", "2026-03-29T12:00:00+00:00"),
        # …and ends on 25 October 2026 at 04:00 (UTC+3 → UTC+2).
        ("2026-10-24", "2026-10-24T12:00:00+00:00"),
        ("2026-10-25", "2026-10-25T13:00:00+00:00"),
    ],
)
def test_same_wall_clock_time_around_daylight_saving_changes(day, expected_utc):
    assert tallinn(day, "15:00").isoformat() == expected_utc


def test_a_weekly_series_keeps_its_wall_clock_time_across_the_change():
    first = tallinn("2026-03-25", "15:00")  # a Wednesday
    starts = occurrence_starts(first, TALLINN, WeeklyRecurrence(weekdays=(2,), count=2))
    assert [s.isoformat() for s in starts] == ["2026-03-25T13:00:00+00:00", "2026-04-01T12:00:00+00:00"]
    assert {s.astimezone(ZoneInfo(TALLINN)).hour for s in starts} == {15}


def test_a_skipped_local_time_gets_a_clear_message():
    with pytest.raises(LocalTimeError) as error:
        local_to_utc(dt.date(2026, 3, 29), dt.time(3, 30), TALLINN)
    assert "does not exist (Tallinn time)" in str(error.value)
    assert "clocks jump forward" in str(error.value)


def test_a_repeated_local_time_gets_a_clear_message():
    with pytest.raises(LocalTimeError) as error:
        local_to_utc(dt.date(2026, 10, 25), dt.time(3, 30), TALLINN)
    assert "happens twice (Tallinn time)" in str(error.value)
    assert "clocks go back" in str(error.value)


def test_times_are_written_like_the_seed():
    assert (
        format_lesson_time(tallinn("2026-02-25", "15:00"), TALLINN)
        == "Wednesday, 25 February 2026, 15:00 (Tallinn time)"
    )
    assert zone_label("America/New_York") == "New York time"
    assert zone_label("UTC") == "UTC"
