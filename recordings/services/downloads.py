"""Local copies of recording files: streamed, resumable, verified, then handed to Django's storage.

Files can be gigabytes, so bytes go straight from Zoom to a partial file on local disk
(RECORDINGS_PARTIAL_DIR) in 1 MiB chunks while a running sha256 is kept: memory stays flat
whatever the size. A cut download keeps its partial file; the next attempt resumes from its
length with an HTTP Range request. Only a copy whose length equals Zoom's file_size is moved into
the default storage (local media, or any django-storages backend) — Zoom's docs: download_url
"redirects to storage"; the webhook's download_token works for 24 hours as `?access_token=`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from recordings.models import Recording, RecordingFile
from zoomhub.queueing import enqueue_on_commit
from zoomhub.zoom.backoff import backoff_delay
from zoomhub.zoom.errors import ZoomError

logger = logging.getLogger(__name__)

CHUNK = 1 << 20
PROGRESS_EVERY = 32 << 20  # bytes between progress writes to the database
# Downloads wait RECORDINGS_DOWNLOAD_RETRY_BASE_SECONDS after a failure, then twice as long … at most this.
LONGEST_RETRY = timedelta(hours=6)


class _LocalFile(File):
    """A finished partial file; FileSystemStorage moves it instead of copying (temporary_file_path)."""

    def temporary_file_path(self) -> str:
        return self.file.name


def partial_path(file: RecordingFile) -> Path:
    folder = Path(settings.RECORDINGS_PARTIAL_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{file.pk}-{hashlib.sha256(file.zoom_file_id.encode()).hexdigest()[:16]}.part"


def storage_name_for(file: RecordingFile) -> str:
    """The name from the source's path template (the storage adds a suffix if it is taken)."""
    from recordings.services import paths

    recording = file.recording
    source = recording.source
    if source is not None:
        return paths.render(
            source.path_template, paths.file_values(file, source_name=source.name), prefix="recordings"
        )
    extension = (file.file_extension or file.file_type or "bin").lower()
    stem = get_valid_filename(f"{file.file_type or 'file'}-{file.zoom_file_id}")[:120]
    return f"recordings/{recording.start_time:%Y/%m}/{recording.pk}/{stem}.{extension}"


def recording_files_enqueue(*, file_ids: list[int]) -> None:
    """Queue downloads once the current transaction commits."""
    if not file_ids:
        return
    from recordings.tasks import transfer_file

    for file_id in file_ids:
        enqueue_on_commit(transfer_file, file_id=file_id)


def recording_file_request_download(*, file: RecordingFile) -> bool:
    """Staff asked for a local copy of one file. False when there is one already or one is under way."""
    updated = (
        RecordingFile.objects.filter(pk=file.pk)
        .exclude(download_state__in=[RecordingFile.Download.DONE, RecordingFile.Download.DOWNLOADING])
        .update(
            download_state=RecordingFile.Download.PENDING,
            download_error="",
            next_attempt_at=None,
            download_attempts=0,
            updated_at=timezone.now(),
        )
    )
    if updated:
        recording_files_enqueue(file_ids=[file.pk])
    return bool(updated)


def client_for_recording(recording: Recording):
    """The Zoom client that may read this recording's files (its sub-account's, for account_ids)."""
    from recordings.services.sync import SourceClients

    source = recording.source
    if source is None:
        raise ZoomError(
            _("This recording belongs to no source, so ZoomHub has no Zoom account to fetch it with.")
        )
    account = (
        recording.account_id
        if source.is_master_account and recording.account_id in source.account_ids
        else ""
    )
    return SourceClients(source).for_account(account)


def _valid_download_token(recording: Recording) -> str | None:
    if (
        recording.download_token
        and recording.download_token_expires_at
        and recording.download_token_expires_at > timezone.now()
    ):
        return recording.download_token
    return None


def _claim(file_id: int) -> RecordingFile | None:
    stale = timezone.now() - timedelta(seconds=settings.RECORDINGS_DOWNLOAD_STALE_SECONDS)
    claimable = Q(download_state__in=[RecordingFile.Download.PENDING, RecordingFile.Download.FAILED]) | Q(
        download_state=RecordingFile.Download.DOWNLOADING, updated_at__lt=stale
    )
    taken = (
        RecordingFile.objects.filter(pk=file_id)
        .filter(claimable)
        .update(download_state=RecordingFile.Download.DOWNLOADING, updated_at=timezone.now())
    )
    if not taken:
        return None
    return RecordingFile.objects.select_related("recording__source__credential").get(pk=file_id)


def _failed(file: RecordingFile, message: str, *, retry: bool) -> RecordingFile:
    attempts = file.download_attempts + 1
    retry = retry and attempts < settings.RECORDINGS_DOWNLOAD_MAX_ATTEMPTS
    file.download_attempts = attempts
    file.download_error = message[:2000]
    if retry:
        file.download_state = RecordingFile.Download.PENDING
        file.next_attempt_at = timezone.now() + backoff_delay(
            attempts,
            first=timedelta(seconds=settings.RECORDINGS_DOWNLOAD_RETRY_BASE_SECONDS),
            longest=LONGEST_RETRY,
        )
    else:
        file.download_state = RecordingFile.Download.FAILED
        file.next_attempt_at = None
    file.save(
        update_fields=[
            "download_attempts",
            "download_error",
            "download_state",
            "next_attempt_at",
            "bytes_downloaded",
            "updated_at",
        ]
    )
    logger.warning("Download of recording file %s failed (attempt %s): %s", file.pk, attempts, message)
    return file


def recording_file_download(*, file_id: int) -> RecordingFile | None:
    """Download (or resume) one file into the default storage. None when another worker has it."""
    file = _claim(file_id)
    if file is None:
        return None
    recording = file.recording
    if not file.download_url:
        return _failed(file, _("Zoom gave no download link for this file."), retry=False)
    path = partial_path(file)
    offset = path.stat().st_size if path.exists() else 0
    if file.file_size and offset > file.file_size:
        path.unlink()
        offset = 0
    digest = hashlib.sha256()
    if offset:
        with path.open("rb") as existing:
            for chunk in iter(lambda: existing.read(CHUNK), b""):
                digest.update(chunk)
    progress = {"bytes": offset, "saved": offset}

    def write(chunk: bytes) -> None:
        out.write(chunk)
        digest.update(chunk)
        progress["bytes"] += len(chunk)
        if progress["bytes"] - progress["saved"] >= PROGRESS_EVERY:
            out.flush()
            progress["saved"] = progress["bytes"]
            RecordingFile.objects.filter(pk=file.pk).update(
                bytes_downloaded=progress["bytes"], updated_at=timezone.now()
            )

    try:
        with path.open("ab") as out:
            _download(recording, file.download_url, write=write, offset=lambda: progress["bytes"])
    except ZoomError as error:
        file.bytes_downloaded = progress["bytes"]
        return _failed(file, str(error), retry=error.transient)
    except OSError as error:
        file.bytes_downloaded = progress["bytes"]
        return _failed(
            file, _("Could not write the local copy: %(error)s") % {"error": error.strerror}, retry=True
        )

    size = progress["bytes"]
    file.bytes_downloaded = size
    if file.file_size and size < file.file_size:
        return _failed(
            file,
            _("Zoom sent %(got)s of %(size)s bytes; the rest will be resumed.")
            % {"got": size, "size": file.file_size},
            retry=True,
        )
    if file.file_size and size > file.file_size:
        path.unlink(missing_ok=True)
        file.bytes_downloaded = 0
        return _failed(
            file,
            _("Zoom sent %(got)s bytes for a file of %(size)s; the copy was discarded.")
            % {"got": size, "size": file.file_size},
            retry=True,
        )
    with path.open("rb") as finished:
        name = default_storage.save(storage_name_for(file), _LocalFile(finished, name=str(path)))
    path.unlink(missing_ok=True)
    file.storage_name = name
    file.sha256 = digest.hexdigest()
    file.download_state = RecordingFile.Download.DONE
    file.download_error = ""
    file.next_attempt_at = None
    file.downloaded_at = timezone.now()
    file.save()
    logger.info("Recording file %s downloaded: %s bytes", file.pk, size)
    return file


def _download(recording: Recording, url: str, *, write, offset) -> int:
    """Download with the webhook's download_token while it is valid, else with the account's token."""
    from accounts.services import download_token_client
    from zoomhub.zoom.errors import ZoomAuthError

    token = _valid_download_token(recording)
    if token:
        try:
            return download_token_client().download(
                url, write=write, offset=offset(), access_token=token, chunk_size=CHUNK
            )
        except ZoomAuthError:
            if recording.source is None:
                raise
            # Zoom no longer takes it: forget it and use the account's own token.
            Recording.objects.filter(pk=recording.pk).update(
                download_token=None, download_token_expires_at=None
            )
    return client_for_recording(recording).download(url, write=write, offset=offset(), chunk_size=CHUNK)


def recording_files_due() -> list[int]:
    """Files waiting for a download attempt now, and downloads whose worker died."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.RECORDINGS_DOWNLOAD_STALE_SECONDS)
    return list(
        RecordingFile.objects.filter(
            Q(download_state=RecordingFile.Download.PENDING, next_attempt_at__isnull=True)
            | Q(download_state=RecordingFile.Download.PENDING, next_attempt_at__lte=now)
            | Q(download_state=RecordingFile.Download.DOWNLOADING, updated_at__lt=stale)
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[: settings.RECORDINGS_DOWNLOAD_BATCH]
    )


def recording_file_stream(*, file: RecordingFile, start: int = 0) -> Iterator[bytes]:
    """Zoom's copy of a file from byte `start`, chunk by chunk, for the play/download view
    (bounded memory).

    The token stays on the server: the browser only ever talks to ZoomHub.
    """
    recording = file.recording
    chunks: queue.Queue = queue.Queue(maxsize=8)
    done = object()
    failure: list[BaseException] = []
    cancelled = threading.Event()

    def write(chunk: bytes) -> None:
        if cancelled.is_set():
            raise BrokenPipeError("the browser went away")
        chunks.put(chunk)

    def produce() -> None:
        try:
            _download(recording, file.download_url, write=write, offset=lambda: start)
        except BaseException as error:  # handed to the consumer
            failure.append(error)
        finally:
            connection.close()
            chunks.put(done)

    threading.Thread(target=produce, daemon=True, name=f"stream-file-{file.pk}").start()

    def consume() -> Iterator[bytes]:
        try:
            while True:
                chunk = chunks.get()
                if chunk is done:
                    break
                yield chunk
            if failure:
                logger.warning("Streaming recording file %s from Zoom failed: %s", file.pk, failure[0])
        finally:
            cancelled.set()
            while not chunks.empty():
                chunks.get_nowait()

    return consume()


def partial_files_size() -> int:
    folder = Path(settings.RECORDINGS_PARTIAL_DIR)
    return sum(os.path.getsize(p) for p in folder.glob("*.part")) if folder.exists() else 0
