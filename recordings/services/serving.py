"""Handing a stored file to a browser without tying up an application worker for minutes.

- In a bucket: a redirect to a short-lived presigned URL; the bucket serves the bytes.
- On this server's disk, behind nginx (RECORDINGS_ACCEL_REDIRECT_PREFIX set): an empty answer with
  `X-Accel-Redirect`, and nginx serves the file from its internal location.
- Otherwise: the file itself, with `Range` support so players can seek and downloads can resume.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, StreamingHttpResponse

from recordings.models import RecordingFile
from recordings.services.destinations import presigned_url

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 1 << 20


def _disposition(filename: str, attachment: bool) -> str:
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename*=UTF-8''{quote(filename)}"


def stored_file_response(request, file: RecordingFile, *, filename: str, content_type: str, attachment: bool):
    if file.destination is not None and file.destination.is_s3:
        response = HttpResponseRedirect(
            presigned_url(file, filename=filename, content_type=content_type, attachment=attachment)
        )
        response["Cache-Control"] = "private, no-store"
        return response
    prefix = settings.RECORDINGS_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.storage_name)
        response["Content-Disposition"] = _disposition(filename, attachment)
        response["Cache-Control"] = "private, no-store"
        return response
    return _ranged_file_response(request, file.storage_name, filename, content_type, attachment)


class RangeNotSatisfiable(Exception):
    pass


def requested_range(request, size: int) -> tuple[int, int] | None:
    """The (start, end exclusive) bytes of a one-part `Range: bytes=…` request, or None for the
    whole file (no header, or one we do not serve in parts). Raises RangeNotSatisfiable."""
    match = RANGE.match(request.headers.get("Range", "").strip())
    if not match or not (match.group(1) or match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if first:
        start = int(first)
        end = min(size, int(last) + 1) if last else size
    else:
        start, end = max(0, size - int(last)), size
    if start >= size or end <= start:
        raise RangeNotSatisfiable
    return start, end


def range_not_satisfiable(size: int) -> HttpResponse:
    response = HttpResponse(status=416)
    response["Content-Range"] = f"bytes */{size}"
    return response


def partial_content(response, *, start: int, end: int, size: int, filename: str, attachment: bool):
    """Marks a 206 answer carrying bytes start…end-1 of a file of `size` bytes."""
    response["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    response["Content-Length"] = str(end - start)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = _disposition(filename, attachment)
    response["Cache-Control"] = "private, no-store"
    return response


def _ranged_file_response(request, name: str, filename: str, content_type: str, attachment: bool):
    size = default_storage.size(name)
    try:
        byte_range = requested_range(request, size)
    except RangeNotSatisfiable:
        return range_not_satisfiable(size)
    if byte_range is None:
        response = FileResponse(
            default_storage.open(name, "rb"),
            as_attachment=attachment,
            filename=filename,
            content_type=content_type,
        )
        response["Accept-Ranges"] = "bytes"
        response["Cache-Control"] = "private, no-store"
        return response
    start, end = byte_range
    response = StreamingHttpResponse(_read_range(name, start, end), status=206, content_type=content_type)
    return partial_content(
        response, start=start, end=end, size=size, filename=filename, attachment=attachment
    )


def _read_range(name: str, start: int, end: int) -> Iterator[bytes]:
    with default_storage.open(name, "rb") as handle:
        handle.seek(start)
        left = end - start
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
