"""A real HTTP server on 127.0.0.1 for tests that cross a process boundary or stream big files.

It serves a FakeZoom (token, users, recordings) and recording files with Range support. A file
can be told to break off after some bytes, or to answer 503 for a while, so resumption is tested
against real sockets.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BLOCK = 1 << 20


def pattern_block(seed: str) -> bytes:
    """1 MiB of deterministic, incompressible-looking bytes."""
    out = bytearray()
    counter = 0
    while len(out) < BLOCK:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:BLOCK])


@dataclass
class ServedFile:
    size: int
    seed: str = "zoomhub"
    break_after: int | None = None  # first full request stops after this many bytes
    unavailable: int = 0  # answer 503 to this many requests after a break
    requests: list[dict] = field(default_factory=list)

    def __post_init__(self):
        self.block = pattern_block(self.seed)

    def chunks(self, start: int) -> Iterator[bytes]:
        position = start
        while position < self.size:
            offset = position % BLOCK
            piece = self.block[offset : min(BLOCK, offset + self.size - position)]
            yield piece
            position += len(piece)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks(0):
            digest.update(chunk)
        return digest.hexdigest()


class LocalServer:
    def __init__(self, zoom=None) -> None:
        self.zoom = zoom
        self.files: dict[str, ServedFile] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                return None

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self._zoom("POST")

            def do_GET(self):
                match = re.match(r"^/rec/download/([^?]+)", self.path)
                if match and match.group(1) in server.files:
                    self._file(server.files[match.group(1)])
                else:
                    self._zoom("GET")

            def _zoom(self, method):
                status, headers, body = server.zoom.handle(method, server.url + self.path, dict(self.headers))
                data = body.encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _file(self, served: ServedFile):
                served.requests.append(
                    {
                        "range": self.headers.get("Range"),
                        "authorization": self.headers.get("Authorization"),
                        "path": self.path,
                    }
                )
                if served.unavailable > 0 and len(served.requests) > 1:
                    served.unavailable -= 1
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                start = 0
                range_header = self.headers.get("Range")
                if range_header:
                    start = int(re.match(r"bytes=(\d+)-", range_header).group(1))
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{served.size - 1}/{served.size}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(served.size - start))
                self.send_header("Content-Type", "video/mp4")
                self.end_headers()
                sent = 0
                limit = served.break_after if (served.break_after is not None and start == 0) else None
                for chunk in served.chunks(start):
                    if limit is not None and sent + len(chunk) > limit:
                        self.wfile.write(chunk[: limit - sent])
                        self.wfile.flush()
                        served.break_after = None
                        self.close_connection = True
                        # Drop the socket mid-body: the client sees a short read.
                        self.connection.shutdown(2)
                        return
                    self.wfile.write(chunk)
                    sent += len(chunk)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def file_url(self, name: str) -> str:
        return f"{self.url}/rec/download/{name}"


@contextlib.contextmanager
def running_server(zoom=None):
    server = LocalServer(zoom)
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
