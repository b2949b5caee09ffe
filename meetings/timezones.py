"""Wall-clock time in a named timezone ↔ UTC, and how lesson times are written for people.

Lessons are entered and shown in the school's timezone (settings.SCHOOL_TIMEZONE) or a
per-lesson one, and stored in UTC. A local time that does not exist (the hour skipped when
clocks go forward) or exists twice (the hour repeated when they go back) is refused with a
message instead of being guessed.
"""

import datetime as dt
import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

UTC = dt.UTC


class LocalTimeError(ValueError):
    """A local date and time that cannot name one instant; str() is a message for people."""


def school_timezone_name() -> str:
    return settings.SCHOOL_TIMEZONE


@lru_cache(maxsize=64)
def get_zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


@lru_cache(maxsize=1)
def timezone_names() -> list[str]:
    """Every IANA timezone name Python knows, for the lesson form's choice list."""
    return sorted(zoneinfo.available_timezones())


def is_valid_timezone(name: str) -> bool:
    try:
        get_zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def city_label(name: str) -> str:
    """ "Europe/Tallinn" → "Tallinn", "America/New_York" → "New York", "UTC" → "UTC"."""
    return name.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(name: str) -> str:
    """How a time's zone is written after it: "Tallinn time"."""
    if name.upper() in {"UTC", "ETC/UTC", "GMT", "ETC/GMT"}:
        return "UTC"
    return _("%(city)s time") % {"city": city_label(name)}


def local_to_utc(day: dt.date, time: dt.time, zone_name: str) -> dt.datetime:
    """The UTC instant of a wall-clock time in `zone_name`; LocalTimeError if there is not exactly one."""
    zone = get_zone(zone_name)
    naive = dt.datetime.combine(day, time.replace(tzinfo=None, second=0, microsecond=0))
    earlier = naive.replace(tzinfo=zone, fold=0)
    later = naive.replace(tzinfo=zone, fold=1)
    shown = f"{formats.date_format(day, 'DATE_FORMAT')} {time:%H:%M}"
    # A skipped local time does not survive the round trip through UTC.
    if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise LocalTimeError(
            _(
                "%(time)s does not exist in %(zone)s: the clocks jump forward that night. "
                "Choose a time outside the skipped hour."
            )
            % {"time": shown, "zone": zone_label(zone_name)}
        )
    if earlier.utcoffset() != later.utcoffset():
        raise LocalTimeError(
            _(
                "%(time)s happens twice in %(zone)s: the clocks go back that night. "
                "Choose a time outside the repeated hour."
            )
            % {"time": shown, "zone": zone_label(zone_name)}
        )
    return earlier.astimezone(UTC)


def to_local(moment: dt.datetime, zone_name: str) -> dt.datetime:
    return moment.astimezone(get_zone(zone_name))


def zoom_utc(moment: dt.datetime) -> str:
    """Zoom's UTC form: yyyy-MM-ddTHH:mm:ssZ."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_zoom_time(value: str | None) -> dt.datetime | None:
    """Zoom's "2026-02-25T13:00:00Z" (or with an offset) as an aware datetime; None if absent or bad."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_lesson_time(moment: dt.datetime, zone_name: str, *, with_zone: bool = True) -> str:
    """ "Wednesday, 25 February 2026, 15:00 (Tallinn time)": how the school writes lesson times for people."""
    local = to_local(moment, zone_name)
    text = f"{formats.date_format(local, 'l, j F Y')}, {local:%H:%M}"
    if with_zone:
        text += f" ({zone_label(zone_name)})"
    return text
