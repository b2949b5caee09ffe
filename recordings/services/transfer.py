"""Zoom → destination: each file streamed straight into the source's destination, verified, resumable.

For an S3-compatible destination no byte touches the local disk: the download from Zoom feeds a
MultipartSink (parts of the destination's part size, a few in flight). The SHA-256 of the bytes
is computed on the way; the object counts as stored only once its size (HEAD) equals Zoom's
file_size and the bytes streamed.

A cut transfer (worker killed, reset, 5xx from either side) keeps its multipart upload id in the
row. The next attempt asks the bucket which parts it has, keeps parts 1..k, and streams the file
from Zoom again from the start: bytes before part k+1 are only hashed — and checked against
each kept part's ETag (the MD5 of the part) and, with part checksums on, its CRC32 (taken from
the bucket's listing when it gives one, else computed here, as the completion needs it) — so the
recorded SHA-256 covers every byte, then upload resumes with part k+1. A mismatch, or an upload the bucket no longer has, restarts
cleanly; a permanent failure aborts the upload, and the daily sweep aborts any upload left behind.

Files for this server's disk keep the local download path (recordings.services.downloads).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import zlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from recordings.models import Destination, RecordingFile
from recordings.services import paths
from recordings.services.destinations import explain_s3_error, put_extra, s3_client
from recordings.services.downloads import _download, _failed, recording_file_download
from recordings.services.multipart import MultipartSink, abort_upload, resume_point
from zoomhub.zoom.errors import ZoomError

logger = logging.getLogger(__name__)

CHUNK = 1 << 20


class DestinationBusy(Exception):
    """The destination already has its maximum of parallel transfers: try again later."""


class _PrefixMismatch(Exception):
    pass


class _TooLong(Exception):
    pass


def target_destination(file: RecordingFile) -> Destination | None:
    source = file.recording.source
    return source.destination if source is not None else None


def recording_file_transfer(*, file_id: int) -> RecordingFile | None:
    """Store one file in its source's destination. None when another worker has it.

    Raises DestinationBusy when the destination is at its parallel-transfer limit.
    """
    file = RecordingFile.objects.select_related("recording__source__destination").filter(pk=file_id).first()
    if file is None:
        return None
    destination = target_destination(file)
    if destination is None or not destination.is_s3:
        if file.destination_id and file.download_state != RecordingFile.Download.DONE:
            # It was headed for a bucket before the source moved to this server's disk.
            RecordingFile.objects.filter(pk=file.pk).exclude(
                download_state=RecordingFile.Download.DONE
            ).update(destination=None, storage_name="", upload_id="")
        done = recording_file_download(file_id=file_id)
    else:
        done = _transfer_to_s3(file_id, destination)
    if done is not None and done.download_state == RecordingFile.Download.DONE:
        from recordings.services.freeing import recording_free_zoom_cloud

        recording_free_zoom_cloud(recording=done.recording, trigger="transfer")
    return done


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.RECORDINGS_DOWNLOAD_STALE_SECONDS)


def _claim(file_id: int, destination: Destination) -> RecordingFile | None:
    claimable = Q(download_state__in=[RecordingFile.Download.PENDING, RecordingFile.Download.FAILED]) | Q(
        download_state=RecordingFile.Download.DOWNLOADING, updated_at__lt=_stale_before()
    )
    with transaction.atomic():
        # One claim at a time per destination, so the count below cannot be raced past its limit.
        Destination.objects.select_for_update().filter(pk=destination.pk).first()
        file = (
            RecordingFile.objects.select_for_update(of=("self",))
            .select_related("recording__source__credential")
            .filter(pk=file_id)
            .filter(claimable)
            .first()
        )
        if file is None:
            return None
        running = (
            RecordingFile.objects.filter(
                destination=destination,
                download_state=RecordingFile.Download.DOWNLOADING,
                updated_at__gte=_stale_before(),
            )
            .exclude(pk=file.pk)
            .count()
        )
        if running >= destination.max_parallel_transfers:
            raise DestinationBusy(destination.name)
        if file.destination_id != destination.pk:
            _forget_other_upload(file)
            file.destination = destination
            file.storage_name = ""
        file.download_state = RecordingFile.Download.DOWNLOADING
        file.save(update_fields=["destination", "storage_name", "upload_id", "download_state", "updated_at"])
    file.destination = destination
    return file


def _forget_other_upload(file: RecordingFile) -> None:
    """The source moved to another destination mid-transfer: abort the old unfinished upload."""
    if file.upload_id and file.destination is not None and file.destination.is_s3 and file.storage_name:
        try:
            abort_upload(
                s3_client(file.destination),
                bucket=file.destination.bucket,
                key=file.storage_name,
                upload_id=file.upload_id,
            )
        except Exception:  # the daily sweep gets it otherwise
            logger.warning("Could not abort an old upload of file %s", file.pk, exc_info=True)
    file.upload_id = ""


def assign_key(file: RecordingFile, destination: Destination) -> str:
    """The file's object key from its source's path template; never one another file has."""
    if file.storage_name:
        return file.storage_name
    source = file.recording.source
    key = paths.render(
        source.path_template, paths.file_values(file, source_name=source.name), prefix=destination.prefix
    )
    for candidate in (key, paths.unique_name(key, file)):
        try:
            with transaction.atomic():
                RecordingFile.objects.filter(pk=file.pk).update(storage_name=candidate)
        except IntegrityError:
            continue
        file.storage_name = candidate
        return candidate
    raise IntegrityError(f"no free key for file {file.pk}")


def _transfer_to_s3(file_id: int, destination: Destination) -> RecordingFile | None:
    file = _claim(file_id, destination)
    if file is None:
        return None
    if not file.download_url:
        return _failed(file, _("Zoom gave no download link for this file."), retry=False)
    from botocore.exceptions import BotoCoreError, ClientError

    client = s3_client(destination)
    try:
        key = assign_key(file, destination)
        return _stream(file, destination, client, key)
    except ZoomError as error:
        return _failed(file, str(error), retry=error.transient)
    except (BotoCoreError, ClientError) as error:
        return _failed(file, explain_s3_error(error, destination), retry=True)


def _stream(file: RecordingFile, destination: Destination, client, key: str) -> RecordingFile:
    part_size = destination.part_size
    resume = None
    if file.upload_id:
        resume = resume_point(
            client, bucket=destination.bucket, key=key, upload_id=file.upload_id, part_size=part_size
        )
        if resume is None:
            file.upload_id = ""
        elif (
            resume.checksum_algorithm and (resume.checksum_algorithm == "CRC32") != destination.part_checksums
        ):
            # The part-checksum switch changed since this upload began: its parts cannot be completed.
            abort_upload(client, bucket=destination.bucket, key=key, upload_id=resume.upload_id)
            resume = None
            file.upload_id = ""
            RecordingFile.objects.filter(pk=file.pk).update(upload_id="", bytes_downloaded=0)
    try:
        return _stream_once(file, destination, client, key, resume)
    except _PrefixMismatch:
        logger.warning("File %s: the kept parts differ from Zoom's bytes; the upload restarts", file.pk)
        abort_upload(client, bucket=destination.bucket, key=key, upload_id=file.upload_id)
        file.upload_id = ""
        RecordingFile.objects.filter(pk=file.pk).update(upload_id="", bytes_downloaded=0)
        return _stream_once(file, destination, client, key, None)


def _stream_once(file, destination, client, key, resume) -> RecordingFile:
    def remember_upload(upload_id: str) -> None:
        file.upload_id = upload_id
        RecordingFile.objects.filter(pk=file.pk).update(upload_id=upload_id, updated_at=timezone.now())

    sink = MultipartSink(
        client,
        bucket=destination.bucket,
        key=key,
        part_size=destination.part_size,
        concurrency=settings.RECORDINGS_S3_PART_CONCURRENCY,
        extra=put_extra(destination),
        resume=resume,
        on_upload_started=remember_upload,
        checksums=destination.part_checksums,
    )
    kept = list(resume.parts) if resume else []
    skip_until = resume.offset if resume else 0
    digest = hashlib.sha256()
    state = {
        "position": 0,
        "part_md5": hashlib.md5(usedforsecurity=False),
        "part_crc": 0,
        "part_index": 0,
        "saved": 0,
    }
    limit = file.file_size or None

    def check_kept(data: bytes) -> None:
        """Bytes before the resume point: hashed, and compared part by part with the kept ETags."""
        while data:
            part = kept[state["part_index"]]
            part_end = sum(p.size for p in kept[: state["part_index"] + 1])
            take = min(len(data), part_end - state["position"])
            state["part_md5"].update(data[:take])
            if destination.part_checksums:
                state["part_crc"] = zlib.crc32(data[:take], state["part_crc"])
            state["position"] += take
            data = data[take:]
            if state["position"] == part_end:
                if state["part_md5"].hexdigest() != part.etag.strip('"'):
                    raise _PrefixMismatch
                if destination.part_checksums:
                    crc = base64.b64encode(state["part_crc"].to_bytes(4, "big")).decode()
                    if part.checksum_crc32 and part.checksum_crc32 != crc:
                        raise _PrefixMismatch
                    part.checksum_crc32 = crc
                state["part_md5"] = hashlib.md5(usedforsecurity=False)
                state["part_crc"] = 0
                state["part_index"] += 1

    def write(chunk: bytes) -> None:
        if limit is not None and state["position"] + len(chunk) > limit:
            raise _TooLong
        digest.update(chunk)
        if state["position"] < skip_until:
            head = chunk[: skip_until - state["position"]]
            check_kept(head)
            chunk = chunk[len(head) :]
            if not chunk:
                return
        sink.write(chunk)
        state["position"] += len(chunk)
        uploaded = sink.uploaded_bytes()
        if uploaded - state["saved"] >= 4 * destination.part_size:
            state["saved"] = uploaded
            RecordingFile.objects.filter(pk=file.pk).update(
                bytes_downloaded=uploaded, updated_at=timezone.now()
            )

    try:
        _download(file.recording, file.download_url, write=write, offset=lambda: 0)
        size = state["position"]
        if file.file_size and size != file.file_size:
            sink.abort()
            _clear_upload(file)
            return _failed(
                file,
                _("Zoom sent %(got)s of %(size)s bytes; the transfer starts again.")
                % {"got": size, "size": file.file_size},
                retry=True,
            )
        sink.finish()
    except _TooLong:
        sink.abort()
        _clear_upload(file)
        return _failed(
            file,
            _("Zoom sent more than the %(size)s bytes it announced; the copy was discarded.")
            % {"size": file.file_size},
            retry=True,
        )
    except _PrefixMismatch:
        sink.close()
        raise
    except BaseException:
        # Cut: the upload stays in the bucket for the next attempt (or the daily sweep).
        sink.close()
        file.bytes_downloaded = sink.uploaded_bytes()
        raise
    return _verify_and_mark(file, destination, client, key, size, digest.hexdigest())


def _clear_upload(file: RecordingFile) -> None:
    file.upload_id = ""
    file.bytes_downloaded = 0
    RecordingFile.objects.filter(pk=file.pk).update(upload_id="", bytes_downloaded=0)


def _verify_and_mark(file, destination, client, key, size: int, sha256: str) -> RecordingFile:
    stored = client.head_object(Bucket=destination.bucket, Key=key)["ContentLength"]
    if stored != size:
        client.delete_object(Bucket=destination.bucket, Key=key)
        _clear_upload(file)
        return _failed(
            file,
            _("The bucket holds %(stored)s bytes instead of %(size)s; the object was deleted.")
            % {"stored": stored, "size": size},
            retry=True,
        )
    file.storage_name = key
    file.sha256 = sha256
    file.upload_id = ""
    file.bytes_downloaded = size
    file.download_state = RecordingFile.Download.DONE
    file.download_error = ""
    file.next_attempt_at = None
    file.downloaded_at = timezone.now()
    file.save()
    logger.info("Recording file %s stored in %s: %s bytes", file.pk, destination.name, size)
    return file
