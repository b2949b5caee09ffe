from django import template

from recordings.models import SyncRun

register = template.Library()


@register.filter
def sync_state_label(state: str) -> str:
    """A sync run's state code (as a list annotates it) in the reader's words."""
    return SyncRun.State(state).label if state in SyncRun.State.values else state
