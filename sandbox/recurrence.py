"""Occurrences of a recurring meeting with a fixed time (type 8), computed like Zoom does.

recurrence.type 1 daily / 2 weekly (weekly_days "1,3": 1 = Sunday) / 3 monthly (monthly_day),
repeat_interval, end_times (default 1, at most 60) or end_date_time. Days are counted in the
meeting's timezone, so a weekly lesson keeps its local time across a DST change.
"""

import calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sandbox.clock import iso, parse_iso

MAX_OCCURRENCES = 60


class RecurrenceError(ValueError):
    pass


def occurrences(start: datetime, timezone: str, duration: int, recurrence: dict) -> list[dict]:
    try:
        tz = ZoneInfo(timezone or "UTC")
    except (KeyError, ValueError) as error:
        raise RecurrenceError("timezone") from error
    kind = recurrence.get("type")
    interval = recurrence.get("repeat_interval") or 1
    if kind not in (1, 2, 3) or not isinstance(interval, int) or interval < 1:
        raise RecurrenceError("recurrence")
    end_times = recurrence.get("end_times")
    end_date = recurrence.get("end_date_time")
    if end_date:
        try:
            until = parse_iso(end_date)
        except ValueError as error:
            raise RecurrenceError("recurrence.end_date_time") from error
        limit = MAX_OCCURRENCES
    else:
        until = None
        limit = end_times or 1
        if not isinstance(limit, int) or not 1 <= limit <= MAX_OCCURRENCES:
            raise RecurrenceError("recurrence.end_times")
    local = start.astimezone(tz)
    found: list[datetime] = []
    for candidate in _candidates(local, kind, interval, recurrence):
        moment = candidate.astimezone(UTC)
        if until is not None and moment > until:
            break
        if candidate >= local:
            found.append(moment)
        if len(found) >= limit:
            break
    return [
        {
            "occurrence_id": str(int(moment.timestamp() * 1000)),
            "start_time": iso(moment),
            "duration": duration,
            "status": "available",
        }
        for moment in found
    ]


def _candidates(local: datetime, kind: int, interval: int, recurrence: dict):
    wall = local.replace(tzinfo=None)
    tz = local.tzinfo
    for step in range(0, 400):
        if kind == 1:
            yield (wall + timedelta(days=step * interval)).replace(tzinfo=tz)
        elif kind == 2:
            days = _weekly_days(recurrence.get("weekly_days", ""), local)
            # Weeks start on Sunday in Zoom's numbering (1 = Sunday).
            week_start = wall - timedelta(days=(wall.weekday() + 1) % 7) + timedelta(weeks=step * interval)
            for day in days:
                yield (week_start + timedelta(days=day - 1)).replace(tzinfo=tz)
        else:
            day = recurrence.get("monthly_day") or local.day
            if not isinstance(day, int) or not 1 <= day <= 31:
                raise RecurrenceError("recurrence.monthly_day")
            month_index = wall.month - 1 + step * interval
            year, month = wall.year + month_index // 12, month_index % 12 + 1
            if day <= calendar.monthrange(year, month)[1]:
                yield wall.replace(year=year, month=month, day=day).replace(tzinfo=tz)


def _weekly_days(value, local: datetime) -> list[int]:
    if not value:
        return [(local.weekday() + 1) % 7 + 1]
    try:
        days = sorted({int(part) for part in str(value).split(",")})
    except ValueError as error:
        raise RecurrenceError("recurrence.weekly_days") from error
    if not days or any(d < 1 or d > 7 for d in days):
        raise RecurrenceError("recurrence.weekly_days")
    return days
