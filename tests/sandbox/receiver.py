"""A tiny HTTP server that receives webhooks in tests, answering with scripted statuses."""

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from zoomhub.zoom.webhooks import url_validation_response


class Receiver:
    def __init__(self, secret: str, statuses: list[int] | None = None) -> None:
        self.secret = secret
        self.statuses = list(statuses or [])  # answered in order, then 200
        self.received: list[tuple[dict, bytes]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                answer = b""
                data = json.loads(body)
                if data.get("event") == "endpoint.url_validation" and status == 200:
                    answer = json.dumps(
                        url_validation_response(receiver.secret, data["payload"]["plainToken"])
                    ).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/webhooks/zoom/test-code/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def bodies(self) -> list[dict]:
        return [json.loads(body) for _, body in self.received]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextlib.contextmanager
def receiving(secret: str, statuses: list[int] | None = None):
    receiver = Receiver(secret, statuses)
    try:
        yield receiver
    finally:
        receiver.close()
