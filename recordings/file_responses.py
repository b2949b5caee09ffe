"""A recording file as an HTTP answer, for the Recordings page and the API alike.

A stored copy is served by recordings.services.serving (a presigned URL for a bucket, X-Accel-Redirect
or a ranged file for this server's disk); otherwise Zoom's file is streamed through ZoomHub in
bounded memory. Zoom's URL and token never reach the caller.
"""

import mimetypes
from collections.abc import Iterator

from django.core.files.storage import default_storage
from django.http import Http404, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from recordings import services
from recordings.models import Recording, RecordingFile
from recordings.services.serving import (
    RangeNotSatisfiable,
    partial_content,
    range_not_satisfiable,
    requested_range,
    stored_file_response,
)


def recording_file_name(file: RecordingFile) -> str:
    extension = (file.file_extension or "bin").lower()
    return f"{file.file_type or 'file'}-{file.recording.zoom_meeting_id}.{extension}"


def recording_file_response(request, file: RecordingFile, *, attachment: bool) -> HttpResponseBase:
    """Raises Http404 when neither ZoomHub nor Zoom has the file, ZoomError when Zoom refuses it.

    `file` comes with its recording, source, credential and destination selected."""
    filename = recording_file_name(file)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if file.is_stored and (file.destination_id is not None or default_storage.exists(file.storage_name)):
        return stored_file_response(
            request, file, filename=filename, content_type=content_type, attachment=attachment
        )
    if not file.download_url or file.state == Recording.State.DELETED:
        raise Http404(_("Zoom no longer has this file and ZoomHub has no copy."))
    # A player seeks with `Range: bytes=N-`: Zoom's copy is then fetched from byte N (the Zoom
    # client resumes the same way), so seeking works before ZoomHub keeps a copy.
    size = file.file_size
    try:
        byte_range = requested_range(request, size) if size else None
    except RangeNotSatisfiable:
        return range_not_satisfiable(size)
    if byte_range is not None:
        start, end = byte_range
        chunks = _first_bytes(services.recording_file_stream(file=file, start=start), end - start)
        response = StreamingHttpResponse(chunks, status=206, content_type=content_type)
        return partial_content(
            response, start=start, end=end, size=size, filename=filename, attachment=attachment
        )
    chunks = services.recording_file_stream(file=file)
    response = StreamingHttpResponse(chunks, content_type=content_type)
    if size:
        response["Content-Length"] = str(size)
        response["Accept-Ranges"] = "bytes"
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _first_bytes(chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    """At most `limit` bytes of `chunks`; closing it early stops the download from Zoom."""
    try:
        for chunk in chunks:
            if len(chunk) >= limit:
                yield chunk[:limit]
                return
            limit -= len(chunk)
            yield chunk
    finally:
        chunks.close()
