"""Where a ZoomClient gets its bearer tokens.

Server-to-Server tokens live in Django's cache (Redis in production), one entry per
(account_id, client_id), shared by every worker: one token request serves them all, and all of them
use the same valid token. Zoom once revoked an S2S token whenever a new one was issued, which
logged processes out of each other (jrchamp/moodle-mod_zoom#473); a shared cache filled under a lock
is right under either behaviour. The entry expires a few minutes before Zoom's `expires_in`, so a
token is never used in its last minutes.

Tokens are never logged. (The user-OAuth token source lives in accounts.services: it needs a row lock.)
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Protocol

from django.core.cache import cache as default_cache

from . import oauth, transport
from .errors import ZoomConnectionError

logger = logging.getLogger(__name__)

# Stop using a token this long before Zoom says it expires (tokens live 3600 s).
EXPIRY_MARGIN_SECONDS = 5 * 60
# While another worker fetches the token, look for it in the cache this often (the wait is one
# token request long, about once an hour per credential).
LOCK_POLL_SECONDS = 0.05


class TokenSource(Protocol):
    rate_limit_key: str  # the Zoom account whose rate budget the calls spend

    def get_token(self) -> str: ...

    def invalidate(self, token: str) -> None:
        """That token got a 401: the next get_token returns a fresh one."""


_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _process_lock(name: str) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(name, threading.Lock())


class ServerToServerTokens:
    """Tokens of a Server-to-Server OAuth app, shared through the cache (see the module docstring)."""

    def __init__(
        self,
        *,
        account_id: str,
        client_id: str,
        client_secret: str,
        cache=None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.account_id = account_id
        self.client_id = client_id
        self._client_secret = client_secret
        self.rate_limit_key = account_id
        self._cache = cache or default_cache
        self._clock = clock
        digest = hashlib.sha256(f"{account_id}\0{client_id}".encode()).hexdigest()[:32]
        self._key = f"zoom:s2s-token:{digest}"
        self._lock_key = f"{self._key}:lock"

    def __repr__(self) -> str:
        return f"ServerToServerTokens(account_id={self.account_id!r}, client_id={self.client_id!r})"

    def get_token(self) -> str:
        return self._entry()["access_token"]

    @property
    def granted_scopes(self) -> set[str]:
        """The scopes Zoom granted in the last token answer (fetching a token if none is cached)."""
        return set(self._entry().get("scope", "").split())

    def invalidate(self, token: str) -> None:
        # Only if it is still that token: another worker may already have stored a fresh one.
        # Compare and delete under the same locks as the fetch, or a fresh token stored between
        # our read and our delete would be thrown away (and fetched again).
        with _process_lock(self._key), self._shared_lock():
            entry = self._cache.get(self._key)
            if entry and entry.get("access_token") == token:
                self._cache.delete(self._key)

    def _fresh(self) -> dict | None:
        entry = self._cache.get(self._key)
        if entry and entry.get("use_until", 0) > self._clock():
            return entry
        return None

    def _entry(self) -> dict:
        entry = self._fresh()
        if entry:
            return entry
        # Threads of this process queue here, so only one of them even asks the shared lock.
        with _process_lock(self._key):
            entry = self._fresh()
            if entry:
                return entry
            return self._fetch_under_shared_lock()

    def _fetch_under_shared_lock(self) -> dict:
        with self._shared_lock(give_up_when=self._fresh) as entry:
            return entry or self._fresh() or self._fetch()

    @contextlib.contextmanager
    def _shared_lock(self, give_up_when: Callable[[], dict | None] = lambda: None):
        """The cross-process lock around fetching, storing and dropping this app's token.

        Yields None while holding the lock, or what `give_up_when` returned once it says waiting
        is pointless (another process stored a fresh token meanwhile).
        """
        config = transport.Config.load()
        lock_seconds = int(config.connect_timeout + config.read_timeout) + 5
        deadline = time.monotonic() + lock_seconds + 5
        owner = uuid.uuid4().hex
        while True:
            if self._cache.add(self._lock_key, owner, timeout=lock_seconds):
                try:
                    yield None
                finally:
                    if self._cache.get(self._lock_key) == owner:
                        self._cache.delete(self._lock_key)
                return
            # Another process holds it: its token appears in the cache within one request's time.
            time.sleep(LOCK_POLL_SECONDS)
            entry = give_up_when()
            if entry:
                yield entry
                return
            if time.monotonic() > deadline:
                raise ZoomConnectionError("Timed out waiting for another worker's Zoom token request.")

    def adopt(self, grant: oauth.TokenGrant) -> None:
        """Share a token fetched elsewhere (a credential check's own request) with every worker.

        The check needs a fresh token to read the scopes granted now; sharing it keeps the account
        at one token request per lifetime, and under the old one-token-at-a-time rule it keeps the
        workers on the token that is still valid.
        """
        with _process_lock(self._key), self._shared_lock():
            self._store(grant)

    def _fetch(self) -> dict:
        grant = oauth.request_server_to_server_token(
            account_id=self.account_id, client_id=self.client_id, client_secret=self._client_secret
        )
        entry = self._store(grant)
        logger.info("Fetched a Zoom Server-to-Server token for account %s", self.account_id)
        return entry

    def _store(self, grant: oauth.TokenGrant) -> dict:
        margin = (
            EXPIRY_MARGIN_SECONDS if grant.expires_in > 2 * EXPIRY_MARGIN_SECONDS else grant.expires_in / 2
        )
        lifetime = max(1.0, grant.expires_in - margin)
        entry = {
            "access_token": grant.access_token,
            "scope": grant.scope,
            "use_until": self._clock() + lifetime,
        }
        self._cache.set(self._key, entry, timeout=int(lifetime) + 1)
        return entry
