from django import template

from recordings import labels
from recordings.models import SyncRun

register = template.Library()


@register.filter
def sync_state_label(state: str) -> str:
    """A sync run's state code (as a list annotates it) in the reader's words."""
    return SyncRun.State(state).label if state in SyncRun.State.values else state


@register.filter
def file_type_label(file_type: str) -> str:
    """ "Video" for MP4, "Chat" for CHAT…"""
    return labels.file_type_label(file_type)


@register.filter
def recording_type_label(recording_type: str) -> str:
    """ "Screen and speaker" for shared_screen_with_speaker_view…"""
    return labels.recording_type_label(recording_type)
