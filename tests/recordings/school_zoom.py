"""The recordings tests' Zoom: the sandbox (tests/sandbox_fixtures.py) seeded with the school's
master account and its apps, plus shortcuts to seed users and recordings at exact times and to
read back what ZoomHub asked for, from the sandbox's own request log.

This is no second fake: every answer comes from the sandbox; this class only names test data.
"""

from __future__ import annotations

import calendar
import hashlib
from collections import Counter
from datetime import date, datetime, timedelta
from urllib.parse import unquote

from sandbox import storage

MASTER_ACCOUNT = "MASTERacct1"
S2S_SECRET = "dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas"
S2S_CLIENT_IDS = ("Tex0m1WATNWdFfnbBmwjSg", "MasterClientId1")
OAUTH_CLIENT_ID = "recordingsOAuthApp1"
LIST_ROUTE = "GET /v2/users/{userId}/recordings"
MEDIA = ["MP4", "M4A"]
EVERY_FILE = ["MP4", "M4A", "CHAT", "TRANSCRIPT"]


def one_month_before(day: date) -> date:
    """Zoom's cut, computed independently of the sandbox: the same day of the previous month."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_sha256(served_file: dict) -> str:
    """The sha256 of a sandbox file's bytes, computed from its `seed` (given by the control API)."""
    digest = hashlib.sha256()
    for chunk in storage.generate(served_file["seed"], 0, served_file["file_size"]):
        digest.update(chunk)
    return digest.hexdigest()


def expected_bytes(served_file: dict) -> bytes:
    return storage.content(served_file["seed"], 0, served_file["file_size"])


class SchoolZoom:
    def __init__(self, running) -> None:
        self.running = running
        self.control = running.control
        self.url = running.url
        self._accounts = {MASTER_ACCOUNT}
        self.control.add_account(id=MASTER_ACCOUNT, name="School", plan="business", is_master=True)
        for client_id in S2S_CLIENT_IDS:
            self.control.add_app(
                client_id=client_id,
                client_secret=S2S_SECRET,
                kind="server_to_server",
                account_id=MASTER_ACCOUNT,
            )
        self.control.add_app(client_id=OAUTH_CLIENT_ID, client_secret=S2S_SECRET, kind="oauth")
        # These tests count requests; the rate limits have their own tests (tests/sandbox).
        self.control.settings(rate_limits=False)

    # Seeding -----------------------------------------------------------------------------------

    def add_user(self, email: str, *, account_id: str = MASTER_ACCOUNT, user_id: str | None = None, **fields):
        """A user; an account not seen before becomes a sub-account of the school's master account."""
        if account_id not in self._accounts:
            self.control.add_account(
                id=account_id, name=account_id, plan="business", master_id=MASTER_ACCOUNT
            )
            self._accounts.add(account_id)
        return self.control.add_user(
            account_id=account_id, email=email, **({"id": user_id} if user_id else {}), **fields
        )

    def add_recordings(
        self, user: dict, *, start: datetime, count: int, every: timedelta, with_chat: bool = True, **spec
    ) -> list[dict]:
        specs = [
            {
                "host": user["id"],
                "start_time": (start + i * every).isoformat(),
                "file_types": EVERY_FILE if with_chat else MEDIA,
                **spec,
            }
            for i in range(count)
        ]
        return self.control.add_recordings(specs)

    def fail_user_recordings(self, email: str, *, status: int, body: dict) -> dict:
        """Zoom answers this user's recordings list with `status` and `body`, every time."""
        return self.control.add_fault(
            path=f"/v2/users/{email}/recordings", method="GET", status=status, body=body, count=None
        )

    def grant(self, user: dict, *, access_token: str, refresh_token: str) -> dict:
        """The user connected ZoomHub with OAuth earlier and holds these tokens."""
        return self.control.grant_token(
            client_id=OAUTH_CLIENT_ID,
            user_id=user["id"],
            access_token=access_token,
            refresh_token=refresh_token,
        )

    # What ZoomHub asked ------------------------------------------------------------------------

    def log(self, route: str | None = None) -> list[dict]:
        entries = self.control.requests(limit=5000)
        return [e for e in entries if route is None or e["route"] == route]

    @property
    def list_requests(self) -> list[tuple[str, dict, str]]:
        """(user as written in the path, query, account of the token) of each recordings list."""
        return [(unquote(e["path"].split("/")[3]), e["query"], e["account_id"]) for e in self.log(LIST_ROUTE)]

    @property
    def token_requests(self) -> Counter:
        return Counter(e["account_id"] for e in self.log("POST /oauth/token"))

    @property
    def user_list_requests(self) -> int:
        return len(self.log("GET /v2/users"))

    def downloads(self) -> list[dict]:
        return self.log("GET /rec/download/{fileId}")

    def storage_requests(self) -> list[dict]:
        return self.log("GET /storage/{fileId}")

    @property
    def issued_tokens(self) -> list[str]:
        """Every access token the sandbox handed out, to check none is ever shown."""
        with self.running.sandbox.state.lock:
            return list(self.running.sandbox.state.access_tokens)
