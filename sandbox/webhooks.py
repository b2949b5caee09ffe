"""Signs and delivers webhook events the way Zoom does, from a background thread.

https://developers.zoom.us/docs/api/webhooks/ — compact JSON body {"event", "event_ts",
"payload": {"account_id", "object"}}, headers x-zm-signature ("v0=" + HMAC-SHA256 of
"v0:{timestamp}:{body}" under the app's secret token), x-zm-request-timestamp (seconds) and
x-zm-request-id. Success is a 200/204 within 3 seconds; only a status >= 500 or a failure to get
an answer is retried: 5, 20 and 60 minutes later (the delays are scaled by
settings.webhook_retry_scale so tests can compress them). Every attempt is recorded.
"""

import http.client
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sandbox.models import App
from zoomhub.zoom.webhooks import sign, url_validation_response

if TYPE_CHECKING:
    from sandbox.server import Sandbox

SUCCESS = (200, 204)


@dataclass
class Delivery:
    id: str
    client_id: str
    url: str
    event: str
    body: bytes
    secret: str
    next_at: float = 0.0
    attempts: int = 0


@dataclass
class WebhookSender:
    sb: "Sandbox"
    attempts: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)  # every event published, with its targets

    def __post_init__(self) -> None:
        self._queue: list[Delivery] = []
        self._changed = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self._thread.start()

    # Publishing ------------------------------------------------------------------------------

    def targets(self, account_id: str) -> list[App]:
        """Apps subscribed to an account's events: its S2S apps (and its master's) and the user-OAuth
        apps that a user of the account authorized."""
        state = self.sb.state
        with state.lock:
            account = state.accounts.get(account_id)
            master = account.master_id if account else None
            authorized = {
                t.client_id
                for t in state.refresh_tokens.values()
                if t.account_id == account_id and not t.revoked
            }
            return [
                app
                for app in state.apps.values()
                if app.webhook_urls
                and (
                    (app.kind == "server_to_server" and app.account_id in (account_id, master))
                    or (app.kind == "oauth" and app.client_id in authorized)
                )
            ]

    def publish(
        self,
        *,
        account_id: str,
        event: str,
        payload: dict,
        event_ts: int | None = None,
        extra: dict | None = None,
        apps: list[App] | None = None,
    ) -> list[str]:
        """Queue `event` for every subscribed app; returns the delivery ids."""
        if event_ts is None:
            event_ts = int(self.sb.state.clock.time() * 1000)
        body_data = {"event": event, "event_ts": event_ts, "payload": {"account_id": account_id, **payload}}
        body_data.update(extra or {})
        body = json.dumps(body_data, separators=(",", ":"), ensure_ascii=False).encode()
        ids = []
        chosen = self.targets(account_id) if apps is None else apps
        with self._changed:
            for app in chosen:
                for url in app.webhook_urls:
                    delivery = Delivery(
                        id=uuid.uuid4().hex,
                        client_id=app.client_id,
                        url=url,
                        event=event,
                        body=body,
                        secret=app.webhook_secret,
                        next_at=time.monotonic(),
                    )
                    self._queue.append(delivery)
                    ids.append(delivery.id)
            self.events.append({"event": event, "body": body_data, "deliveries": ids})
            self._changed.notify_all()
        return ids

    # Sending ---------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._stopping:
                    due = [d for d in self._queue if d.next_at <= time.monotonic()]
                    if due:
                        break
                    wait = min((d.next_at for d in self._queue), default=None)
                    self._changed.wait(None if wait is None else max(0.0, wait - time.monotonic()))
                if self._stopping:
                    return
                delivery = min(due, key=lambda d: d.next_at)
                self._queue.remove(delivery)
            self._attempt(delivery)

    def _attempt(self, delivery: Delivery) -> None:
        delivery.attempts += 1
        status, error = None, ""
        request_id = str(uuid.uuid4())
        timestamp = str(int(time.time()))  # real time: receivers check it against their own clock
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Zoom Marketplace/1.0a",
            "x-zm-request-id": request_id,
            "x-zm-request-timestamp": timestamp,
            "x-zm-signature": sign(delivery.secret, timestamp, delivery.body),
            "x-zm-trackingid": f"v=2.0;clid=us06;rid={secrets.token_hex(8)}",
        }
        try:
            status, _ = post(
                delivery.url, delivery.body, headers, timeout=self.sb.state.settings.webhook_timeout
            )
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        delays = self.sb.state.settings.webhook_retry_delays
        retryable = status is None or status >= 500
        will_retry = retryable and delivery.attempts <= len(delays)
        with self._changed:
            self.attempts.append(
                {
                    "delivery_id": delivery.id,
                    "client_id": delivery.client_id,
                    "event": delivery.event,
                    "url": delivery.url,
                    "attempt": delivery.attempts,
                    "at": time.time(),
                    "status": status,
                    "error": error,
                    "succeeded": status in SUCCESS,
                    "will_retry": will_retry,
                    "request_id": request_id,
                }
            )
            if will_retry:
                delay = delays[delivery.attempts - 1] * self.sb.state.settings.webhook_retry_scale
                delivery.next_at = time.monotonic() + delay
                self._queue.append(delivery)
            self._changed.notify_all()

    # Waiting and control ------------------------------------------------------------------------

    def wait_for_attempts(self, count: int, timeout: float) -> bool:
        """Block until at least `count` attempts were made (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.attempts) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or being sent."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._queue or self._in_flight():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.05))
            return True

    def _in_flight(self) -> bool:
        published = sum(len(e["deliveries"]) for e in self.events)
        finished = {a["delivery_id"] for a in self.attempts if not a["will_retry"]}
        queued = {d.id for d in self._queue}
        return published > len(finished) + len(queued)

    def validate_endpoint(self, app: App, url: str) -> dict:
        """Send endpoint.url_validation now and check the answer, as Zoom does when an endpoint is saved."""
        plain = secrets.token_urlsafe(16)
        event_ts = int(self.sb.state.clock.time() * 1000)
        body = json.dumps(
            {"payload": {"plainToken": plain}, "event_ts": event_ts, "event": "endpoint.url_validation"},
            separators=(",", ":"),
        ).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Zoom Marketplace/1.0a",
            "x-zm-request-id": str(uuid.uuid4()),
            "x-zm-request-timestamp": timestamp,
            "x-zm-signature": sign(app.webhook_secret, timestamp, body),
        }
        try:
            status, answer = post(url, body, headers, timeout=self.sb.state.settings.webhook_timeout)
        except (OSError, http.client.HTTPException) as exc:
            return {"validated": False, "status": None, "error": f"{type(exc).__name__}: {exc}"}
        expected = url_validation_response(app.webhook_secret, plain)
        try:
            validated = status == 200 and json.loads(answer) == expected
        except ValueError:
            validated = False
        return {"validated": validated, "status": status, "error": ""}

    def clear(self) -> None:
        with self._changed:
            self._queue.clear()
            self.attempts.clear()
            self.events.clear()
            self._changed.notify_all()

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        self._thread.join(timeout=5)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> tuple[int, bytes]:
    """One POST, no redirects followed (Zoom treats a 3xx as a failed delivery)."""
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(64 * 1024)
    finally:
        connection.close()
