"""Freeing Zoom's cloud: a recording goes to Zoom's trash only once every one of its files is verified.

Zoom's `DELETE /meetings/{meetingUUID}/recordings?action=trash` moves *all* of a meeting's files
to the trash (kept there 30 days). So a recording qualifies only when ZoomHub holds a verified
copy (stored, size checked, SHA-256 recorded) of as many files as Zoom counts for it
(recording_count): a source that keeps only video and audio never frees a recording that also
has a chat or transcript file. Every decision — a dry run's "would trash", a trash, a failure —
leaves an audit row saying who, when and under which policy.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recordings.models import Recording, RecordingFile, Source, ZoomCloudDeletion
from zoomhub.zoom.client import meeting_path_id
from zoomhub.zoom.errors import ZoomError, ZoomNotFound, ZoomPermissionError

logger = logging.getLogger(__name__)

DELETE_SCOPE = "cloud_recording:delete:meeting_recording"


def verified_files(recording: Recording) -> list[RecordingFile] | None:
    """The recording's stored, verified files when they are all of Zoom's files; else None."""
    files = list(recording.files.select_related("destination").all())
    stored = [
        f for f in files if f.download_state == RecordingFile.Download.DONE and f.sha256 and f.storage_name
    ]
    if not files or len(stored) != len(files) or len(stored) < max(recording.recording_count, 1):
        return None
    return stored


def why_not_ready(recording: Recording) -> str:
    files = list(recording.files.all())
    stored = sum(1 for f in files if f.download_state == RecordingFile.Download.DONE and f.sha256)
    return _("%(stored)s of %(total)s files of this recording are stored and verified.") % {
        "stored": stored,
        "total": max(recording.recording_count, len(files)),
    }


def _policy(source: Source) -> str:
    where = source.destination.name if source.destination else _("this server's disk")
    return _(
        "Source “%(source)s”: free Zoom's cloud = %(mode)s; every file verified (size and SHA-256) in %(where)s."
    ) % {"source": source.name, "mode": source.free_zoom_cloud, "where": where}


def _file_facts(files: list[RecordingFile]) -> list[dict]:
    return [
        {
            "zoom_file_id": f.zoom_file_id,
            "file_type": f.file_type,
            "destination": f.destination.name if f.destination else "local",
            "key": f.storage_name,
            "size": f.file_size,
            "sha256": f.sha256,
        }
        for f in files
    ]


def recording_free_zoom_cloud(
    *, recording: Recording, trigger: str, requested_by=None, dry_run: bool | None = None
) -> ZoomCloudDeletion | None:
    """Trash the recording in Zoom if its source allows it and every file is verified; None if not due."""
    source = recording.source
    if source is None or source.free_zoom_cloud == Source.FreeZoomCloud.OFF:
        return None
    if dry_run is None:
        dry_run = source.free_zoom_cloud == Source.FreeZoomCloud.DRY_RUN
    with transaction.atomic():
        locked = Recording.objects.select_for_update().filter(pk=recording.pk).first()
        if locked is None or locked.state != Recording.State.AVAILABLE:
            return None
        outcomes = ZoomCloudDeletion.objects.filter(recording=locked)
        if outcomes.filter(outcome=ZoomCloudDeletion.Outcome.TRASHED).exists():
            return None
        if dry_run and outcomes.filter(outcome=ZoomCloudDeletion.Outcome.WOULD_TRASH).exists():
            return None
        files = verified_files(locked)
        if files is None:
            return None
        audit = ZoomCloudDeletion(
            recording=locked,
            meeting_uuid=locked.uuid,
            source=source,
            policy=_policy(source),
            files=_file_facts(files),
            requested_by=requested_by,
            trigger=trigger,
        )
        if dry_run:
            audit.outcome = ZoomCloudDeletion.Outcome.WOULD_TRASH
            audit.save()
            return audit
        try:
            _trash_in_zoom(locked)
        except ZoomNotFound:
            audit.outcome = ZoomCloudDeletion.Outcome.ALREADY_GONE
        except ZoomError as error:
            audit.outcome = ZoomCloudDeletion.Outcome.FAILED
            audit.error = str(error)
            if isinstance(error, ZoomPermissionError):
                audit.error = _(
                    "%(error)s — the Zoom app needs the scope %(scope)s (or recording:write)."
                ) % {
                    "error": error,
                    "scope": DELETE_SCOPE
                    + (":admin" if source.credential.kind == "server_to_server" else ""),
                }
            audit.save()
            logger.warning("Moving recording %s to Zoom's trash failed: %s", locked.pk, audit.error)
            return audit
        else:
            audit.outcome = ZoomCloudDeletion.Outcome.TRASHED
        audit.save()
        now = timezone.now()
        Recording.objects.filter(pk=locked.pk).update(state=Recording.State.TRASHED, state_changed_at=now)
        RecordingFile.objects.filter(recording=locked).update(state=Recording.State.TRASHED, updated_at=now)
        logger.info("Recording %s moved to Zoom's trash after its copies were verified", locked.pk)
        return audit


def _trash_in_zoom(recording: Recording) -> None:
    from recordings.services.downloads import client_for_recording

    client = client_for_recording(recording)
    client.delete(f"/meetings/{meeting_path_id(recording.uuid)}/recordings", params={"action": "trash"})


def recordings_free_zoom_cloud(*, source: Source | None = None, trigger: str = "daily job", dry_run=None):
    """Every recording of the sources that free Zoom's cloud and are ready now (the daily job)."""
    sources = Source.objects.exclude(free_zoom_cloud=Source.FreeZoomCloud.OFF)
    if source is not None:
        sources = sources.filter(pk=source.pk)
    audits = []
    for each in sources:
        candidates = Recording.objects.filter(source=each, state=Recording.State.AVAILABLE).exclude(
            files__download_state__in=[
                RecordingFile.Download.NONE,
                RecordingFile.Download.PENDING,
                RecordingFile.Download.DOWNLOADING,
                RecordingFile.Download.FAILED,
                RecordingFile.Download.EXPIRED,
            ]
        )
        for recording in candidates.select_related("source__credential", "source__destination").iterator():
            audit = recording_free_zoom_cloud(recording=recording, trigger=trigger, dry_run=dry_run)
            if audit is not None:
                audits.append(audit)
    return audits
