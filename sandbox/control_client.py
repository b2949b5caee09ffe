"""A small client for the sandbox's /_sandbox/ control API (standard library only).

Used by tests, `manage.py run_all` and anyone scripting a running sandbox:
    control = SandboxControl("http://127.0.0.1:8010")
    control.add_fault(path="/v2/users/*/meetings", method="POST", status=502, count=1)
"""

import json
import urllib.error
import urllib.request
from urllib.parse import quote, urlencode


class SandboxControlError(RuntimeError):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"sandbox control API answered {status}: {body[:500]}")
        self.status = status
        self.body = body


class SandboxControl:
    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("the sandbox URL must be http(s)")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def call(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        query: dict | None = None,
        *,
        timeout: float | None = None,
    ):
        url = f"{self.base_url}/_sandbox{path}"
        if query:
            url += "?" + urlencode(query)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - an http(s) URL, checked in __init__
            url, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:  # noqa: S310 - our own URL
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise SandboxControlError(error.code, error.read().decode("utf-8", "replace")) from None

    # The world -----------------------------------------------------------------------------------
    def reset(self, *, seed: str | None = None) -> dict:
        return self.call("POST", "/reset", {"seed": seed} if seed else {})

    def seed_demo(self, **options) -> dict:
        return self.call("POST", "/seed/demo", options)

    def add_account(self, **fields) -> dict:
        return self.call("POST", "/accounts", fields)

    def add_user(self, **fields) -> dict:
        return self.call("POST", "/users", fields)

    def change_user(self, user_id: str, **fields) -> dict:
        """As an admin in Zoom: user.updated, or user.deactivated / user.activated for a status change."""
        return self.call("PATCH", f"/users/{quote(user_id, safe='')}", fields)

    def delete_user(self, user_id: str) -> dict:
        return self.call("DELETE", f"/users/{quote(user_id, safe='')}")

    def make_meeting_in_zoom(self, user_id: str, **meeting) -> dict:
        """The host schedules a meeting in Zoom itself (Zoom sends meeting.created)."""
        return self.call("POST", f"/users/{quote(user_id, safe='')}/meetings", meeting)

    def webinars(self) -> list[dict]:
        return self.call("GET", "/webinars")

    def register_for_webinar(self, webinar_id: int, **registrant) -> dict:
        """Someone registers on Zoom's registration page (webinar.registration_created follows)."""
        return self.call("POST", f"/webinars/{webinar_id}/registrants", registrant)

    def add_app(self, **fields) -> dict:
        return self.call("POST", "/apps", fields)

    def update_app(self, client_id: str, **fields) -> dict:
        return self.call("PATCH", f"/apps/{quote(client_id, safe='')}", fields)

    def settings(self, **values) -> dict:
        return self.call("PUT", "/settings", values)

    def clock(self, **values) -> dict:
        return self.call("POST", "/clock", values)

    def state(self) -> dict:
        return self.call("GET", "/state")

    # Faults and latency ----------------------------------------------------------------------------
    def add_fault(self, **spec) -> dict:
        return self.call("POST", "/faults", spec)

    def clear_faults(self) -> dict:
        return self.call("DELETE", "/faults")

    def wait_for_hold(self, fault_id: int, *, timeout: float = 10) -> bool:
        """True once a request waits behind this `hold` fault (False after `timeout` seconds)."""
        answer = self.call("POST", f"/faults/{fault_id}/wait", {"timeout": timeout}, timeout=timeout + 10)
        return answer["held"]

    def release_hold(self, fault_id: int, *, timeout: float = 10) -> dict:
        return self.call("POST", f"/faults/{fault_id}/release", {"timeout": timeout}, timeout=timeout + 10)

    def latency(self, ms: float = 0, rules: list[dict] | None = None) -> dict:
        return self.call("PUT", "/latency", {"ms": ms, "rules": rules or []})

    # Scenarios -------------------------------------------------------------------------------------
    def play_lesson(self, **spec) -> dict:
        return self.call("POST", "/scenarios/lesson", spec)

    def seed_history(self, **spec) -> dict:
        return self.call("POST", "/seed/history", spec)

    def add_recordings(self, specs: list[dict]) -> list[dict]:
        return self.call("POST", "/recordings", {"recordings": specs})

    def add_recording(self, **spec) -> dict:
        return self.call("POST", "/recordings", spec)[0]

    def delete_recording(self, uuid: str) -> dict:
        return self.call("DELETE", "/recordings", {"uuid": uuid})

    def grant_token(self, **spec) -> dict:
        return self.call("POST", "/tokens", spec)

    def add_past_meeting(self, **spec) -> dict:
        return self.call("POST", "/past_meetings", spec)

    def meetings(self) -> list[dict]:
        return self.call("GET", "/meetings")

    def delete_meeting(self, meeting_id: int) -> dict:
        return self.call("DELETE", f"/meetings/{meeting_id}")

    def trash(self, **spec) -> dict:
        return self.call("POST", "/recordings/trash", spec)

    # What happened ---------------------------------------------------------------------------------
    def calls(self) -> dict[str, int]:
        return self.call("GET", "/calls")

    def clear_calls(self) -> dict:
        return self.call("DELETE", "/calls")

    def requests(self, limit: int = 100) -> list[dict]:
        return self.call("GET", "/requests", query={"limit": limit})

    def deliveries(self, *, wait_for: int = 0, timeout: float = 10) -> list[dict]:
        return self.call("GET", "/webhooks/deliveries", query={"wait_for": wait_for, "timeout": timeout})

    def events(self) -> list[dict]:
        return self.call("GET", "/webhooks/events")

    def send_event(self, **spec) -> dict:
        return self.call("POST", "/webhooks/send", spec)

    def validate_webhook(self, client_id: str, url: str | None = None) -> dict:
        return self.call(
            "POST", "/webhooks/validate", {"client_id": client_id, **({"url": url} if url else {})}
        )

    def deauthorize(self, *, client_id: str, user_id: str) -> dict:
        return self.call("POST", "/deauthorize", {"client_id": client_id, "user_id": user_id})
