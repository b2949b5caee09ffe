"""Weekly recurrence: the occurrences a lesson series has, as Zoom computes them.

Zoom's recurring meeting with fixed time (type 8) with recurrence type 2 (weekly) repeats on
chosen weekdays at the same wall-clock time in the meeting's timezone, `end_times` times or
until `end_date_time`. https://developers.zoom.us/docs/api/meetings/#tag/meetings/POST/users/{userId}/meetings
"""

import datetime as dt
from dataclasses import dataclass

from meetings.timezones import UTC, get_zone

# Zoom refuses more occurrences than this in one recurring meeting.
MAX_OCCURRENCES = 60

# Python's weekday() (Monday 0) → Zoom's weekly_days (Sunday 1 … Saturday 7).
ZOOM_WEEKDAY = {0: 2, 1: 3, 2: 4, 3: 5, 4: 6, 5: 7, 6: 1}
PYTHON_WEEKDAY = {zoom: python for python, zoom in ZOOM_WEEKDAY.items()}


@dataclass(frozen=True)
class WeeklyRecurrence:
    weekdays: tuple[int, ...]  # Python weekday numbers, Monday 0
    count: int | None = None
    until: dt.date | None = None  # inclusive, in the lesson's timezone

    def zoom_weekly_days(self) -> str:
        return ",".join(str(ZOOM_WEEKDAY[d]) for d in sorted(self.weekdays))


def parse_weekdays(text: str) -> tuple[int, ...]:
    return tuple(sorted({int(part) for part in text.split(",") if part.strip().isdigit()}))


def occurrence_starts(
    first_start: dt.datetime,
    zone_name: str,
    recurrence: WeeklyRecurrence | None,
    *,
    limit: int = MAX_OCCURRENCES + 1,
) -> list[dt.datetime]:
    """UTC starts of every occurrence (at most `limit`), keeping the wall-clock time across DST changes."""
    if recurrence is None or not recurrence.weekdays:
        return [first_start]
    zone = get_zone(zone_name)
    local_first = first_start.astimezone(zone)
    wall_time = local_first.time().replace(tzinfo=None)
    starts: list[dt.datetime] = []
    day = local_first.date()
    # A series never spans more weeks than it has occurrences (at least one day a week).
    last_day = recurrence.until or day + dt.timedelta(weeks=(recurrence.count or limit) + 1)
    while day <= last_day and len(starts) < limit:
        if day.weekday() in recurrence.weekdays:
            # Later occurrences in a skipped hour move forward, as clocks do (fold=0).
            local = dt.datetime.combine(day, wall_time).replace(tzinfo=zone)
            starts.append(local.astimezone(UTC))
            if recurrence.count and len(starts) >= recurrence.count:
                break
        day += dt.timedelta(days=1)
    return starts
