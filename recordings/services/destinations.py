"""Talking to a destination: S3 clients from its settings, the "Test" check, usage, reads and deletes.

Local destinations are Django's default storage (MEDIA_ROOT under `make run`). S3-compatible ones
go through boto3 (AWS, MinIO, Backblaze B2, Wasabi, Yandex Object Storage ...): the endpoint,
region and addressing style are the destination's, the keys are decrypted only here and never
leave this module in a message.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from recordings.models import Destination, RecordingFile

logger = logging.getLogger(__name__)

TEST_BODY = b"ZoomHub destination test\n"


def destination_storage(destination: Destination, *, quick: bool = False):
    """django-storages' S3 backend configured from the destination (keys decrypted here only).

    `quick`: one attempt and short timeouts, so the Test button answers in seconds.
    """
    from botocore.config import Config
    from storages.backends.s3 import S3Storage

    config = Config(
        region_name=destination.region or None,
        signature_version="s3v4",
        s3={"addressing_style": destination.addressing_style},
        retries={"max_attempts": 1 if quick else settings.RECORDINGS_S3_MAX_ATTEMPTS, "mode": "standard"},
        connect_timeout=3 if quick else settings.RECORDINGS_S3_CONNECT_TIMEOUT,
        read_timeout=10 if quick else settings.RECORDINGS_S3_READ_TIMEOUT,
        max_pool_connections=max(10, destination.max_parallel_transfers * 4),
        # botocore's default CRC trailers (aws-chunked bodies) are refused by several S3-compatible
        # stores and add a copy of each part; the SHA-256 and size checks verify the bytes instead.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return S3Storage(
        bucket_name=destination.bucket,
        endpoint_url=destination.endpoint_url or None,
        region_name=destination.region or None,
        access_key=destination.access_key_id or None,
        secret_key=destination.secret_access_key or None,
        security_token=None,
        session_profile=None,
        addressing_style=destination.addressing_style,
        signature_version="s3v4",
        location="",
        file_overwrite=True,
        default_acl=None,
        object_parameters=put_extra(destination),
        querystring_auth=True,
        querystring_expire=settings.RECORDINGS_PRESIGNED_URL_SECONDS,
        client_config=config,
    )


def s3_client(destination: Destination, *, quick: bool = False):
    """The boto3 client behind the destination's storage (thread-safe: shared by part uploads)."""
    return destination_storage(destination, quick=quick).connection.meta.client


def put_extra(destination: Destination) -> dict:
    return {"ServerSideEncryption": "AES256"} if destination.server_side_encryption else {}


def explain_s3_error(error: Exception, destination: Destination) -> str:
    """What failed, in words staff can act on; never the keys."""
    from botocore.exceptions import (
        ClientError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        ReadTimeoutError,
    )

    endpoint = destination.endpoint_url or "AWS S3"
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError):
        return _("The endpoint %(endpoint)s cannot be reached: check the URL, DNS and firewall.") % {
            "endpoint": endpoint
        }
    if isinstance(error, ReadTimeoutError):
        return _("The endpoint %(endpoint)s stopped answering.") % {"endpoint": endpoint}
    if isinstance(error, NoCredentialsError):
        return _("No access key is set for this destination.")
    if not isinstance(error, ClientError):
        return _("The storage call failed: %(error)s") % {"error": error.__class__.__name__}
    code = error.response.get("Error", {}).get("Code", "")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    bucket = destination.bucket
    if code == "NoSuchBucket":
        return _("The bucket “%(bucket)s” does not exist at %(endpoint)s.") % {
            "bucket": bucket,
            "endpoint": endpoint,
        }
    if code in ("InvalidAccessKeyId",):
        return _("The access key ID is not known to %(endpoint)s.") % {"endpoint": endpoint}
    if code == "SignatureDoesNotMatch":
        return _("The secret access key is wrong (the signature does not match).")
    if code in ("RequestTimeTooSkewed", "RequestExpired"):
        return _("The server's clock and the storage's differ too much: set up NTP on this server.")
    if code in (
        "AuthorizationHeaderMalformed",
        "PermanentRedirect",
        "IllegalLocationConstraintException",
    ) or (status == 301):
        region = error.response.get("Error", {}).get("Region") or error.response.get(
            "ResponseMetadata", {}
        ).get("HTTPHeaders", {}).get("x-amz-bucket-region", "")
        if region:
            return _("Wrong region: the bucket “%(bucket)s” is in %(region)s, not “%(configured)s”.") % {
                "bucket": bucket,
                "region": region,
                "configured": destination.region or "-",
            }
        return _("Wrong region for the bucket “%(bucket)s” (now “%(configured)s”).") % {
            "bucket": bucket,
            "configured": destination.region or "-",
        }
    if code in ("AccessDenied", "AllAccessDisabled", "Forbidden") or status == 403:
        return _(
            "Access denied: the key may not write, read and delete objects in “%(bucket)s” (check its policy)."
        ) % {"bucket": bucket}
    if code == "NoSuchUpload":
        return _("The unfinished upload is gone from the bucket (aborted or swept).")
    if refuses_checksums(error):
        return _(
            "The storage refuses checksum headers: turn off “Check every part” in this destination's "
            "settings."
        )
    if code == "BadDigest":
        return _(
            "The storage received bytes that differ from those sent (their checksum did not match); "
            "nothing damaged was kept. If this repeats on every attempt, the storage may not "
            "understand checksum headers: turn off “Check every part”."
        )
    return _("The storage answered %(status)s %(code)s.") % {"status": status or "?", "code": code or "?"}


def refuses_checksums(error: Exception) -> bool:
    """The storage does not take x-amz-checksum-* headers (Backblaze B2: InvalidArgument, Unsupported header)."""
    from botocore.exceptions import ClientError

    if not isinstance(error, ClientError):
        return False
    details = error.response.get("Error", {})
    return details.get("Code") in ("InvalidArgument", "NotImplemented", "InvalidRequest") and (
        "checksum" in " ".join(str(value) for value in details.values()).lower()
    )


@dataclass
class TestResult:
    ok: bool
    message: str


def destination_test(*, destination: Destination) -> TestResult:
    """Write, read back and delete a small object; say precisely which step failed and why."""
    result = _test_local() if not destination.is_s3 else _test_s3(destination)
    Destination.objects.filter(pk=destination.pk).update(
        last_test_ok=result.ok, last_test_message=result.message, last_tested_at=timezone.now()
    )
    destination.last_test_ok, destination.last_test_message = result.ok, result.message
    return result


def _test_local() -> TestResult:
    name = f"zoomhub-test/{uuid.uuid4().hex}.txt"
    try:
        from django.core.files.base import ContentFile

        saved = default_storage.save(name, ContentFile(TEST_BODY))
        with default_storage.open(saved, "rb") as handle:
            same = handle.read() == TEST_BODY
        default_storage.delete(saved)
    except OSError as error:
        return TestResult(
            False, _("Writing to this server's disk failed: %(error)s") % {"error": error.strerror}
        )
    if not same:
        return TestResult(False, _("The test file read back differs from what was written."))
    return TestResult(True, _("Wrote, read back and deleted a test file on this server's disk."))


def _test_s3(destination: Destination) -> TestResult:
    from botocore.exceptions import BotoCoreError, ClientError

    missing = [
        label
        for label, value in (
            (_("bucket"), destination.bucket),
            (_("access key ID"), destination.access_key_id),
            (_("secret access key"), destination.secret_access_key),
        )
        if not value
    ]
    if missing:
        return TestResult(False, _("Fill in: %(fields)s.") % {"fields": ", ".join(str(m) for m in missing)})
    from recordings.services.multipart import crc32_base64

    key = object_key(destination, f"zoomhub-test/{uuid.uuid4().hex}.txt")
    storage = destination_storage(destination, quick=True)
    step = _("writing")
    try:
        # Written as recordings are: with the CRC32 header when the destination checks parts.
        checksum = {"ChecksumCRC32": crc32_base64(TEST_BODY)} if destination.part_checksums else {}
        storage.connection.meta.client.put_object(
            Bucket=destination.bucket, Key=key, Body=TEST_BODY, **checksum, **put_extra(destination)
        )
        step = _("reading back")
        with storage.open(key, "rb") as handle:
            body = handle.read()
        step = _("deleting")
        storage.delete(key)
    except (BotoCoreError, ClientError, OSError) as error:
        logger.info("Destination %s test failed while %s: %s", destination.pk, step, error.__class__.__name__)
        return TestResult(
            False,
            _("Failed while %(step)s a test object: %(reason)s")
            % {"step": step, "reason": explain_s3_error(error, destination)},
        )
    if body != TEST_BODY:
        return TestResult(False, _("The test object read back differs from what was written."))
    return TestResult(
        True,
        _("Wrote, read back and deleted a test object in “%(bucket)s”.") % {"bucket": destination.bucket},
    )


def object_key(destination: Destination, name: str) -> str:
    prefix = destination.prefix.strip("/")
    return f"{prefix}/{name}" if prefix else name


@dataclass
class Usage:
    stored_bytes: int
    stored_files: int
    free_bytes: int | None = None  # only a local disk can say
    total_bytes: int | None = None


def destinations_usage() -> dict[int | None, Usage]:
    """What ZoomHub keeps in each destination (None: this server's disk), and free space where known."""
    rows = (
        RecordingFile.objects.filter(download_state=RecordingFile.Download.DONE)
        .values("destination")
        .annotate(size=Sum("file_size"), count=Count("id"))
        .order_by()
    )
    usage = {row["destination"]: Usage(row["size"] or 0, row["count"]) for row in rows}
    local = usage.setdefault(None, Usage(0, 0))
    with contextlib.suppress(OSError):
        root = Path(settings.MEDIA_ROOT)
        while not root.exists() and root != root.parent:
            root = root.parent
        disk = shutil.disk_usage(root)
        local.free_bytes, local.total_bytes = disk.free, disk.total
    return usage


def open_stream(file: RecordingFile) -> Iterator[bytes]:
    """The stored copy's bytes, chunk by chunk (for moving it elsewhere)."""
    chunk = 1 << 20
    if file.destination is None or not file.destination.is_s3:
        with default_storage.open(file.storage_name, "rb") as handle:
            yield from iter(lambda: handle.read(chunk), b"")
        return
    destination = file.destination
    body = s3_client(destination).get_object(Bucket=destination.bucket, Key=file.storage_name)["Body"]
    try:
        yield from body.iter_chunks(chunk)
    finally:
        body.close()


def stored_object_delete(*, destination: Destination | None, name: str) -> None:
    if not name:
        return
    if destination is None or not destination.is_s3:
        default_storage.delete(name)
        return
    destination_storage(destination).delete(name)


def presigned_url(file: RecordingFile, *, filename: str, content_type: str, attachment: bool) -> str:
    """A short-lived link straight to the bucket: no worker streams the file.

    The link is signed; it names the access key ID (as every S3 presigned URL does), never the secret.
    """
    disposition = "attachment" if attachment else "inline"
    return destination_storage(file.destination).url(
        file.storage_name,
        parameters={
            "ResponseContentDisposition": f"{disposition}; filename*=UTF-8''{quote(filename)}",
            "ResponseContentType": content_type,
        },
        expire=settings.RECORDINGS_PRESIGNED_URL_SECONDS,
    )


def bucket_origin(destination: Destination) -> str:
    """The scheme and host presigned links of this bucket point at (for the page's media-src)."""
    parts = urlsplit(destination_storage(destination).url("origin"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


DESTINATION_FIELDS = (
    "name",
    "kind",
    "endpoint_url",
    "region",
    "bucket",
    "prefix",
    "access_key_id",
    "secret_access_key",
    "addressing_style",
    "server_side_encryption",
    "part_checksums",
    "part_size_mb",
    "max_parallel_transfers",
    "retention_days",
)
SECRET_FIELDS = ("access_key_id", "secret_access_key")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.\-_]{1,61}[a-z0-9]$")


def destination_errors(destination: Destination) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if destination.kind == Destination.Kind.S3:
        if not destination.bucket:
            add("bucket", _("Give the bucket's name."))
        elif not BUCKET_NAME.match(destination.bucket):
            add(
                "bucket",
                _("A bucket name has 3 to 63 lower-case letters, digits, dots, hyphens or underscores."),
            )
        for field in SECRET_FIELDS:
            if not getattr(destination, field):
                add(field, _("Required for object storage."))
        if len(destination.prefix.encode()) > 200:
            add("prefix", _("The prefix may be at most 200 bytes long."))
        if destination.prefix.startswith("/") or ".." in destination.prefix.split("/"):
            add("prefix", _("The prefix is a folder inside the bucket: no leading / and no “..”."))
    return errors


def destination_save(*, destination: Destination | None = None, **values) -> Destination:
    """Create or update a destination; an empty key field keeps the stored key (it is never shown)."""
    from django.core.exceptions import ValidationError

    destination = destination or Destination()
    for field, value in values.items():
        if field not in DESTINATION_FIELDS:
            raise TypeError(f"Destination has no editable field {field!r}")
        if field in SECRET_FIELDS and not value:
            continue
        setattr(destination, field, value.strip() if isinstance(value, str) else value)
    destination.full_clean()
    errors = destination_errors(destination)
    if errors:
        raise ValidationError(errors)
    destination.save()
    return destination
