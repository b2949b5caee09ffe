"""Date windows for Zoom's recording list, and a run's default dates. Pure functions, no I/O.

Zoom: "the maximum range can be a month" — and a longer range is not refused but silently cut
to the month that ends at `to` (zoom/api#36). So every window must fit in *every* month:
a range of at most 28 days is one window; anything longer is walked in calendar months (a
calendar month always fits, February included), clipped to the range at both ends.
https://developers.zoom.us/docs/api/cloud-recording/#tag/cloud-recording/GET/users/{userId}/recordings
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

MAX_SINGLE_WINDOW_DAYS = 28


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive, as Zoom's `to`

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def windows(from_date: date, to_date: date) -> list[Window]:
    """Windows covering [from_date, to_date] without gaps or overlaps, each within one month."""
    if from_date > to_date:
        raise ValueError("from_date is after to_date")
    if (to_date - from_date).days + 1 <= MAX_SINGLE_WINDOW_DAYS:
        return [Window(from_date, to_date)]
    result = []
    start = from_date
    while start <= to_date:
        end = min(month_end(start), to_date)
        result.append(Window(start, end))
        start = end + timedelta(days=1)
    return result


def default_from_date(
    *, last_success_to: date | None, today: date, overlap_days: int, first_days: int
) -> date:
    """Incremental: the last successful run's end minus an overlap; a first run looks back `first_days`.

    The overlap catches recordings Zoom finished processing after the last run had listed their day.
    """
    if last_success_to is None:
        return today - timedelta(days=first_days)
    return min(today, last_success_to - timedelta(days=overlap_days))
