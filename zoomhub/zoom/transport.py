"""The HTTP session every Zoom call goes through, its timeouts and the library's settings.

One `requests.Session` per process, created lazily and dropped in a forked child (Celery's prefork
pool forks workers; sharing a parent's pooled sockets would interleave two processes' bytes).
Threads share the session: urllib3's connection pool is thread-safe, and the session never
stores cookies, so no shared mutable state is left to race on.
"""

from __future__ import annotations

import http.cookiejar
import os
import threading
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

import zoomhub

USER_AGENT = f"ZoomHub/{zoomhub.__version__} python-requests/{requests.__version__}"

# Called with every response the session receives (API, OAuth and downloads alike); the
# project registers its metrics here. An observer must not raise.
RESPONSE_OBSERVERS: list = []

_session: requests.Session | None = None
_session_pid: int | None = None
_session_lock = threading.Lock()


@dataclass(frozen=True)
class Config:
    """The library's tunables (settings.ZOOM_*), read at call time so tests can override them."""

    api_base_url: str
    oauth_base_url: str
    connect_timeout: float
    read_timeout: float
    oauth_read_timeout: float
    download_read_timeout: float
    max_retries: int
    retry_base_delay: float
    retry_max_delay: float
    retry_max_total_seconds: float
    rate_limit_retries: int
    max_retry_after: float
    rate_limit_max_wait: float
    rate_limit_margin: float

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

    @classmethod
    def load(cls) -> Config:
        def value(name, default):
            return getattr(settings, name, default)

        return cls(
            api_base_url=value("ZOOM_API_BASE_URL", "https://api.zoom.us/v2").rstrip("/"),
            oauth_base_url=value("ZOOM_OAUTH_BASE_URL", "https://zoom.us/oauth").rstrip("/"),
            connect_timeout=float(value("ZOOM_CONNECT_TIMEOUT", 5)),
            read_timeout=float(value("ZOOM_READ_TIMEOUT", 30)),
            oauth_read_timeout=float(value("ZOOM_OAUTH_READ_TIMEOUT", 60)),
            download_read_timeout=float(value("ZOOM_DOWNLOAD_READ_TIMEOUT", 60)),
            max_retries=int(value("ZOOM_MAX_RETRIES", 4)),
            retry_base_delay=float(value("ZOOM_RETRY_BASE_DELAY", 1.0)),
            retry_max_delay=float(value("ZOOM_RETRY_MAX_DELAY", 20.0)),
            retry_max_total_seconds=float(value("ZOOM_RETRY_MAX_TOTAL_SECONDS", 60.0)),
            rate_limit_retries=int(value("ZOOM_RATE_LIMIT_RETRIES", 5)),
            max_retry_after=float(value("ZOOM_MAX_RETRY_AFTER", 60.0)),
            rate_limit_max_wait=float(value("ZOOM_RATE_LIMIT_MAX_WAIT", 30.0)),
            rate_limit_margin=float(value("ZOOM_RATE_LIMIT_MARGIN", 0.1)),
        )


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Zoom's API needs no cookies; keeping none keeps credentials apart and the session stateless."""

    def set_ok(self, cookie, request):
        return False


def _new_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    session.cookies.set_policy(_NoCookies())
    if not urllib.request.getproxies():
        # No proxy in the environment: read the CA bundle variables once, as requests would, and
        # stop it re-reading the environment for every call (proxy variables, no_proxy matching,
        # ~/.netrc cost more CPU than the rest of the call).
        session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        session.trust_env = False
    session.hooks["response"].append(_observe)
    # Retries are ours (client.py decides what is safe to repeat); urllib3 must not add any.
    pool_size = int(getattr(settings, "ZOOM_HTTP_POOL_SIZE", 20))
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _observe(response, *args, **kwargs):
    for observer in RESPONSE_OBSERVERS:
        observer(response)


def session() -> requests.Session:
    """This process's session (a new one after a fork)."""
    global _session, _session_pid
    pid = os.getpid()
    if _session is None or _session_pid != pid:
        with _session_lock:
            if _session is None or _session_pid != pid:
                _session = _new_session()
                _session_pid = pid
    return _session


def _forget_session_in_child() -> None:
    global _session, _session_pid, _session_lock
    # The parent's lock may have been held at fork time; the child starts clean.
    _session_lock = threading.Lock()
    _session = None
    _session_pid = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_session_in_child)


def safe_url(url: str) -> str:
    """A URL fit for logs and messages: no query string (download tokens travel there)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
