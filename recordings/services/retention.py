"""The daily jobs that keep destinations tidy: retention (with legal hold) and the multipart sweep."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from recordings.models import Destination, RecordingFile, Source
from recordings.services.destinations import s3_client, stored_object_delete
from recordings.services.multipart import abort_upload

logger = logging.getLogger(__name__)


def recording_set_legal_hold(*, recording, hold: bool, by=None) -> None:
    """Place or release a legal hold; while held, retention never deletes the recording's copies."""
    from recordings.models import Recording

    Recording.objects.filter(pk=recording.pk).update(legal_hold=hold, updated_at=timezone.now())
    recording.legal_hold = hold
    logger.info("Recording %s legal hold %s by %s", recording.pk, "placed" if hold else "released", by)


def _retention_days(source: Source | None, destination: Destination | None) -> int:
    """The source's rule when it has one, else the destination's; 0 keeps forever."""
    if source is not None and source.retention_days:
        return source.retention_days
    if destination is not None:
        return destination.retention_days
    return 0


def stored_copies_expire(*, now=None) -> int:
    """Delete copies older than their retention, never those of a recording under legal hold."""
    now = now or timezone.now()
    deleted = 0
    sources = {s.pk: s for s in Source.objects.select_related("destination")}
    destinations = {d.pk: d for d in Destination.objects.all()}
    stored = (
        RecordingFile.objects.filter(download_state=RecordingFile.Download.DONE, recording__legal_hold=False)
        .exclude(storage_name="")
        .filter(Q(recording__source__retention_days__gt=0) | Q(destination__retention_days__gt=0))
        .values_list("pk", "recording__source_id", "destination_id", "downloaded_at")
    )
    for pk, source_id, destination_id, stored_at in stored.iterator():
        days = _retention_days(sources.get(source_id), destinations.get(destination_id))
        if not days or stored_at is None or stored_at >= now - timedelta(days=days):
            continue
        deleted += _expire_one(pk, now)
    if deleted:
        logger.info("Retention deleted %s stored recording copies", deleted)
    return deleted


def _expire_one(pk: int, now) -> int:
    # Re-read under the hold check: a hold placed since the list was made wins.
    file = (
        RecordingFile.objects.select_related("destination")
        .filter(pk=pk, recording__legal_hold=False, download_state=RecordingFile.Download.DONE)
        .first()
    )
    if file is None:
        return 0
    stored_object_delete(destination=file.destination, name=file.storage_name)
    RecordingFile.objects.filter(pk=file.pk).update(
        download_state=RecordingFile.Download.EXPIRED, storage_name="", updated_at=now
    )
    return 1


def multipart_uploads_sweep(*, older_than: timedelta | None = None, now=None) -> int:
    """Abort unfinished multipart uploads no running transfer owns (their parts cost storage)."""
    now = now or timezone.now()
    if older_than is None:
        older_than = timedelta(hours=settings.RECORDINGS_MULTIPART_STALE_HOURS)
    fresh = now - timedelta(seconds=settings.RECORDINGS_DOWNLOAD_STALE_SECONDS)
    in_use = set(
        RecordingFile.objects.filter(download_state=RecordingFile.Download.DOWNLOADING, updated_at__gte=fresh)
        .exclude(upload_id="")
        .values_list("upload_id", flat=True)
    )
    aborted = 0
    for destination in Destination.objects.filter(kind=Destination.Kind.S3):
        client = s3_client(destination)
        prefix = destination.prefix.strip("/")
        paginator = client.get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=destination.bucket, Prefix=f"{prefix}/" if prefix else ""):
            for upload in page.get("Uploads", []):
                if upload["UploadId"] in in_use or upload["Initiated"] > now - older_than:
                    continue
                if abort_upload(
                    client, bucket=destination.bucket, key=upload["Key"], upload_id=upload["UploadId"]
                ):
                    aborted += 1
                RecordingFile.objects.filter(upload_id=upload["UploadId"]).update(
                    upload_id="", bytes_downloaded=0
                )
    if aborted:
        logger.info("Aborted %s unfinished multipart uploads", aborted)
    return aborted
