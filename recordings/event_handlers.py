"""Zoom's recording events, registered with the webhooks app in RecordingsConfig.ready().

handle(*, event_type, body, credential): raise to have the event retried, return when done.
Deliveries are at least once, so each handler is idempotent: the upsert is keyed by Zoom's ids.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from recordings import signals
from recordings.models import Recording, RecordingFile, Source
from recordings.services.downloads import recording_files_enqueue
from recordings.services.upsert import file_id, recordings_mark, recordings_upsert

logger = logging.getLogger(__name__)

# Zoom: the download_token of recording.completed is valid for 24 hours; stop using it a bit early.
DOWNLOAD_TOKEN_LIFETIME = timedelta(hours=24) - timedelta(minutes=15)


def _object(body: dict) -> dict:
    obj = (body.get("payload") or {}).get("object") or {}
    if not obj.get("uuid"):
        raise ValueError("The recording event has no payload.object.uuid.")
    return obj


def source_for_event(*, credential, obj: dict) -> Source | None:
    """The source that covers this recording: same Zoom account, and its targets include the host."""
    if credential is None:
        return None
    sources = list(Source.objects.filter(credential=credential).order_by("-active", "pk"))
    host_email = (obj.get("host_email") or "").lower()
    for source in sources:
        if source.user_id and source.user_id in (obj.get("host_id"), host_email):
            return source
        if source.user_emails and host_email in source.user_emails:
            return source
        if source.account_ids and obj.get("account_id") in source.account_ids:
            return source
    plain = [s for s in sources if not s.user_id and not s.user_emails and not s.account_ids]
    return plain[0] if plain else None


def _event_time(body: dict) -> datetime:
    ts = body.get("event_ts")
    if isinstance(ts, int | float) and ts > 0:
        return datetime.fromtimestamp(ts / 1000, tz=UTC)
    return timezone.now()


def recording_completed(*, event_type: str, body: dict, credential) -> None:
    obj = _object(body)
    source = source_for_event(credential=credential, obj=obj)
    token = body.get("download_token") or ""
    with transaction.atomic():
        result = recordings_upsert(
            meetings=[obj],
            source=source,
            state=Recording.State.AVAILABLE,
            target=(obj.get("host_email") or "").lower(),
            host_email=obj.get("host_email") or "",
        )
        recording = Recording.objects.get(uuid=obj["uuid"])
        if token:
            recording.download_token = token
            recording.download_token_expires_at = _event_time(body) + DOWNLOAD_TOKEN_LIFETIME
            recording.save(update_fields=["download_token", "download_token_expires_at"])
        recording_files_enqueue(file_ids=result.new_file_ids)
        if result.created or result.new_file_ids:  # a redelivery or a reprocess brings nothing new
            signals.send_on_commit(
                signals.recording_completed, recording=recording, created=result.created > 0
            )
    logger.info(
        "recording.completed for meeting %s: %s created, %s updated",
        obj.get("id"),
        result.created,
        result.updated,
    )


def _mark(obj: dict, state: str) -> None:
    listed = [file_id(obj, f) for f in obj.get("recording_files") or []]
    recording = Recording.objects.filter(uuid=obj["uuid"]).first()
    if recording is None:
        # Never synced: keep a row that says what Zoom did, rather than nothing.
        recordings_upsert(meetings=[obj], source=None, state=state, recording_type=Source.RecordingType.ALL)
        return
    known = set(recording.files.values_list("zoom_file_id", flat=True))
    if listed and known - set(listed):
        # Only some files went: mark those, the recording stays.
        RecordingFile.objects.filter(recording=recording, zoom_file_id__in=listed).update(
            state=state, updated_at=timezone.now()
        )
        Recording.objects.filter(pk=recording.pk).update(content_hash="")
        return
    recordings_mark(uuids=[obj["uuid"]], state=state)


def recording_trashed(*, event_type: str, body: dict, credential) -> None:
    _mark(_object(body), Recording.State.TRASHED)


def recording_deleted(*, event_type: str, body: dict, credential) -> None:
    _mark(_object(body), Recording.State.DELETED)
