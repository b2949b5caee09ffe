"""A recording file as an HTTP answer, for the Recordings page and the API alike.

A stored copy is served by recordings.services.serving (a presigned URL for a bucket, X-Accel-Redirect
or a ranged file for this server's disk); otherwise Zoom's file is streamed through ZoomHub in
bounded memory. Zoom's URL and token never reach the caller.
"""

import mimetypes

from django.core.files.storage import default_storage
from django.http import Http404, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from recordings import services
from recordings.models import Recording, RecordingFile
from recordings.services.serving import stored_file_response


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
    chunks = services.recording_file_stream(file=file)
    response = StreamingHttpResponse(chunks, content_type=content_type)
    if file.file_size:
        response["Content-Length"] = str(file.file_size)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
