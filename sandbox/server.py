"""The sandbox server: one port answers /oauth/... (zoom.us), /v2/... (api.zoom.us), download
and storage URLs, and the /_sandbox/ control API. Standard library only, so it starts in
milliseconds in a test thread or as its own process.
"""

import contextlib
import logging
import secrets
import socket
import struct
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sandbox import (
    control,
    meetings,
    oauth,
    recordings,
    reports,
    user_events,
    users,
    webinar_questions,
    webinars,
)
from sandbox.faults import Fault, Faults
from sandbox.ratelimit import RateLimiter
from sandbox.router import Request, Response, Router
from sandbox.state import SandboxState
from sandbox.webhooks import WebhookSender

logger = logging.getLogger("sandbox")

CONTROL_PREFIX = "/_sandbox"
SECRET_PARAMS = ("access_token", "token", "code", "refresh_token", "code_verifier", "signature", "zak", "pwd")
MAX_BODY = 10 * 1024 * 1024


class Sandbox:
    """A running Zoom emulator. `Sandbox(port=0).start()` serves on a free port."""

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, public_url: str | None = None, seed: int = 0
    ):
        self.state = SandboxState(seed=seed)
        self.limiter = RateLimiter(self.state.clock)
        self.faults = Faults()
        self.signing_key = secrets.token_bytes(32)
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.sandbox = self
        self.base_url = (public_url or f"http://{host}:{self.httpd.server_port}").rstrip("/")
        self.webhooks = WebhookSender(self)
        self.router = Router()
        for module in (
            oauth,
            users,
            meetings,
            webinars,
            webinar_questions,
            recordings,
            reports,
            control,
            user_events,
        ):
            self.router.include(module.routes(self))
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.httpd.server_port

    @property
    def api_base_url(self) -> str:
        return f"{self.base_url}/v2"

    @property
    def oauth_base_url(self) -> str:
        return f"{self.base_url}/oauth"

    def start(self) -> "Sandbox":
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="zoom-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.stopping.set()
        self.webhooks.stop()
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        """Forget everything: state, faults, latency, counts, webhook history."""
        self.state.reset()
        self.limiter.reset()
        self.faults.clear()
        self.webhooks.clear()

    def pause(self, seconds: float) -> None:
        """Sleep, but wake up when the sandbox stops (so a hanging fault never blocks teardown)."""
        self.stopping.wait(seconds)

    def record(self, request: Request, status: int, fault: Fault | None, started: float) -> None:
        if request.raw_path.startswith(CONTROL_PREFIX):
            return
        key = f"{request.method} {request.pattern or request.raw_path}"
        query = {k: ("***" if k in SECRET_PARAMS else v) for k, v in request.query.items()}
        auth, token_kind, account_id = self._credentials(request)
        body = None
        if request.raw_path.startswith("/v2/") and request.body and len(request.body) <= 65536:
            with contextlib.suppress(ValueError):
                body = request.json()
        with self.state.lock:
            self.state.calls[key] += 1
            self.state.request_log.append(
                {
                    "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "method": request.method,
                    "path": request.raw_path,
                    "route": key,
                    "query": query,
                    "status": status,
                    "fault": fault.kind if fault else "",
                    "range": request.headers.get("range", ""),
                    "auth": auth,
                    "token_kind": token_kind,
                    "account_id": account_id,
                    "json": body,
                    "ms": round((time.monotonic() - started) * 1000, 1),
                }
            )

    def _credentials(self, request: Request) -> tuple[str, str, str]:
        """How the request was authorised, never the secret itself: ("bearer"/"basic"/"query"/"",
        "access"/"download"/"", the account whose token or token request it was)."""
        header = request.headers.get("authorization", "")
        if request.raw_path == "/oauth/token":
            account = request.query.get("account_id") or request.form().get("account_id", "")
            return ("basic" if header.lower().startswith("basic ") else ""), "", account
        value, auth = "", ""
        if header.lower().startswith("bearer "):
            value, auth = header[7:].strip(), "bearer"
        elif request.query.get("access_token"):
            value, auth = request.query["access_token"], "query"
        if not value:
            return auth, "", ""
        with self.state.lock:
            token = self.state.access_tokens.get(value)
            if token is not None:
                return auth, "access", token.account_id
            if value in self.state.download_tokens:
                return auth, "download", ""
        return auth, "unknown", ""

    def dispatch(self, request: Request) -> Response:
        handler, path_known = self.router.match(request)
        if handler is None:
            if path_known:
                return Response.json({"code": 405, "message": "Method not allowed."}, status=405)
            return Response.json({"code": 404, "message": "Not Found"}, status=404)
        try:
            return handler(request)
        except Exception:
            # A bug in the sandbox: answer like Zoom's 5xx and keep serving.
            logger.exception("sandbox handler failed: %s %s", request.method, request.raw_path)
            return Response.json({"code": 500, "message": "Internal sandbox error."}, status=500)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ZoomSandbox/1.0"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and delayed
        # ACKs add ~40 ms to every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):
        # Silent: request lines carry tokens (?access_token=). GET /_sandbox/requests has a
        # masked log instead.
        pass

    def do_GET(self):
        self._serve()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_GET

    def _serve(self) -> None:
        sb: Sandbox = self.server.sandbox
        started = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._write(Response.json({"code": 413, "message": "Request too large."}, status=413))
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request.parse(self.command, self.path, headers, body)
        is_control = request.raw_path.startswith(CONTROL_PREFIX)
        fault = None if is_control else sb.faults.match(request.method, request.raw_path)
        if not is_control:
            delay = sb.faults.delay_for(request.method, request.raw_path)
            if delay:
                sb.pause(delay)
        if fault and fault.when == "before" and fault.kind in ("status", "hang", "reset"):
            sb.router.match(request)  # for the call count's route name
            self._fire(sb, request, fault, started)
            return
        if fault and fault.kind == "timeout" and fault.when == "before":
            sb.pause(fault.seconds)
        if fault and fault.kind == "hold" and fault.when == "before":
            self._hold(sb, fault)
        try:
            response = sb.dispatch(request)
            if fault and fault.when == "after" and fault.kind in ("status", "hang", "reset"):
                self._fire(sb, request, fault, started)
                return
            # Logged as handled now: a test reading the log while the answer waits sees it.
            sb.record(request, response.status, fault, started)
            if fault and fault.kind == "hold" and fault.when == "after":
                self._hold(sb, fault)
            if fault and fault.kind == "timeout" and fault.when == "after":
                sb.pause(fault.seconds)
        finally:
            if fault and fault.kind == "hold":
                fault.finished.set()
        self._write(
            response, truncate_after=fault.after_bytes if fault and fault.kind == "truncate" else None
        )

    @staticmethod
    def _hold(sb: Sandbox, fault: Fault) -> None:
        fault.arrived.set()
        deadline = time.monotonic() + fault.seconds
        while not fault.released.is_set() and not sb.stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            fault.released.wait(min(remaining, 0.5))

    def _fire(self, sb: Sandbox, request: Request, fault: Fault, started: float) -> None:
        if fault.kind == "status":
            sb.record(request, fault.status, fault, started)
            if fault.body is not None:
                self._write(Response.json(fault.body, status=fault.status, headers=fault.headers))
            else:
                self._write(_fault_response(fault.status))
            return
        sb.record(request, 0, fault, started)
        if fault.kind == "hang":
            sb.pause(fault.seconds)
        else:  # reset: SO_LINGER 0 makes close() send a RST
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._abort()

    def _abort(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.close()

    def _write(self, response: Response, truncate_after: int | None = None) -> None:
        try:
            self.send_response(response.status)
            headers = dict(response.headers)
            if response.stream is None:
                headers.setdefault("Content-Length", str(len(response.body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command == "HEAD":
                return
            sent = 0
            chunks = response.stream if response.stream is not None else [response.body]
            for chunk in chunks:
                if truncate_after is not None and sent + len(chunk) >= truncate_after:
                    self.wfile.write(chunk[: truncate_after - sent])
                    self.wfile.flush()
                    self._abort()
                    return
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()


def _fault_response(status: int) -> Response:
    messages = {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }
    if status == 429:
        return Response.json(
            {
                "code": 429,
                "message": "You have reached the maximum per-second rate limit for this API. Try again later.",
            },
            status=429,
            headers={"Retry-After": "1"},
        )
    return Response.json({"code": status, "message": messages.get(status, "Error")}, status=status)
