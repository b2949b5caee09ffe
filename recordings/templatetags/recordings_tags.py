from django import template

from recordings.models import Recording, SyncRun

register = template.Library()


@register.filter
def sync_state_label(state: str) -> str:
    """A sync run's state code (as a list annotates it) in the reader's words."""
    return SyncRun.State(state).label if state in SyncRun.State.values else state


@register.simple_tag
def lesson_recordings(lesson, limit: int = 20):
    """The cloud recordings of a lesson's held instances, newest first, for the lesson page (one query)."""
    return list(Recording.objects.filter(meeting=lesson).order_by("-start_time", "-pk")[:limit])
