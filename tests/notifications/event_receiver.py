"""The school's own program receiving ZoomHub's outgoing events: a tiny HTTP server on loopback
with its own HMAC check, written from the documented scheme (not ZoomHub's code), that can be
told to fail its first answers."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class EventReceiver:
    def __init__(self, secret: str, *, fail_first: int = 0) -> None:
        self.secret = secret
        self.fail_first = fail_first
        self.requests: list[dict] = []  # every request: verified or not, answered status
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                timestamp = self.headers.get("x-zm-request-timestamp", "")
                signature = self.headers.get("x-zm-signature", "")
                expected = (
                    "v0="
                    + hmac.new(
                        receiver.secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256
                    ).hexdigest()
                )
                fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
                verified = fresh and hmac.compare_digest(expected, signature)
                with receiver.lock:
                    failing = len(receiver.requests) < receiver.fail_first
                    status = 401 if not verified else (503 if failing else 200)
                    receiver.requests.append(
                        {
                            "verified": verified,
                            "status": status,
                            "body": json.loads(body) if verified else None,
                        }
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/zoomhub-events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "EventReceiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[dict]:
        with self.lock:
            return [r["body"] for r in self.requests if r["status"] == 200]
