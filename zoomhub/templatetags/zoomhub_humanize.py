from django import template

from zoomhub import humanize

register = template.Library()


@register.filter
def duration(minutes) -> str:
    return humanize.duration_text(minutes)


@register.filter
def relative_time(moment) -> str:
    return humanize.relative_time(moment)
