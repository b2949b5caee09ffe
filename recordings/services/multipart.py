"""Streaming into S3 in parts: bytes come in as they arrive, parts go out, memory stays bounded.

`MultipartSink.write()` collects bytes until a part is full and hands the part to a small pool of
uploader threads; when `concurrency` parts are already in flight, write() waits, so memory is at
most (concurrency + 1) parts plus one chunk, whatever the file's size. A file smaller than one
part is sent with a single PUT. Nothing touches the database here (uploads run in threads whose
database connections would not see the caller's transaction); progress is reported to the
caller's thread through `uploaded_bytes()`.

With `checksums` on, the upload is created with ChecksumAlgorithm=CRC32 and every part (or the
single PUT) carries its CRC32 in the `x-amz-checksum-crc32` header, computed by zlib in the
uploader thread: the storage recomputes it and refuses a part that arrived damaged (BadDigest),
and only combines the parts' CRCs when the upload completes. These are plain headers, not
botocore's aws-chunked checksum trailers, which several S3-compatible stores refuse.
"""

from __future__ import annotations

import base64
import threading
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field


@dataclass
class UploadedPart:
    number: int
    etag: str
    size: int
    checksum_crc32: str = ""  # base64 of the part's CRC32 (big-endian), as S3 spells it


def crc32_base64(data) -> str:
    """The CRC32 of the bytes as the x-amz-checksum-crc32 header carries it."""
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


@dataclass
class ResumePoint:
    upload_id: str
    parts: list[UploadedPart] = field(default_factory=list)  # the contiguous prefix, 1..k
    checksum_algorithm: str = ""  # as the storage reports it ("" when it does not say)

    @property
    def offset(self) -> int:
        return sum(part.size for part in self.parts)


def resume_point(client, *, bucket: str, key: str, upload_id: str, part_size: int) -> ResumePoint | None:
    """The parts 1..k of an unfinished upload that can be kept (each exactly part_size); None when gone."""
    from botocore.exceptions import ClientError

    found: dict[int, UploadedPart] = {}
    algorithm = ""
    marker = 0
    try:
        while True:
            page = client.list_parts(Bucket=bucket, Key=key, UploadId=upload_id, PartNumberMarker=marker)
            algorithm = algorithm or page.get("ChecksumAlgorithm", "")
            for part in page.get("Parts", []):
                found[part["PartNumber"]] = UploadedPart(
                    part["PartNumber"], part["ETag"], part["Size"], part.get("ChecksumCRC32", "")
                )
            if not page.get("IsTruncated"):
                break
            marker = page["NextPartNumberMarker"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchUpload", "404", "NoSuchKey"):
            return None
        raise
    kept = []
    number = 1
    while number in found and found[number].size == part_size:
        kept.append(found[number])
        number += 1
    return ResumePoint(upload_id, kept, algorithm)


class MultipartSink:
    def __init__(
        self,
        client,
        *,
        bucket: str,
        key: str,
        part_size: int,
        concurrency: int = 2,
        extra: dict | None = None,
        resume: ResumePoint | None = None,
        on_upload_started=None,
        checksums: bool = False,
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.key = key
        self.part_size = part_size
        self.extra = extra or {}
        self.upload_id = resume.upload_id if resume else ""
        self.on_upload_started = on_upload_started
        self.checksums = checksums
        self._parts: dict[int, UploadedPart] = {p.number: p for p in (resume.parts if resume else [])}
        self._next_number = len(self._parts) + 1
        self._buffer = bytearray()
        self._slots = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="s3-part")
        self._futures: list[Future] = []
        self._failure: BaseException | None = None
        self.single_put = False

    # Feeding -------------------------------------------------------------------------------------
    def write(self, chunk: bytes) -> None:
        self._raise_failure()
        self._buffer += chunk
        while len(self._buffer) >= self.part_size:
            # The full buffer itself becomes the part (no copy of it); only the few bytes past the
            # part's end are copied into the next buffer.
            body = self._buffer
            self._buffer = body[self.part_size :]
            del body[self.part_size :]
            self._submit(body)

    def uploaded_bytes(self) -> int:
        """Bytes in parts 1..k all uploaded (what a resume could keep)."""
        with self._lock:
            total, number = 0, 1
            while number in self._parts:
                total += self._parts[number].size
                number += 1
            return total

    def finish(self) -> None:
        """Send what is left and complete the object (a single PUT when it fits in one part)."""
        self._raise_failure()
        if not self.upload_id and not self._parts:
            self.single_put = True
            checksum = {"ChecksumCRC32": crc32_base64(self._buffer)} if self.checksums else {}
            self.client.put_object(
                Bucket=self.bucket, Key=self.key, Body=self._buffer, **checksum, **self.extra
            )
            self._buffer = bytearray()
            self._pool.shutdown()
            return
        if self._buffer or not self._parts:
            body, self._buffer = self._buffer, bytearray()
            self._submit(body)
        self._wait()
        parts = [self._part_entry(self._parts[n]) for n in sorted(self._parts)]
        self.client.complete_multipart_upload(
            Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, MultipartUpload={"Parts": parts}
        )

    def abort(self) -> None:
        """Give up: the parts already sent are deleted with the upload (nothing is left behind)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self.upload_id:
            abort_upload(self.client, bucket=self.bucket, key=self.key, upload_id=self.upload_id)

    def close(self) -> None:
        """Stop the uploader threads (after a failure the upload stays for a resume)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    # Inside --------------------------------------------------------------------------------------
    def _submit(self, body: bytearray) -> None:
        if not self.upload_id:
            algorithm = {"ChecksumAlgorithm": "CRC32"} if self.checksums else {}
            answer = self.client.create_multipart_upload(
                Bucket=self.bucket, Key=self.key, **algorithm, **self.extra
            )
            self.upload_id = answer["UploadId"]
            if self.on_upload_started:
                self.on_upload_started(self.upload_id)
        self._slots.acquire()  # waits while `concurrency` parts are in flight: bounded memory
        if self._failure is not None:
            self._slots.release()
            self._raise_failure()
        number = self._next_number
        self._next_number += 1
        self._futures.append(self._pool.submit(self._upload, number, body))

    def _upload(self, number: int, body: bytearray) -> None:
        try:
            checksum = crc32_base64(body) if self.checksums else ""
            answer = self.client.upload_part(
                Bucket=self.bucket,
                Key=self.key,
                UploadId=self.upload_id,
                PartNumber=number,
                Body=body,
                **({"ChecksumCRC32": checksum} if checksum else {}),
            )
            with self._lock:
                self._parts[number] = UploadedPart(number, answer["ETag"], len(body), checksum)
        except BaseException as error:
            self._failure = self._failure or error
        finally:
            self._slots.release()

    def _part_entry(self, part: UploadedPart) -> dict:
        entry = {"PartNumber": part.number, "ETag": part.etag}
        if self.checksums and part.checksum_crc32:
            entry["ChecksumCRC32"] = part.checksum_crc32
        return entry

    def _wait(self) -> None:
        for future in self._futures:
            future.result()
        self._futures.clear()
        self._pool.shutdown()
        self._raise_failure()

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure


def abort_upload(client, *, bucket: str, key: str, upload_id: str) -> bool:
    """Abort an unfinished upload; True when it was there. Its parts stop costing storage."""
    from botocore.exceptions import ClientError

    try:
        client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchUpload", "404"):
            return False
        raise
    return True
