"""A small stateful Zoom for the recordings tests: users, their cloud recordings, the trash, tokens.

It behaves like Zoom where ZoomHub's correctness depends on it: a `from`..`to` range longer than a
month is silently cut to the month that ends at `to` (and the answer says so), pages of at most
300 with an opaque next_page_token, the trash listed without dates, 404 code 1001 for an unknown
user, and tokens scoped to one account. One core (`handle`) serves both `responses` callbacks and
a real HTTP server (for worker processes).
"""

from __future__ import annotations

import calendar
import copy
import itertools
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zoom"
DOCS_ANSWER = json.loads((FIXTURES / "list_recordings__zoom_docs.json").read_text())


def one_month_before(day: date) -> date:
    """Zoom's cut: the same day of the previous month (clamped), as in zoom/api#36."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def make_meeting(
    *, host_id: str, account_id: str, start: datetime, number: int, with_chat: bool = True
) -> dict:
    """A meeting in the shape of Zoom's documented answer (tests/fixtures/zoom/list_recordings__zoom_docs.json)."""
    meeting = copy.deepcopy(DOCS_ANSWER["meetings"][0])
    uuid = f"uuid-{host_id}-{number}=="
    meeting.update(
        uuid=uuid,
        id=80000000000 + number,
        host_id=host_id,
        account_id=account_id,
        topic=f"Lesson {number} of {host_id}",
        start_time=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    files = []
    for index, item in enumerate(meeting["recording_files"]):
        if not with_chat and item["file_type"] not in ("MP4", "M4A"):
            continue
        item = dict(item, id=f"file-{host_id}-{number}-{index}", meeting_id=uuid)
        item["download_url"] = f"https://zoom.example/rec/download/{host_id}-{number}-{index}"
        item["play_url"] = f"https://zoom.example/rec/play/{host_id}-{number}-{index}"
        files.append(item)
    meeting["recording_files"] = files
    meeting["recording_count"] = len(files)
    return meeting


@dataclass
class User:
    id: str
    email: str
    account_id: str
    status: str = "active"
    error: tuple[int, dict] | None = None  # (status, body) answered for its recordings
    recordings: list[dict] = field(default_factory=list)
    trash: list[dict] = field(default_factory=list)


class FakeZoom:
    def __init__(self, *, api_base: str, oauth_base: str, master_account: str = "MASTERacct1") -> None:
        self.api_base = api_base.rstrip("/")
        self.oauth_base = oauth_base.rstrip("/")
        self.master_account = master_account
        self.users: dict[str, User] = {}
        self.tokens: dict[str, str] = {}  # token -> account id
        self.oauth_users: dict[str, str] = {}  # a user-OAuth token -> its user's id ("me")
        self.token_requests: Counter = Counter()  # account id -> token requests
        self.list_requests: list[tuple[str, dict, str]] = []  # (user path segment, query, token's account)
        self.user_list_requests = 0
        self.page_tokens: dict[str, tuple[str, int]] = {}
        self.refused_accounts: set[str] = set()  # token requests for these answer 400
        self.cut_ranges = True  # behave like Zoom: ranges over a month are silently cut
        self.echo_from_override: str | None = None  # force a wrong `from` in answers
        self.lock = threading.Lock()
        self._numbers = itertools.count(1)
        self.block_on_call: int | None = None  # the n-th recordings call blocks until `release`
        self.blocked = threading.Event()
        self.release = threading.Event()

    # Seeding -----------------------------------------------------------------------------------

    def add_user(self, email: str, *, account_id: str | None = None, user_id: str | None = None) -> User:
        user = User(
            id=user_id or f"u{len(self.users) + 1:04d}",
            email=email,
            account_id=account_id or self.master_account,
        )
        self.users[user.id] = user
        return user

    def add_recordings(
        self, user: User, *, start: datetime, count: int, every: timedelta, with_chat: bool = True
    ):
        made = []
        for i in range(count):
            meeting = make_meeting(
                host_id=user.id,
                account_id=user.account_id,
                start=start + i * every,
                number=next(self._numbers),
                with_chat=with_chat,
            )
            user.recordings.append(meeting)
            made.append(meeting)
        return made

    def all_recordings(self) -> list[dict]:
        return [m for u in self.users.values() for m in u.recordings]

    # Transport adapters --------------------------------------------------------------------------

    def install(self, rsps) -> None:
        """Route `responses` to this fake."""

        def callback(request):
            status, headers, body = self.handle(request.method, request.url, dict(request.headers))
            return status, headers, body

        rsps.add_callback("POST", re.compile(re.escape(self.oauth_base) + r"/token.*"), callback=callback)
        rsps.add_callback("GET", re.compile(re.escape(self.api_base) + r"/users.*"), callback=callback)

    # The core ------------------------------------------------------------------------------------

    def handle(self, method: str, url: str, headers: dict) -> tuple[int, dict, str]:
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        full = f"{parts.scheme}://{parts.netloc}{parts.path}"
        if method == "POST" and full == self.oauth_base + "/token":
            return self._token(query)
        token = (headers.get("Authorization") or headers.get("authorization") or "")[7:]
        account = self.tokens.get(token)
        if account is None:
            return self._json(401, {"code": 124, "message": "Invalid access token."})
        path = full.removeprefix(self.api_base)
        if path == "/users":
            return self._users(query, account)
        match = re.fullmatch(r"/users/([^/]+)/recordings", path)
        if match:
            return self._recordings(unquote(match.group(1)), query, account, token)
        return self._json(404, {"code": 404, "message": "No such endpoint."})

    @staticmethod
    def _json(status: int, body: dict) -> tuple[int, dict, str]:
        return status, {"Content-Type": "application/json"}, json.dumps(body)

    def _token(self, query: dict) -> tuple[int, dict, str]:
        account = query.get("account_id", "")
        if account in self.refused_accounts:
            return self._json(400, {"reason": "Invalid account_id", "error": "invalid_request"})
        with self.lock:
            self.token_requests[account] += 1
            token = f"tok-{account}-{self.token_requests[account]}-sEcReT"
            self.tokens[token] = account
        return self._json(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": 3599,
                "scope": "cloud_recording:read:list_user_recordings:admin user:read:list_users:admin",
            },
        )

    def _users(self, query: dict, account: str) -> tuple[int, dict, str]:
        with self.lock:
            self.user_list_requests += 1
        users = [
            {"id": u.id, "email": u.email, "type": 2, "status": u.status}
            for u in self.users.values()
            if u.account_id == account and u.status == query.get("status", "active")
        ]
        return self._page("users", users, query, key=f"users:{account}")

    def _find_user(self, segment: str, token: str = "") -> User | None:
        if segment == "me":
            return self.users.get(self.oauth_users.get(token, ""))
        if token in self.oauth_users and segment != self.oauth_users[token]:
            return None  # a user token sees only its own user
        if segment in self.users:
            return self.users[segment]
        return next((u for u in self.users.values() if u.email.lower() == segment.lower()), None)

    def _recordings(self, segment: str, query: dict, account: str, token: str = "") -> tuple[int, dict, str]:
        with self.lock:
            self.list_requests.append((segment, dict(query), account))
            call_number = len(self.list_requests)
        if self.block_on_call is not None and call_number == self.block_on_call:
            self.blocked.set()
            self.release.wait(timeout=120)
        user = self._find_user(segment, token)
        if user is None or (account != self.master_account and user.account_id != account):
            return self._json(404, {"code": 1001, "message": f"User does not exist: {segment}."})
        if user.error is not None:
            return self._json(*user.error)
        if query.get("trash") == "true":
            items = list(user.trash)
            return self._page("meetings", items, query, key=f"trash:{user.id}")
        today = date(2030, 1, 1)
        to_day = date.fromisoformat(query["to"]) if "to" in query else today
        from_day = date.fromisoformat(query["from"]) if "from" in query else to_day
        if self.cut_ranges and from_day < one_month_before(to_day):
            from_day = one_month_before(to_day)  # Zoom's silent cut
        items = [
            m
            for m in user.recordings
            if from_day <= datetime.fromisoformat(m["start_time"].replace("Z", "+00:00")).date() <= to_day
        ]
        extra = {"from": self.echo_from_override or from_day.isoformat(), "to": to_day.isoformat()}
        return self._page("meetings", items, query, key=f"rec:{user.id}:{from_day}:{to_day}", extra=extra)

    def _page(self, items_key: str, items: list, query: dict, *, key: str, extra: dict | None = None):
        size = min(300, int(query.get("page_size", 30)))
        offset = 0
        token = query.get("next_page_token")
        if token:
            stored = self.page_tokens.get(token)
            if stored is None or stored[0] != key:
                return self._json(400, {"code": 300, "message": "The next page token is invalid or expired."})
            offset = stored[1]
        chunk = items[offset : offset + size]
        next_token = ""
        if offset + size < len(items):
            next_token = f"npt{len(self.page_tokens) + 1}x"
            self.page_tokens[next_token] = (key, offset + size)
        body = {
            **(extra or {}),
            "page_size": size,
            "total_records": len(items),
            "next_page_token": next_token,
            items_key: chunk,
        }
        return self._json(200, body)
