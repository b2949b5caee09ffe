"""All of the sandbox's state, in memory, behind one lock."""

import base64
import collections
import random
import secrets
import threading
from dataclasses import dataclass, field, fields

from sandbox.clock import Clock
from sandbox.models import (
    AccessToken,
    Account,
    App,
    AuthorizationCode,
    Instance,
    Meeting,
    Recording,
    RecordingFile,
    RefreshToken,
    User,
)

# Zoom lets a page token live 15 minutes.
PAGE_TOKEN_LIFETIME = 15 * 60
REQUEST_LOG_SIZE = 5000


@dataclass
class Settings:
    """Knobs the control API changes (PUT /_sandbox/settings)."""

    token_lifetime: int = 3600  # seconds an access token lives (expires_in)
    code_lifetime: int = 600  # seconds an authorization code can be exchanged
    download_token_lifetime: int = 24 * 3600  # a webhook's download_token
    rate_limits: bool = True  # enforce Zoom's per-second and daily limits
    daily_meeting_cap: bool = True  # 100 meeting creates/updates per host per day
    # Zoom's redelivery schedule after a failed webhook (5 min, then 20, then 60),
    # multiplied by webhook_retry_scale so tests can compress it.
    webhook_retry_delays: list[float] = field(default_factory=lambda: [300.0, 1200.0, 3600.0])
    webhook_retry_scale: float = 1.0
    webhook_timeout: float = 3.0  # Zoom waits 3 seconds for the answer
    report_delay_seconds: float = 0.0  # the report API says "not ready" this long after a meeting ends
    # Before Zoom's "multiple access tokens" change a new S2S token revoked the previous one.
    s2s_single_token: bool = False
    # Caps every list's page size below Zoom's 300, so a test sees several pages with few rows.
    max_page_size: int = 300
    # 0: Zoom's rule, a recordings range is cut to the month ending at `to`. N: cut it to N days
    # instead, as if Zoom tightened the rule, so a client can be seen noticing a cut it did not plan.
    recording_range_days: int = 0

    def update(self, values: dict) -> None:
        known = {f.name: f for f in fields(self)}
        for name, value in values.items():
            if name not in known:
                raise ValueError(f"unknown setting: {name}")
            current = getattr(self, name)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be true or false")
            elif isinstance(current, int | float):
                if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"{name} must be a non-negative number")
                value = type(current)(value)
            elif isinstance(current, list) and (
                not isinstance(value, list) or not all(isinstance(v, int | float) for v in value)
            ):
                raise ValueError(f"{name} must be a list of numbers")
            setattr(self, name, value)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class SandboxState:
    def __init__(self, *, seed: int = 0) -> None:
        self.lock = threading.RLock()
        self.clock = Clock()
        self._seed = seed
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.clock.reset()
            self.rng = random.Random(self._seed)
            self.settings = Settings()
            self.accounts: dict[str, Account] = {}
            self.users: dict[str, User] = {}
            self.apps: dict[str, App] = {}
            self.access_tokens: dict[str, AccessToken] = {}
            self.refresh_tokens: dict[str, RefreshToken] = {}
            self.codes: dict[str, AuthorizationCode] = {}
            self.meetings: dict[int, Meeting] = {}
            self.webinars: dict[int, Meeting] = {}  # the same record, type 5 or 9
            self.deleted_meetings: set[int] = set()
            self.instances: dict[str, Instance] = {}
            self.recordings: dict[str, Recording] = {}
            self.files: dict[str, RecordingFile] = {}
            self.download_tokens: dict[str, tuple[str, float]] = {}  # token -> (meeting uuid, expires)
            self.histories: list = []  # history.SeededHistory
            self.page_tokens: dict[str, tuple[str, int, float]] = {}  # token -> (query key, offset, expires)
            self.calls: collections.Counter[str] = collections.Counter()
            self.request_log: collections.deque[dict] = collections.deque(maxlen=REQUEST_LOG_SIZE)
            self.meeting_writes: collections.Counter[tuple[str, str]] = collections.Counter()  # (host, day)

    # Identifiers ---------------------------------------------------------------------------

    def new_meeting_id(self) -> int:
        with self.lock:
            while True:
                candidate = self.rng.randrange(81_000_000_000, 99_999_999_999)
                if (
                    candidate not in self.meetings
                    and candidate not in self.webinars
                    and candidate not in self.deleted_meetings
                ):
                    return candidate

    def new_uuid(self) -> str:
        """A meeting-instance UUID as Zoom writes them: base64 of 16 bytes ("aDYlohsHRtCd4ii1uC2+hA==")."""
        return base64.b64encode(self.rng.randbytes(16)).decode()

    def new_user_id(self) -> str:
        return base64.urlsafe_b64encode(self.rng.randbytes(16)).decode().rstrip("=")[:22]

    def new_file_id(self) -> str:
        raw = self.rng.randbytes(16).hex()
        return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"

    @staticmethod
    def new_secret(length: int = 32) -> str:
        return secrets.token_urlsafe(length)

    # Lookups -------------------------------------------------------------------------------

    def find_user(self, id_or_email: str, account_id: str | None = None) -> User | None:
        with self.lock:
            user = self.users.get(id_or_email)
            if user is None and "@" in id_or_email:
                wanted = id_or_email.lower()
                user = next((u for u in self.users.values() if u.email.lower() == wanted), None)
            if user is not None and account_id is not None and user.account_id != account_id:
                return None
            return user

    def account_users(self, account_id: str) -> list[User]:
        with self.lock:
            return [u for u in self.users.values() if u.account_id == account_id]

    def sub_accounts(self, master_id: str) -> list[Account]:
        with self.lock:
            return [a for a in self.accounts.values() if a.master_id == master_id]

    # Pagination ----------------------------------------------------------------------------

    def page(self, key: str, items: list, *, page_size: int, token: str | None) -> tuple[list, str] | None:
        """Slice `items` for one page. None when `token` is unknown, expired or from another query."""
        offset = 0
        now = self.clock.time()
        with self.lock:
            if token:
                entry = self.page_tokens.get(token)
                if entry is None or entry[0] != key or entry[2] < now:
                    return None
                offset = entry[1]
            chunk = items[offset : offset + page_size]
            next_token = ""
            if offset + page_size < len(items):
                if len(self.page_tokens) > 10_000:
                    self.page_tokens = {k: v for k, v in self.page_tokens.items() if v[2] >= now}
                next_token = secrets.token_urlsafe(24)
                self.page_tokens[next_token] = (key, offset + page_size, now + PAGE_TOKEN_LIFETIME)
            return chunk, next_token
