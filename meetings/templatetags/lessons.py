from django import template

from meetings.timezones import format_date, format_day_month, format_lesson_time, zone_label
from zoomhub.humanize import lesson_count_text

register = template.Library()


@register.filter
def lesson_time(lesson) -> str:
    """A lesson's first start as people read it: "Wednesday, 25 February 2026, 15:00 (Tallinn time)"."""
    return format_lesson_time(lesson.start_at, lesson.timezone)


@register.filter
def in_lesson_zone(moment, lesson) -> str:
    """Any instant in the lesson's timezone, written the same way."""
    if not moment:
        return ""
    return format_lesson_time(moment, lesson.timezone)


@register.filter
def day_month(day) -> str:
    """ "25 February", "25 февраля" (Russian needs the genitive that Django's "F" lacks)."""
    return format_day_month(day) if day else ""


@register.filter
def full_date(day) -> str:
    return format_date(day) if day else ""


@register.filter
def time_zone_label(zone_name: str) -> str:
    return zone_label(zone_name)


@register.filter
def recurrence_text(lesson) -> str:
    """ "Weekly on Monday, Wednesday · 10 lessons" or "… · until 30 June 2026"; empty for one lesson."""
    from django.utils.translation import gettext as _

    from meetings.forms import WEEKDAY_CHOICES

    recurrence = lesson.recurrence
    if recurrence is None:
        return ""
    names = dict(WEEKDAY_CHOICES)
    days = ", ".join(str(names[str(d)]) for d in recurrence.weekdays)
    if recurrence.count:
        end = lesson_count_text(recurrence.count)
    else:
        end = _("until %(date)s") % {"date": format_date(recurrence.until)}
    return _("Weekly on %(days)s · %(end)s") % {"days": days, "end": end}


STATUS_BADGES = {"scheduled": "", "started": "ok", "ended": "", "canceled": "bad"}
PUSH_BADGES = {"pending": "warn", "syncing": "warn", "synced": "ok", "failed": "bad"}


@register.filter
def status_badge(lesson) -> str:
    return STATUS_BADGES.get(lesson.status, "")


@register.filter
def push_badge(lesson) -> str:
    return PUSH_BADGES.get(lesson.push_state, "")
