"""Every write and Zoom call of the recordings app (see the modules for the why)."""

from recordings.services.downloads import (
    recording_file_download,
    recording_file_request_download,
    recording_file_stream,
    recording_files_due,
    recording_files_enqueue,
)
from recordings.services.retention import recording_set_legal_hold
from recordings.services.sources import (
    SyncAlreadyRunning,
    source_create,
    source_update,
    sync_run_active,
    sync_run_create,
    sync_run_default_dates,
    sync_run_start,
)
from recordings.services.sync import (
    SyncRetryLater,
    SyncRunBusy,
    sync_run_claim,
    sync_run_execute,
    sync_run_fail,
)
from recordings.services.upsert import recordings_mark, recordings_upsert

__all__ = [
    "SyncAlreadyRunning",
    "SyncRetryLater",
    "SyncRunBusy",
    "recording_file_download",
    "recording_file_request_download",
    "recording_file_stream",
    "recording_files_due",
    "recording_files_enqueue",
    "recording_set_legal_hold",
    "recordings_mark",
    "recordings_upsert",
    "source_create",
    "source_update",
    "sync_run_active",
    "sync_run_claim",
    "sync_run_create",
    "sync_run_default_dates",
    "sync_run_execute",
    "sync_run_fail",
    "sync_run_start",
]
