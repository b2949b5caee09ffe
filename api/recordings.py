"""/api/v1/recordings — synced cloud recordings and their files (never Zoom's URLs or tokens).

A file's `url` is ZoomHub's own, /api/v1/recordings/files/{id}: our copy, or Zoom's file
streamed through the server exactly as the Recordings page plays it, for an API token or a staff
session. A file stored in a bucket also has `link`: a presigned URL straight to the bucket, valid
for a few minutes, that needs no session at all.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from api.auth import READ
from api.common import MAX_ID, Id, utc_iso
from api.errors import ApiError, responses
from api.pagination import PageParams, paginate
from api.parsing import InputSchema
from recordings.file_responses import recording_file_response
from recordings.models import Recording, RecordingFile
from recordings.services.destinations import destination_storage
from zoomhub.zoom.errors import ZoomError

router = Router(tags=["recordings"])


class RecordingFileOut(Schema):
    id: int
    file_type: str
    file_extension: str
    recording_type: str
    file_size: int
    recording_start: str | None
    recording_end: str | None
    state: str
    download_state: str
    has_local_copy: bool
    stored_in: str = Field(
        ..., description="'zoom' (not stored), 'local' (this server's disk) or the bucket."
    )
    sha256: str = Field(..., description="Of the stored copy's bytes; empty until one is verified.")
    url: str
    link: str | None = Field(
        ..., description="A short-lived presigned URL for a copy in a bucket (null for other files)."
    )
    link_expires_in: int | None = Field(..., description="Seconds the link stays valid.")


class RecordingOut(Schema):
    id: int
    uuid: str
    zoom_meeting_id: int
    topic: str
    start_time: str
    duration: int
    host_email: str
    source_id: int | None
    meeting_id: int | None = Field(..., description="The lesson it belongs to, when known.")
    state: str
    total_size: int
    files: list[RecordingFileOut]


class RecordingPage(Schema):
    items: list[RecordingOut]
    next_cursor: str | None


class RecordingFilters(InputSchema):
    from_: dt.date | None = Field(
        None,
        alias="from",
        ge=dt.date(2000, 1, 1),
        le=dt.date(2100, 12, 31),
        description="Recordings that started on or after this day (UTC).",
    )
    to: dt.date | None = Field(
        None,
        ge=dt.date(2000, 1, 1),
        le=dt.date(2100, 12, 31),
        description="Recordings that started on or before this day (UTC).",
    )
    source: int | None = Field(None, ge=1, le=MAX_ID, description="A source's id.")
    meeting: int | None = Field(None, ge=1, le=MAX_ID, description="A lesson's id: its recordings.")


def _stored_in(file: RecordingFile) -> str:
    if not file.is_stored:
        return "zoom"
    return file.destination.bucket if file.destination is not None and file.destination.is_s3 else "local"


def _file_link(file: RecordingFile, recording: Recording, storages: dict) -> str | None:
    if not (file.is_stored and file.destination is not None and file.destination.is_s3):
        return None
    storage = storages.get(file.destination_id)
    if storage is None:  # one client per destination per request: building one costs milliseconds
        storage = storages[file.destination_id] = destination_storage(file.destination)
    name = f"{file.file_type or 'file'}-{recording.zoom_meeting_id}.{(file.file_extension or 'bin').lower()}"
    return storage.url(
        file.storage_name,
        parameters={"ResponseContentDisposition": f'attachment; filename="{name}"'},
        expire=settings.RECORDINGS_PRESIGNED_URL_SECONDS,
    )


def recording_out(request, recording: Recording, storages: dict | None = None) -> dict:
    storages = {} if storages is None else storages
    return {
        "id": recording.pk,
        "uuid": recording.uuid,
        "zoom_meeting_id": recording.zoom_meeting_id,
        "topic": recording.topic,
        "start_time": utc_iso(recording.start_time),
        "duration": recording.duration,
        "host_email": recording.host_email,
        "source_id": recording.source_id,
        "meeting_id": recording.meeting_id,
        "state": recording.state,
        "total_size": recording.total_size,
        "files": [
            {
                "id": f.pk,
                "file_type": f.file_type,
                "file_extension": f.file_extension,
                "recording_type": f.recording_type,
                "file_size": f.file_size,
                "recording_start": utc_iso(f.recording_start),
                "recording_end": utc_iso(f.recording_end),
                "state": f.state,
                "download_state": f.download_state,
                "has_local_copy": f.has_local_copy,
                "stored_in": _stored_in(f),
                "sha256": f.sha256 if f.is_stored else "",
                "url": request.build_absolute_uri(reverse("api-v1:get_recording_file", args=[f.pk])),
                "link": (link := _file_link(f, recording, storages)),
                "link_expires_in": settings.RECORDINGS_PRESIGNED_URL_SECONDS if link else None,
            }
            for f in recording.files.all()
        ],
    }


@router.get("/recordings", auth=READ, response=responses({200: RecordingPage}))
def list_recordings(request, filters: Query[RecordingFilters], page: Query[PageParams]):
    """Recordings, newest first."""
    recordings = Recording.objects.prefetch_related(
        Prefetch(
            "files",
            queryset=RecordingFile.objects.select_related("destination").order_by("recording_start", "id"),
        )
    )
    if filters.from_:
        recordings = recordings.filter(start_time__gte=dt.datetime.combine(filters.from_, dt.time(), dt.UTC))
    if filters.to:
        recordings = recordings.filter(
            start_time__lt=dt.datetime.combine(filters.to + dt.timedelta(days=1), dt.time(), dt.UTC)
        )
    if filters.source:
        recordings = recordings.filter(source_id=filters.source)
    if filters.meeting:
        recordings = recordings.filter(meeting_id=filters.meeting)
    items, next_cursor = paginate(recordings, order=("-start_time", "-id"), page=page, scope="recordings")
    storages: dict = {}
    return {"items": [recording_out(request, r, storages) for r in items], "next_cursor": next_cursor}


class FileQuery(InputSchema):
    download: bool = Field(False, description="true: as an attachment (Content-Disposition) to save.")


@router.get(
    "/recordings/files/{file_id}",
    auth=READ,
    response=responses({}, 404, 502),
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file's bytes (video/mp4, audio/mp4, text/plain …), streamed.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_recording_file(request, file_id: Id, query: Query[FileQuery]):
    """A recording file's content: ZoomHub's copy, or Zoom's streamed through ZoomHub (as the
    Recordings page plays it). `?download=true` asks the browser to save it."""
    file = get_object_or_404(
        RecordingFile.objects.select_related("recording__source__credential", "destination"), pk=file_id
    )
    try:
        return recording_file_response(request, file, attachment=query.download)
    except ZoomError as error:
        raise ApiError(
            502, _("Zoom refused the file: %(error)s") % {"error": error}, code="zoom_error"
        ) from None
