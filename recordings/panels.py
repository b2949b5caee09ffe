"""The recordings panel of the lesson page (registered in RecordingsConfig.ready())."""

from meetings.models import Meeting
from recordings.models import Recording

RECORDINGS_SHOWN = 20


def lesson_recordings(lesson: Meeting) -> list[Recording]:
    """The cloud recordings of the lesson's held instances, newest first: one query."""
    return list(Recording.objects.filter(meeting=lesson).order_by("-start_time", "-pk")[:RECORDINGS_SHOWN])
