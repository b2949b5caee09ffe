"""Sync runs, recordings and downloads per state, for /metrics (registered with zoomhub.metrics in apps.py)."""

from django.db.models import Count

from recordings.models import Recording, RecordingFile, SyncRun
from zoomhub.metrics import gauge


def _per_state(queryset, field: str, choices) -> list[tuple[dict, float]]:
    counts = dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
    return [({"state": value}, float(counts.get(value, 0))) for value, _label in choices]


def collect():
    yield gauge(
        "zoomhub_sync_runs",
        "Recording sync runs by state.",
        _per_state(SyncRun.objects.order_by(), "state", SyncRun.State.choices),
        labels=("state",),
    )
    yield gauge(
        "zoomhub_recordings",
        "Recordings by state.",
        _per_state(Recording.objects.order_by(), "state", Recording.State.choices),
        labels=("state",),
    )
    yield gauge(
        "zoomhub_recording_files",
        "Recording files by the state of ZoomHub's copy (downloading: transfers in flight).",
        _per_state(RecordingFile.objects.order_by(), "download_state", RecordingFile.Download.choices),
        labels=("state",),
    )
