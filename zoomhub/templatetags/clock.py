from django import template

from zoomhub import clock

register = template.Library()


@register.filter
def local_time(moment) -> str:
    """{{ run.created_at|local_time }} → "2 Dec 2026, 08:52 (Tallinn time)"."""
    return clock.local_time(moment)


@register.filter
def local_clock(moment) -> str:
    """The same without the label, where the page already says which clock it uses."""
    return clock.local_time(moment, label=False)


@register.filter
def took(finished, started) -> str:
    """{{ run.finished_at|took:run.started_at }} → "14 seconds"."""
    if not finished or not started:
        return ""
    return clock.duration_text((finished - started).total_seconds())
