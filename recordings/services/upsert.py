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
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from recordings.models import Recording, RecordingFile, Source
from recordings.services.bulk_sql import upsert_rows
from zoomhub.counts import forget_table_count

# Files kept by recording_type "media": the recorded video and audio. "cloud" and "all" keep every
# file Zoom lists (chat, transcripts, captions, timelines, summaries too).
MEDIA_FILE_TYPES = {"MP4", "M4A"}

# What a re-listing overwrites (the other columns keep what they hold: the lesson link, downloads).
RECORDING_FIELDS = [
    "zoom_meeting_id",
    "source_id",
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
    "recording_id",
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
        stored = _stored(uuids)
        changed = [u for u in uuids if u not in stored or stored[u][1] != by_uuid[u][2]]
        if not changed:
            recordings_link_lessons(uuids=uuids)
            return result
        rows = []
        for uuid in changed:
            meeting, files, digest = by_uuid[uuid]
            rows.append(
                {
                    "uuid": uuid,
                    "zoom_meeting_id": int(meeting.get("id") or 0),
                    "source_id": source.pk if source else None,
                    "account_id": meeting.get("account_id") or "",
                    "host_id": meeting.get("host_id") or "",
                    "host_email": (meeting.get("host_email") or host_email or "")[:254],
                    "target": target or meeting.get("host_email") or meeting.get("host_id") or "",
                    "topic": (meeting.get("topic") or "")[:300],
                    "meeting_type": meeting.get("type"),
                    "start_time": _when(meeting.get("start_time")) or now,
                    "duration": max(0, int(meeting.get("duration") or 0)),
                    "total_size": int(meeting.get("total_size") or 0),
                    "recording_count": int(meeting.get("recording_count") or len(files)),
                    "state": state,
                    "state_changed_at": now,
                    "content_hash": digest,
                    "updated_at": now,
                }
            )
        update_fields = [
            f
            for f in RECORDING_FIELDS
            if not (f == "source_id" and source is None) and not (f == "target" and not target)
        ]
        ids = dict(
            upsert_rows(
                Recording,
                rows,
                unique="uuid",
                update=update_fields,
                # The state's time moves only when the state does.
                set_sql={
                    "state_changed_at": "CASE WHEN {table}.state = EXCLUDED.state "
                    "THEN {table}.state_changed_at ELSE EXCLUDED.state_changed_at END"
                },
                returning=("uuid", "id"),
            )
        )
        result.created = sum(1 for u in changed if u not in stored)
        if result.created:
            forget_table_count(Recording)  # the recordings list's pager counts again after commit
        result.updated = len(changed) - result.created

        file_rows: dict[str, dict] = {}
        download_state = RecordingFile.Download.PENDING if download_new else RecordingFile.Download.NONE
        for uuid in changed:
            meeting, files, _digest = by_uuid[uuid]
            for item in files:
                zoom_file_id = file_id(meeting, item)[:100]
                file_rows[zoom_file_id] = {
                    "zoom_file_id": zoom_file_id,
                    "recording_id": ids[uuid],
                    "file_type": (item.get("file_type") or "")[:30],
                    "file_extension": (item.get("file_extension") or "")[:20],
                    "recording_type": (item.get("recording_type") or "")[:60],
                    "file_size": int(item.get("file_size") or 0),
                    "recording_start": _when(item.get("recording_start")),
                    "recording_end": _when(item.get("recording_end")),
                    "zoom_status": (item.get("status") or "")[:30],
                    "download_url": (item.get("download_url") or "")[:1000],
                    "play_url": (item.get("play_url") or "")[:1000],
                    "state": state,
                    "download_state": download_state,
                    "updated_at": now,
                }
        listed = sorted(file_rows)  # a fixed order: concurrent upserts lock rows alike
        known_files = set()
        if download_new and listed:
            known_files = set(
                RecordingFile.objects.filter(zoom_file_id__in=listed).values_list("zoom_file_id", flat=True)
            )
        upsert_rows(RecordingFile, [file_rows[f] for f in listed], unique="zoom_file_id", update=FILE_FIELDS)
        if download_new:
            result.new_file_ids = list(
                RecordingFile.objects.filter(
                    zoom_file_id__in=[f for f in listed if f not in known_files],
                    download_state=RecordingFile.Download.PENDING,
                ).values_list("pk", flat=True)
            )
        # Files Zoom no longer lists for a recording it still lists were deleted one by one.
        kept_types = MEDIA_FILE_TYPES if recording_type == Source.RecordingType.MEDIA else None
        existed = [ids[u] for u in changed if u in stored]
        if existed:
            gone = RecordingFile.objects.filter(recording_id__in=existed).exclude(zoom_file_id__in=listed)
            if kept_types is not None:
                gone = gone.filter(file_type__in=kept_types)
            gone.exclude(state=Recording.State.DELETED).update(state=Recording.State.DELETED, updated_at=now)
        recordings_link_lessons(uuids=uuids)
    return result


def _stored(uuids: list[str]) -> dict[str, tuple[int, str]]:
    """uuid -> (id, content_hash) of the recordings already stored; plain SQL on the sync's hot path."""
    db = transaction.get_connection()
    table = db.ops.quote_name(Recording._meta.db_table)
    placeholders = ", ".join(["%s"] * len(uuids))
    sql = f"SELECT uuid, id, content_hash FROM {table} WHERE uuid IN ({placeholders})"  # noqa: S608
    with db.cursor() as cursor:
        cursor.execute(sql, list(uuids))
        return {u: (pk, digest) for u, pk, digest in cursor.fetchall()}


def recordings_link_lessons(*, uuids: list[str]) -> int:
    """Link recordings to their lesson by Zoom meeting UUID, else by meeting ID.

    Plain SQL: it runs once per sync page, and the ORM's Exists/Subquery/Coalesce tree cost more
    to compile than the statement costs to run.
    """
    from meetings.models import Meeting

    if not uuids:
        return 0
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    recording = quote(Recording._meta.db_table)
    meeting = quote(Meeting._meta.db_table)
    by_uuid = f"SELECT m.id FROM {meeting} m WHERE m.zoom_uuid = {recording}.uuid AND m.zoom_uuid <> ''"  # noqa: S608
    by_id = f"SELECT m.id FROM {meeting} m WHERE m.zoom_meeting_id = {recording}.zoom_meeting_id"  # noqa: S608
    placeholders = ", ".join(["%s"] * len(uuids))
    sql = (
        f"UPDATE {recording} SET meeting_id = COALESCE(({by_uuid} LIMIT 1), ({by_id} LIMIT 1)) "  # noqa: S608
        f"WHERE uuid IN ({placeholders}) AND meeting_id IS NULL "
        f"AND (EXISTS ({by_uuid}) OR EXISTS ({by_id}))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(uuids))
        return cursor.rowcount


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
