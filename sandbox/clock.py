"""The sandbox's clock: real time by default; tests freeze it or move it forward.

Token expiry, authorization-code expiry, the daily caps (reset 00:00 UTC) and the per-second
rate-limit windows all read this clock, so a test can cross midnight or a token's lifetime
without sleeping.
"""

import threading
import time
from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0  # added to real time while running
        self._frozen_at: float | None = None  # wall time while frozen

    def time(self) -> float:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    def freeze(self, at: datetime | None = None) -> None:
        current = self.time() if at is None else at.timestamp()
        with self._lock:
            self._frozen_at = current

    def unfreeze(self) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - time.time()
            self._frozen_at = None

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += seconds
            else:
                self._offset += seconds

    def set(self, at: datetime) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = at.timestamp()
            else:
                self._offset = at.timestamp() - time.time()

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0
            self._frozen_at = None


def iso(dt: datetime) -> str:
    """Zoom's time format: 2024-03-05T10:00:00Z (UTC, no fraction)."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> datetime:
    """Parse 2024-03-05T10:00:00Z or with an offset; a naive value is UTC."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
