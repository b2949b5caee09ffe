"""Zoom's recording payloads into rows, exactly once: keyed by Zoom's ids, bulk upserts.

A recording is keyed by its meeting UUID, a file by its Zoom file id (both unique), so a
re-sync or a redelivered webhook updates in place. A recording whose Zoom answer did not change
since we stored it is not written at all (content_hash), which keeps re-syncs cheap.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from recordings.models import Recording, RecordingFile, Source

# Files kept by recording_type "media": the recorded video and audio. "cloud" and "all" keep every
# file Zoom lists (chat, transcripts, captions, timelines, summaries too).
MEDIA_FILE_TYPES = {"MP4", "M4A"}

RECORDING_FIELDS = [
    "zoom_meeting_id",
    "source",
    "account_id",
    "host_id",
    "host_email",
    "target",
    "topic",
    "meeting_type",
    "start_time",
    "duration",
    "total_size",
    "recording_count",
    "state",
    "content_hash",
    "updated_at",
]
FILE_FIELDS = [
    "recording",
    "file_type",
    "file_extension",
    "recording_type",
    "file_size",
    "recording_start",
    "recording_end",
    "zoom_status",
    "download_url",
    "play_url",
    "state",
    "updated_at",
]


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    uuids: list[str] = field(default_factory=list)
    new_file_ids: list[int] = field(default_factory=list)


def _when(value) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def file_id(meeting: dict, item: dict) -> str:
    # Zoom leaves `id` out for some file types (e.g. TIMELINE in older answers): derive a stable one.
    if item.get("id"):
        return str(item["id"])
    return f"{meeting.get('uuid')}:{item.get('file_type', '')}:{item.get('recording_start', '')}"


def kept_files(meeting: dict, recording_type: str) -> list[dict]:
    files = meeting.get("recording_files") or []
    if recording_type != Source.RecordingType.MEDIA:
        return files
    return [f for f in files if (f.get("file_type") or "").upper() in MEDIA_FILE_TYPES]


def content_hash(meeting: dict, files: list[dict], state: str) -> str:
    body = json.dumps({"m": meeting, "f": files, "s": state}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def recordings_upsert(
    *,
    meetings: list[dict],
    source: Source | None,
    state: str = Recording.State.AVAILABLE,
    target: str = "",
    host_email: str = "",
    recording_type: str | None = None,
) -> UpsertResult:
    """Store Zoom `meetings[]` items (list recordings answer, or a webhook's object). Idempotent."""
    recording_type = recording_type or (source.recording_type if source else Source.RecordingType.ALL)
    download_new = bool(source and source.download_files)
    now = timezone.now()
    result = UpsertResult()
    by_uuid: dict[str, tuple[dict, list[dict], str]] = {}
    for meeting in meetings:
        if not meeting.get("uuid"):
            continue
        files = kept_files(meeting, recording_type)
        # A meeting-level copy without files, so the hash sees each file once.
        summary = {k: v for k, v in meeting.items() if k != "recording_files"}
        by_uuid[meeting["uuid"]] = (meeting, files, content_hash(summary, files, state))
    if not by_uuid:
        return result
    uuids = sorted(by_uuid)  # a fixed order: concurrent upserts lock rows alike, no deadlock
    result.uuids = uuids

    # savepoint=False: callers (a sync step, a webhook) already hold the transaction that matters.
    with transaction.atomic(savepoint=False):
        stored_rows = Recording.objects.filter(uuid__in=uuids).values_list("uuid", "content_hash", "state")
        stored = {u: digest for u, digest, _state in stored_rows}
        stored_state = {u: st for u, _digest, st in stored_rows}
        changed = [u for u in uuids if stored.get(u) != by_uuid[u][2]]
        if not changed:
            recordings_link_lessons(uuids=uuids)
            return result
        rows = []
        for uuid in changed:
            meeting, files, digest = by_uuid[uuid]
            rows.append(
                Recording(
                    uuid=uuid,
                    zoom_meeting_id=int(meeting.get("id") or 0),
                    source=source,
                    account_id=meeting.get("account_id") or "",
                    host_id=meeting.get("host_id") or "",
                    host_email=(meeting.get("host_email") or host_email or "")[:254],
                    target=target or meeting.get("host_email") or meeting.get("host_id") or "",
                    topic=(meeting.get("topic") or "")[:300],
                    meeting_type=meeting.get("type"),
                    start_time=_when(meeting.get("start_time")) or now,
                    duration=max(0, int(meeting.get("duration") or 0)),
                    total_size=int(meeting.get("total_size") or 0),
                    recording_count=int(meeting.get("recording_count") or len(files)),
                    state=state,
                    state_changed_at=now,
                    content_hash=digest,
                    updated_at=now,
                )
            )
        update_fields = [
            f
            for f in RECORDING_FIELDS
            if not (f == "source" and source is None) and not (f == "target" and not target)
        ]
        saved = Recording.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["uuid"], update_fields=update_fields
        )
        moved = [u for u in changed if u in stored_state and stored_state[u] != state]
        if moved:
            Recording.objects.filter(uuid__in=moved).update(state_changed_at=now)
        ids = {r.uuid: r.pk for r in saved}
        if None in ids.values():  # backends that do not return ids on conflict
            ids = dict(Recording.objects.filter(uuid__in=changed).values_list("uuid", "pk"))
        result.created = sum(1 for u in changed if u not in stored)
        result.updated = len(changed) - result.created

        file_rows = []
        for uuid in changed:
            meeting, files, _digest = by_uuid[uuid]
            for item in files:
                file_rows.append(
                    RecordingFile(
                        recording_id=ids[uuid],
                        zoom_file_id=file_id(meeting, item)[:100],
                        file_type=(item.get("file_type") or "")[:30],
                        file_extension=(item.get("file_extension") or "")[:20],
                        recording_type=(item.get("recording_type") or "")[:60],
                        file_size=int(item.get("file_size") or 0),
                        recording_start=_when(item.get("recording_start")),
                        recording_end=_when(item.get("recording_end")),
                        zoom_status=(item.get("status") or "")[:30],
                        download_url=(item.get("download_url") or "")[:1000],
                        play_url=(item.get("play_url") or "")[:1000],
                        state=state,
                        download_state=RecordingFile.Download.PENDING
                        if download_new
                        else RecordingFile.Download.NONE,
                        updated_at=now,
                    )
                )
        file_rows.sort(key=lambda f: f.zoom_file_id)
        known_files = set()
        if download_new:
            known_files = set(
                RecordingFile.objects.filter(
                    zoom_file_id__in=[f.zoom_file_id for f in file_rows]
                ).values_list("zoom_file_id", flat=True)
            )
        if file_rows:
            RecordingFile.objects.bulk_create(
                file_rows, update_conflicts=True, unique_fields=["zoom_file_id"], update_fields=FILE_FIELDS
            )
        if download_new:
            result.new_file_ids = list(
                RecordingFile.objects.filter(
                    zoom_file_id__in=[f.zoom_file_id for f in file_rows if f.zoom_file_id not in known_files],
                    download_state=RecordingFile.Download.PENDING,
                ).values_list("pk", flat=True)
            )
        # Files Zoom no longer lists for a recording it still lists were deleted one by one.
        listed = {f.zoom_file_id for f in file_rows}
        kept_types = MEDIA_FILE_TYPES if recording_type == Source.RecordingType.MEDIA else None
        existed = [ids[u] for u in changed if u in stored]
        if existed:
            gone = RecordingFile.objects.filter(recording_id__in=existed).exclude(zoom_file_id__in=listed)
            if kept_types is not None:
                gone = gone.filter(file_type__in=kept_types)
            gone.exclude(state=Recording.State.DELETED).update(state=Recording.State.DELETED, updated_at=now)
        recordings_link_lessons(uuids=uuids)
    return result


def recordings_link_lessons(*, uuids: list[str]) -> int:
    """Link recordings to their lesson by Zoom meeting UUID, else by meeting ID."""
    from meetings.models import Meeting

    unlinked = Recording.objects.filter(uuid__in=uuids, meeting__isnull=True)
    by_uuid = Meeting.objects.filter(zoom_uuid=OuterRef("uuid")).exclude(zoom_uuid="").values("pk")[:1]
    by_id = Meeting.objects.filter(zoom_meeting_id=OuterRef("zoom_meeting_id")).values("pk")[:1]
    return unlinked.filter(Q(Exists(by_uuid)) | Q(Exists(by_id))).update(
        meeting=Coalesce(Subquery(by_uuid), Subquery(by_id))
    )


def recordings_mark(*, uuids: list[str], state: str) -> int:
    """Mark recordings (and their files) trashed or deleted in Zoom; rows are kept."""
    if not uuids:
        return 0
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        changed = Recording.objects.filter(uuid__in=uuids).exclude(state=state)
        ids = list(changed.values_list("pk", flat=True))
        # content_hash is cleared so the next listing that shows it again (restored) rewrites it.
        count = Recording.objects.filter(pk__in=ids).update(
            state=state, state_changed_at=now, content_hash="", updated_at=now
        )
        RecordingFile.objects.filter(recording_id__in=ids).update(state=state, updated_at=now)
    return count
