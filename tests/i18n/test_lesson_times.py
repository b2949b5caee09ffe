"""Lesson times, durations, counts and relative times as people say them in en, ru and et."""

import datetime as dt

import pytest
from django.utils import translation

from meetings.timezones import format_lesson_time, local_to_utc
from zoomhub.humanize import duration_text, lesson_count_text, relative_time

TALLINN = "Europe/Tallinn"
UTC = dt.UTC


def tallinn(day: str, time: str) -> dt.datetime:
    return local_to_utc(dt.date.fromisoformat(day), dt.time.fromisoformat(time), TALLINN)


def shown(language: str, moment: dt.datetime, **kwargs) -> str:
    with translation.override(language):
        return format_lesson_time(moment, TALLINN, **kwargs)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Tuesday, 23 February 2027, 15:00 (Tallinn time)"),
        ("ru", "вторник, 23 февраля 2027, 15:00 (по Таллину)"),
        ("et", "teisipäev, 23. veebruar 2027, 15:00 (Tallinna aja järgi)"),
    ],
)
def test_a_lesson_time_reads_like_the_school_writes_it(language, expected):
    assert shown(language, dt.datetime(2027, 2, 23, 13, 0, tzinfo=UTC)) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Thursday, 25 February 2027, 15:00 (Tallinn time)"),
        ("ru", "четверг, 25 февраля 2027, 15:00 (по Таллину)"),
        ("et", "neljapäev, 25. veebruar 2027, 15:00 (Tallinna aja järgi)"),
    ],
)
def test_the_seeds_example_date_with_its_real_weekday(language, expected):
    # The school's own example, 25 February at 15:00 Tallinn time (13:00 UTC in winter): a Thursday in 2027.
    assert shown(language, tallinn("2027-02-25", "15:00")) == expected


@pytest.mark.parametrize(
    ("day", "utc_hour", "expected_ru", "expected_et"),
    [
        # Clocks go forward in Tallinn on 28 March 2027 (UTC+2 → UTC+3) …
        ("2027-03-27", 13, "суббота, 27 марта 2027, 15:00 (по Таллину)", "laupäev, 27. märts 2027, 15:00"),
        (
            "2027-03-29",
            12,
            "понедельник, 29 марта 2027, 15:00 (по Таллину)",
            "esmaspäev, 29. märts 2027, 15:00",
        ),
        # … and back on 31 October 2027.
        (
            "2027-10-30",
            12,
            "суббота, 30 октября 2027, 15:00 (по Таллину)",
            "laupäev, 30. oktoober 2027, 15:00",
        ),
        (
            "2027-11-01",
            13,
            "понедельник, 1 ноября 2027, 15:00 (по Таллину)",
            "esmaspäev, 1. november 2027, 15:00",
        ),
    ],
)
def test_the_wall_clock_time_stays_across_daylight_saving_changes(day, utc_hour, expected_ru, expected_et):
    start = tallinn(day, "15:00")
    assert start.astimezone(UTC).hour == utc_hour
    assert shown("ru", start) == expected_ru
    assert shown("et", start) == f"{expected_et} (Tallinna aja järgi)"
    assert shown("en", start).endswith("15:00 (Tallinn time)")


def test_a_reader_in_another_zone_also_gets_their_own_clock_across_both_countries_changes():
    # New York moves its clocks on 14 March 2027, Tallinn on 28 March: the gap is 6 hours, then 7.
    before, after = tallinn("2027-03-20", "15:00"), tallinn("2027-03-29", "15:00")
    assert shown("ru", before, viewer_zone="America/New_York") == (
        "суббота, 20 марта 2027, 15:00 (по Таллину; 09:00 по Нью-Йорку)"
    )
    assert shown("ru", after, viewer_zone="America/New_York") == (
        "понедельник, 29 марта 2027, 15:00 (по Таллину; 08:00 по Нью-Йорку)"
    )
    assert shown("et", after, viewer_zone="America/New_York") == (
        "esmaspäev, 29. märts 2027, 15:00 (Tallinna aja järgi; 08:00 New Yorgi aja järgi)"
    )
    assert shown("en", after, viewer_zone="America/New_York") == (
        "Monday, 29 March 2027, 15:00 (Tallinn time; 08:00 New York time)"
    )


def test_the_readers_day_is_named_when_it_is_another_day_there():
    late = tallinn("2027-02-25", "23:00")
    assert shown("ru", late, viewer_zone="Asia/Tokyo") == (
        "четверг, 25 февраля 2027, 23:00 (по Таллину; пятница, 26 февраля, 06:00 по времени Tokyo)"
    )
    assert shown("et", late, viewer_zone="Asia/Tokyo") == (
        "neljapäev, 25. veebruar 2027, 23:00 (Tallinna aja järgi; reede, 26. veebruar, 06:00 Tokyo aja järgi)"
    )
    assert shown("en", late, viewer_zone="Asia/Tokyo") == (
        "Thursday, 25 February 2027, 23:00 (Tallinn time; Friday, 26 February, 06:00 Tokyo time)"
    )


def test_a_reader_in_the_schools_zone_gets_no_second_clock():
    assert shown("ru", tallinn("2027-02-25", "15:00"), viewer_zone=TALLINN).endswith("15:00 (по Таллину)")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["1 lesson", "2 lessons", "5 lessons", "21 lessons", "11 lessons"]),
        ("ru", ["1 урок", "2 урока", "5 уроков", "21 урок", "11 уроков"]),
        ("et", ["1 tund", "2 tundi", "5 tundi", "21 tundi", "11 tundi"]),
    ],
)
def test_lesson_counts_take_the_languages_plural_forms(language, expected):
    with translation.override(language):
        assert [lesson_count_text(n) for n in (1, 2, 5, 21, 11)] == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["in 2 hours", "in 1 hour", "in 5 minutes", "3 days ago", "21 minutes ago", "just now"]),
        (
            "ru",
            ["через 2 часа", "через 1 час", "через 5 минут", "3 дня назад", "21 минуту назад", "только что"],
        ),
        (
            "et",
            [
                "2 tunni pärast",
                "1 tunni pärast",
                "5 minuti pärast",
                "3 päeva tagasi",
                "21 minutit tagasi",
                "just praegu",
            ],
        ),
    ],
)
def test_relative_times(language, expected):
    now = dt.datetime(2027, 2, 25, 12, 0, tzinfo=UTC)
    moments = [
        now + dt.timedelta(hours=2, minutes=10),
        now + dt.timedelta(minutes=61),
        now + dt.timedelta(minutes=5, seconds=20),
        now - dt.timedelta(days=3, hours=4),
        now - dt.timedelta(minutes=21),
        now - dt.timedelta(seconds=20),
    ]
    with translation.override(language):
        assert [relative_time(moment, now) for moment in moments] == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["45 minutes", "1 hour", "1 hour 30 minutes", "2 hours 1 minute"]),
        ("ru", ["45 минут", "1 час", "1 час 30 минут", "2 часа 1 минута"]),
        ("et", ["45 minutit", "1 tund", "1 tund 30 minutit", "2 tundi 1 minut"]),
    ],
)
def test_durations(language, expected):
    with translation.override(language):
        assert [duration_text(minutes) for minutes in (45, 60, 90, 121)] == expected
