"""Recording bytes, generated on the fly from a seed so a 1 GB file costs no memory.

Byte i of a file is block[(i % BLOCK)] of a 64 KiB block derived from the file's seed, with the
block's index stamped over its first 8 bytes: every block differs, any range is cheap to
produce, and tests can compute the expected bytes with `content()`.
"""

import functools
import hashlib
import re
from collections.abc import Iterator

from sandbox.router import Response

BLOCK = 64 * 1024
CHUNK = 256 * 1024
CONTENT_TYPES = {
    "MP4": "video/mp4",
    "M4A": "audio/mp4",
    "CHAT": "text/plain",
    "TRANSCRIPT": "text/vtt",
    "CC": "text/vtt",
    "TIMELINE": "application/json",
}


@functools.lru_cache(maxsize=32)
def _base_block(seed: int) -> bytes:
    return hashlib.shake_256(seed.to_bytes(16, "big", signed=False)).digest(BLOCK)


def _block(seed: int, index: int) -> bytes:
    return index.to_bytes(8, "big") + _base_block(seed)[8:]


def generate(seed: int, start: int, end: int) -> Iterator[bytes]:
    """Bytes [start, end) of the file with this seed, in chunks of at most CHUNK bytes."""
    position = start
    buffer = bytearray()
    while position < end:
        index, offset = divmod(position, BLOCK)
        take = min(BLOCK - offset, end - position)
        buffer += _block(seed, index)[offset : offset + take]
        position += take
        if len(buffer) >= CHUNK:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def content(seed: int, start: int, length: int) -> bytes:
    return b"".join(generate(seed, start, start + length))


RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def serve(*, seed: int, size: int, file_type: str, filename: str, range_header: str, head: bool) -> Response:
    """200 with the whole file, or 206 for one satisfiable range, or 416."""
    headers = {
        "Content-Type": CONTENT_TYPES.get(file_type, "application/octet-stream"),
        "Accept-Ranges": "bytes",
        "Content-Disposition": f'attachment; filename="{filename}"',
    }
    start, end, status = 0, size, 200
    match = RANGE.match(range_header.strip()) if range_header else None
    if match and (match.group(1) or match.group(2)):
        first, last = match.group(1), match.group(2)
        if first:
            start = int(first)
            end = min(size, int(last) + 1) if last else size
        else:  # a suffix: the last N bytes
            start, end = max(0, size - int(last)), size
        if start >= size or end <= start:
            return Response(416, b"", {**headers, "Content-Range": f"bytes */{size}"})
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)
    return Response(status, b"", headers, stream=None if head else generate(seed, start, end))
