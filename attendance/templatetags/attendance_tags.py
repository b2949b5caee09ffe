from django import template

from meetings.timezones import format_lesson_time

register = template.Library()

STATUS_BADGES = {
    "completed": "ok",
    "no_show": "bad",
    "teacher_absent": "bad",
    "never_took_place": "warn",
    "pending": "",
}
DATA_BADGES = {"pending": "warn", "ready": "ok", "unavailable": "bad"}


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "")


@register.filter
def data_badge(state: str) -> str:
    return DATA_BADGES.get(state, "")


@register.filter
def school_time(moment, zone: str) -> str:
    return format_lesson_time(moment, zone) if moment else ""


@register.filter
def clock(moment, zone: str) -> str:
    """ "15:07" in the given timezone."""
    if not moment:
        return ""
    from meetings.timezones import to_local

    return to_local(moment, zone).strftime("%H:%M")
