"""Moving stored copies from one destination to another (manage.py move_recordings).

Each file is streamed from where it is into the new destination, its SHA-256 and size compared
with what was recorded when it was first stored, and only then is the row switched and the old
copy deleted: at any moment the file has at least one verified copy. A move cut in the middle
leaves the row pointing at the old copy; its unfinished upload is aborted (or swept), and running
the command again moves what is left.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from recordings.models import Destination, RecordingFile
from recordings.services import paths
from recordings.services.destinations import open_stream, put_extra, s3_client, stored_object_delete
from recordings.services.downloads import _LocalFile
from recordings.services.multipart import MultipartSink

logger = logging.getLogger(__name__)


class MoveFailed(Exception):
    pass


def same_place(file: RecordingFile, to: Destination | None) -> bool:
    here = file.destination if file.destination is not None and file.destination.is_s3 else None
    there = to if to is not None and to.is_s3 else None
    return (here.pk if here else None) == (there.pk if there else None)


def files_to_move(*, source, to: Destination | None):
    """The source's stored files that are not in `to` yet (what a re-run still has to do)."""
    stored = (
        RecordingFile.objects.filter(recording__source=source, download_state=RecordingFile.Download.DONE)
        .exclude(storage_name="")
        .select_related("destination", "recording__source")
        .order_by("pk")
    )
    return [f for f in stored if not same_place(f, to)]


def _new_key(file: RecordingFile, to: Destination) -> str:
    source = file.recording.source
    key = paths.render(
        source.path_template, paths.file_values(file, source_name=source.name), prefix=to.prefix
    )
    if RecordingFile.objects.filter(destination=to, storage_name=key).exclude(pk=file.pk).exists():
        key = paths.unique_name(key, file)
    return key


def recording_file_move(
    *, file: RecordingFile, to: Destination | None, on_bytes: Callable[[int], None] | None = None
):
    """Copy, verify, switch, delete the old copy. Raises MoveFailed (the old copy stays)."""
    old_destination, old_name = file.destination, file.storage_name
    digest = hashlib.sha256()
    size = 0
    if to is not None and to.is_s3:
        key = _new_key(file, to)
        client = s3_client(to)
        sink = MultipartSink(
            client,
            bucket=to.bucket,
            key=key,
            part_size=to.part_size,
            concurrency=settings.RECORDINGS_S3_PART_CONCURRENCY,
            extra=put_extra(to),
            checksums=to.part_checksums,
        )
        try:
            for chunk in open_stream(file):
                digest.update(chunk)
                sink.write(chunk)
                size += len(chunk)
                if on_bytes:
                    on_bytes(len(chunk))
            _check(file, size, digest.hexdigest())
            sink.finish()
        except BaseException:
            sink.abort()
            raise
        stored = client.head_object(Bucket=to.bucket, Key=key)["ContentLength"]
        if stored != size:
            client.delete_object(Bucket=to.bucket, Key=key)
            raise MoveFailed(
                _("The new copy has %(stored)s bytes, not %(size)s.") % {"stored": stored, "size": size}
            )
        new_destination, new_name = to, key
    else:
        partial = Path(settings.RECORDINGS_PARTIAL_DIR)
        partial.mkdir(parents=True, exist_ok=True)
        path = partial / f"move-{file.pk}.part"
        try:
            with path.open("wb") as out:
                for chunk in open_stream(file):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                    if on_bytes:
                        on_bytes(len(chunk))
            _check(file, size, digest.hexdigest())
            from recordings.services.downloads import storage_name_for

            with path.open("rb") as finished:
                new_name = default_storage.save(storage_name_for(file), _LocalFile(finished, name=str(path)))
        finally:
            path.unlink(missing_ok=True)
        new_destination = None
    with transaction.atomic():
        RecordingFile.objects.filter(pk=file.pk).update(destination=new_destination, storage_name=new_name)
    file.destination, file.storage_name = new_destination, new_name
    stored_object_delete(destination=old_destination, name=old_name)
    logger.info("Recording file %s moved to %s", file.pk, new_destination or "local disk")
    return file


def _check(file: RecordingFile, size: int, sha256: str) -> None:
    if file.file_size and size != file.file_size:
        raise MoveFailed(
            _("The stored copy has %(size)s bytes, Zoom said %(expected)s: not moved.")
            % {"size": size, "expected": file.file_size}
        )
    if file.sha256 and sha256 != file.sha256:
        raise MoveFailed(
            _("The stored copy's SHA-256 differs from the one recorded when it was stored: not moved.")
        )
