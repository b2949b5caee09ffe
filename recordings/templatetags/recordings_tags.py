from django import template

from recordings.models import Recording

register = template.Library()


@register.simple_tag
def lesson_recordings(lesson, limit: int = 20):
    """The cloud recordings of a lesson's held instances, newest first, for the lesson page (one query)."""
    return list(Recording.objects.filter(meeting=lesson).order_by("-start_time", "-pk")[:limit])
