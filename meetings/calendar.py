"""The week calendar: which lessons (occurrences of series included) fall on which day, in one timezone."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from meetings.models import Meeting
from meetings.timezones import get_zone


@dataclass(frozen=True)
class CalendarEntry:
    lesson: Meeting
    start: dt.datetime  # local
    end: dt.datetime  # local


@dataclass
class CalendarDay:
    date: dt.date
    is_today: bool
    entries: list[CalendarEntry] = field(default_factory=list)


def week_start_for(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_grid(*, week_start: dt.date, zone_name: str, lessons: QuerySet[Meeting]) -> list[CalendarDay]:
    """Seven days from Monday `week_start`, each with its lessons sorted by time (one query)."""
    zone = get_zone(zone_name)
    start = dt.datetime.combine(week_start, dt.time(0, 0), tzinfo=zone)
    end = dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time(0, 0), tzinfo=zone)
    today = dt.datetime.now(zone).date()
    days = [CalendarDay(date=week_start + dt.timedelta(days=i), is_today=False) for i in range(7)]
    for day in days:
        day.is_today = day.date == today
    by_date = {day.date: day for day in days}
    for lesson in lessons.filter(start_at__lt=end, series_end_at__gt=start).order_by("start_at", "pk"):
        length = dt.timedelta(minutes=lesson.duration)
        for occurrence in lesson.occurrence_starts():
            local_start = occurrence.astimezone(zone)
            local_end = (occurrence + length).astimezone(zone)
            if local_end <= start or local_start >= end:
                continue
            day = by_date.get(local_start.date()) or days[0]
            day.entries.append(CalendarEntry(lesson=lesson, start=local_start, end=local_end))
    for day in days:
        day.entries.sort(key=lambda entry: (entry.start, entry.lesson.pk))
    return days
