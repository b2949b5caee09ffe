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
from django.utils import dateformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zoomhub.clock import KNOWN_ZONE_LABELS, city_label, zone_label  # noqa: F401  (re-exported)
from zoomhub.viewer import viewer_zone_name

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


def timezone_label(name: str) -> str:
    """ "America/Buenos Aires" for America/Buenos_Aires: the name as people write it."""
    return name.replace("_", " ")


def is_valid_timezone(name: str) -> bool:
    try:
        get_zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_to_utc(day: dt.date, time: dt.time, zone_name: str) -> dt.datetime:
    """The UTC instant of a wall-clock time in `zone_name`; LocalTimeError if there is not exactly one."""
    zone = get_zone(zone_name)
    naive = dt.datetime.combine(day, time.replace(tzinfo=None, second=0, microsecond=0))
    earlier = naive.replace(tzinfo=zone, fold=0)
    later = naive.replace(tzinfo=zone, fold=1)
    shown = f"{format_date(day)} {time:%H:%M}"
    # A skipped local time does not survive the round trip through UTC.
    if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise LocalTimeError(
            _(
                "%(time)s does not exist (%(zone)s): the clocks jump forward that night. "
                "Choose a time outside the skipped hour."
            )
            % {"time": shown, "zone": zone_label(zone_name)}
        )
    if earlier.utcoffset() != later.utcoffset():
        raise LocalTimeError(
            _(
                "%(time)s happens twice (%(zone)s): the clocks go back that night. "
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


# How each language writes a lesson's day: Russian takes the genitive month ("25 февраля") and,
# inside a sentence, a lower-case weekday (Django's catalogue capitalises it: "Вторник").
LESSON_DAY_FORMATS = {"en": "l, j F Y", "ru": "l, j E Y", "et": "l, j. F Y"}
SHORT_DAY_FORMATS = {"en": "l, j F", "ru": "l, j E", "et": "l, j. F"}
DATE_FORMATS = {"en": "j F Y", "ru": "j E Y", "et": "j. F Y"}
DAY_MONTH_FORMATS = {"en": "j F", "ru": "j E", "et": "j. F"}
LOWER_CASE_WEEKDAYS = {"ru"}


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def format_day(moment: dt.datetime | dt.date, *, with_year: bool = True) -> str:
    """ "Tuesday, 23 February 2027" / "вторник, 23 февраля 2027" / "teisipäev, 23. veebruar 2027"."""
    language = _language()
    formats_for = LESSON_DAY_FORMATS if with_year else SHORT_DAY_FORMATS
    text = dateformat.format(moment, formats_for.get(language, formats_for["en"]))
    if language in LOWER_CASE_WEEKDAYS:
        text = text[:1].lower() + text[1:]
    return text


def format_date(day: dt.date) -> str:
    """ "30 June 2026" / "30 июня 2026" / "30. juuni 2026"."""
    return dateformat.format(day, DATE_FORMATS.get(_language(), DATE_FORMATS["en"]))


def format_day_month(day: dt.date) -> str:
    """ "25 February" / "25 февраля" / "25. veebruar"."""
    return dateformat.format(day, DAY_MONTH_FORMATS.get(_language(), DAY_MONTH_FORMATS["en"]))


def lesson_time_writer():
    """format_lesson_time(moment, zone_name) for the many rows of one list page: the reader's zone,
    the zones' labels and each day's text looked up once per page (the same text)."""
    viewer_zone = viewer_zone_name()
    days: dict[tuple, str] = {}
    labels: dict[str, str] = {}
    valid: dict[str, bool] = {}

    def day_text(local: dt.datetime, with_year: bool = True) -> str:
        key = (local.year, local.month, local.day, with_year)
        text = days.get(key)
        if text is None:
            text = days[key] = format_day(local, with_year=with_year)
        return text

    def label(zone_name: str) -> str:
        text = labels.get(zone_name)
        if text is None:
            text = labels[zone_name] = zone_label(zone_name)
        return text

    def write(moment: dt.datetime, zone_name: str) -> str:
        local = to_local(moment, zone_name)
        text = f"{day_text(local)}, {local:%H:%M}"
        if viewer_zone and viewer_zone != zone_name:
            if viewer_zone not in valid:
                valid[viewer_zone] = is_valid_timezone(viewer_zone)
            if valid[viewer_zone]:
                theirs = to_local(moment, viewer_zone)
                their_clock = f"{theirs:%H:%M}"
                if theirs.date() != local.date():
                    their_clock = f"{day_text(theirs, with_year=False)}, {their_clock}"
                return f"{text} ({label(zone_name)}; {their_clock} {label(viewer_zone)})"
        return f"{text} ({label(zone_name)})"

    return write


def format_lesson_time(
    moment: dt.datetime, zone_name: str, *, with_zone: bool = True, viewer_zone: str | None = None
) -> str:
    """A lesson time as the school writes it to people, in the active language.

    "Tuesday, 23 February 2027, 15:00 (Tallinn time)", "вторник, 23 февраля 2027, 15:00 (по
    Таллину)", "teisipäev, 23. veebruar 2027, 15:00 (Tallinna aja järgi)". When the reader's own
    zone (their preference, or `viewer_zone`) is another one, their clock follows:
    "… 15:00 (по Таллину; 16:00 по Москве)", with the day too when it is not the same day there.
    """
    local = to_local(moment, zone_name)
    text = f"{format_day(local)}, {local:%H:%M}"
    if not with_zone:
        return text
    viewer_zone = viewer_zone or viewer_zone_name()
    if not viewer_zone or viewer_zone == zone_name or not is_valid_timezone(viewer_zone):
        return f"{text} ({zone_label(zone_name)})"
    theirs = to_local(moment, viewer_zone)
    their_clock = f"{theirs:%H:%M}"
    if theirs.date() != local.date():
        their_clock = f"{format_day(theirs, with_year=False)}, {their_clock}"
    return f"{text} ({zone_label(zone_name)}; {their_clock} {zone_label(viewer_zone)})"
