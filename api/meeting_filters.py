"""The lesson-list filters both meeting lists share: ZoomHub's own (/api/v1/meetings) and the
Cal-style one (/api/zoom/meetings).

Statuses are accepted in any case (`SCHEDULED` as well as `scheduled`). `startDate`/`endDate`
take a day (whole days in the school's timezone, both ends included) or an instant with its
offset (`2026-02-25T13:00:00Z`, compared exactly); a time without an offset is school time.
"""

import datetime as dt
from typing import Annotated, Literal

from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from pydantic import BeforeValidator, Field

from meetings.models import Meeting
from meetings.timezones import LocalTimeError, get_zone, local_to_utc, school_timezone_name

FIRST_INSTANT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LAST_INSTANT = dt.datetime(2101, 1, 1, tzinfo=dt.UTC)


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


StatusFilter = Annotated[
    Literal["scheduled", "started", "ended", "canceled"] | None,
    BeforeValidator(_lower),
    Field(description="scheduled, started, ended or canceled, in any case (SCHEDULED too)."),
]


def local_midnight(day: dt.date, zone: str) -> dt.datetime:
    try:
        return local_to_utc(day, dt.time(0, 0), zone)
    except LocalTimeError:  # a midnight skipped by a clock change: the day starts an hour later
        return local_to_utc(day, dt.time(1, 0), zone)


def _day_or_instant(value):
    """A day (dt.date) or an aware instant (dt.datetime); a string that is neither is refused."""
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("give a date (2026-02-25) or a date-time (2026-02-25T13:00:00Z)")
    text = value.strip()
    try:
        day = parse_date(text)
        moment = None if day else parse_datetime(text.replace(" ", "T"))
    except ValueError:
        day = moment = None
    if day is not None:
        if not FIRST_INSTANT.date() <= day < LAST_INSTANT.date():
            raise ValueError("the date must be between 2000 and 2100")
        return day
    if moment is None:
        raise ValueError("give a date (2026-02-25) or a date-time (2026-02-25T13:00:00Z)")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=get_zone(school_timezone_name()))
    moment = moment.astimezone(dt.UTC)
    if not FIRST_INSTANT <= moment < LAST_INSTANT:
        raise ValueError("the date must be between 2000 and 2100")
    return moment


DayOrInstant = Annotated[
    dt.datetime | dt.date | None,
    BeforeValidator(_day_or_instant),
    Field(description="A day (school time, included) or an instant with its offset."),
]


def _start_bound(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return local_midnight(value, school_timezone_name())


def _end_bound(value: dt.date | dt.datetime) -> tuple[str, dt.datetime]:
    if isinstance(value, dt.datetime):
        return "start_at__lte", value
    return "start_at__lt", local_midnight(value + dt.timedelta(days=1), school_timezone_name())


def filter_meetings(
    meetings: QuerySet[Meeting],
    *,
    status: str | None = None,
    start: dt.date | dt.datetime | None = None,
    end: dt.date | dt.datetime | None = None,
) -> QuerySet[Meeting]:
    """Lessons with this status that start within [start, end]."""
    if status:
        meetings = meetings.filter(status=status)
    if start is not None:
        meetings = meetings.filter(start_at__gte=_start_bound(start))
    if end is not None:
        lookup, bound = _end_bound(end)
        meetings = meetings.filter(**{lookup: bound})
    return meetings
