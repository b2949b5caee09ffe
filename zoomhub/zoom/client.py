"""ZoomClient: the one chokepoint through which ZoomHub calls Zoom's REST API.

Every call takes a rate-limit slot (ratelimit.py), a bearer token (tokens.py) and goes out with
connect/read timeouts. What happens when it fails:

* 401 — the token is dropped from the shared cache and the call is repeated once with a fresh one;
  a second 401 raises ZoomAuthError. A 400/401 naming missing scopes raises ZoomPermissionError at once.
* 429 per-second — every worker on that account pauses the category; this call waits Retry-After
  (seconds or a date) or a back-off for the category, and retries up to ZOOM_RATE_LIMIT_RETRIES times.
  A Retry-After longer than ZOOM_MAX_RETRY_AFTER raises ZoomRateLimited for the task to retry later.
* 429 daily (X-RateLimit-Type: Daily-limit, or Zoom's per-user meeting create/update message, which
  comes with no headers) — raises ZoomRateLimited(daily=True, resets_at=...) at once, never retried.
  An account-wide daily limit also pauses the category until 00:00 UTC for every worker.
* 5xx and connection errors — retried with exponential back-off and jitter, at most ZOOM_MAX_RETRIES
  times and ZOOM_RETRY_MAX_TOTAL_SECONDS in all, then raised as transient.

The timed-out create (the decision): a POST creates something (a meeting), so it is retried only when
the request certainly never reached Zoom — the connection was never made — or when Zoom refused it
with a per-second 429. After a read timeout, a dropped connection or a 5xx, Zoom may have created
the meeting and lost only the answer; repeating the POST could create a second meeting with its
own join link. So the client does not retry: it raises ZoomConnectionError / ZoomServerError with
`request_may_have_succeeded=True` and the caller reconciles — the lessons outbox looks for the meeting
it meant to create (by its reference) before creating again. PATCH and DELETE repeat safely (same
fields set again; a repeated DELETE answers 404 code 3001, which callers treat as done).

Time and sleep are injectable (`clock=`, `sleep=`) so tests run on a fake clock.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from urllib.parse import quote, urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from . import transport
from .answers import SAFE_METHODS, error_for, is_per_user_meeting_limit
from .errors import (
    ZoomAuthError,
    ZoomBadRequest,
    ZoomConnectionError,
    ZoomError,
    ZoomRateLimited,
    ZoomServerError,
)
from .limits import PER_SECOND, Category, Plan, category_for
from .ratelimit import RateLimiter, limiter_for
from .tokens import TokenSource

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5


def meeting_path_id(meeting_id_or_uuid: str | int) -> str:
    """A meeting id or UUID ready for a URL path.

    Zoom: a UUID that begins with "/" or contains "//" must be URL-encoded twice; others once.
    https://developers.zoom.us/docs/api/meetings/#tag/meetings/GET/past_meetings/{meetingId}
    """
    value = str(meeting_id_or_uuid)
    encoded = quote(value, safe="")
    if value.startswith("/") or "//" in value:
        return quote(encoded, safe="")
    return encoded


def _certainly_not_sent(exc: requests.RequestException) -> bool:
    """True when the connection was never made, so Zoom cannot have seen the request."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError) and exc.args:
        reason = getattr(exc.args[0], "reason", exc.args[0])
        # Refused, unreachable, DNS failure: urllib3 failed to open the socket.
        return isinstance(reason, NewConnectionError)
    return False


class ZoomClient:
    def __init__(
        self,
        tokens: TokenSource,
        *,
        plan: str = Plan.PRO,
        base_url: str | None = None,
        limiter: RateLimiter | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.tokens = tokens
        self.plan = plan
        self._base_url = base_url.rstrip("/") if base_url else None
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.limiter = limiter if limiter is not None else limiter_for(plan, sleep=sleep)

    def __repr__(self) -> str:
        return f"ZoomClient(rate_limit_key={self.tokens.rate_limit_key!r}, plan={self.plan!r})"

    @property
    def base_url(self) -> str:
        return self._base_url or transport.Config.load().api_base_url

    # The API -----------------------------------------------------------------------------------

    def get(self, path: str, *, params: dict | None = None) -> dict:
        return self._call("GET", path, params=params) or {}

    def post(self, path: str, *, json: dict | None = None, params: dict | None = None) -> dict:
        return self._call("POST", path, params=params, json=json) or {}

    def patch(self, path: str, *, json: dict | None = None, params: dict | None = None) -> dict | None:
        return self._call("PATCH", path, params=params, json=json)

    def put(self, path: str, *, json: dict | None = None, params: dict | None = None) -> dict | None:
        return self._call("PUT", path, params=params, json=json)

    def delete(self, path: str, *, params: dict | None = None) -> None:
        self._call("DELETE", path, params=params)

    def pages(self, path: str, *, params: dict | None = None, page_size: int = 300) -> Iterator[dict]:
        """Each page's whole body, following next_page_token until Zoom sends an empty one.

        Zoom's page tokens expire after 15 minutes: consume the pages promptly.
        """
        query = {**(params or {}), "page_size": page_size}
        seen: set[str] = set()
        while True:
            body = self.get(path, params=query)
            yield body
            token = body.get("next_page_token")
            if not token:
                return
            if token in seen:
                raise ZoomBadRequest(f"Zoom repeated a page token while listing {path}.")
            seen.add(token)
            query["next_page_token"] = token

    def paginate(
        self, path: str, *, items_key: str, params: dict | None = None, page_size: int = 300
    ) -> Iterator[dict]:
        for page in self.pages(path, params=params, page_size=page_size):
            yield from page.get(items_key) or []

    # The chokepoint ----------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, params: dict | None = None, json: dict | None = None):
        config = transport.Config.load()
        if not path.startswith("/"):
            path = "/" + path
        url = self.base_url + path
        category = category_for(method, path)
        key = self.tokens.rate_limit_key
        started = self._clock()
        failures = 0  # 5xx and connection errors so far
        throttled = 0  # per-second 429s so far
        auth_retried = False

        while True:
            self.limiter.acquire(key, category)
            token = self.tokens.get_token()
            try:
                response = transport.session().request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=config.timeout,
                )
            except requests.RequestException as exc:
                error = self._connection_error(exc, method, path)
                if method == "POST" and error.request_may_have_succeeded:
                    raise error from None
                failures += 1
                self._back_off(error, failures, started, config, method, path)
                continue

            self.limiter.observe(key, category, response.headers)
            status = response.status_code
            if 200 <= status < 300:
                return self._json(response, method, path)

            error = error_for(response, method=method, now=self._clock(), category=category, secrets=(token,))
            if status == 401 and isinstance(error, ZoomAuthError) and not auth_retried:
                # The token was revoked or expired early: drop it for every worker, retry once.
                logger.info("Zoom answered 401 to %s %s; retrying once with a fresh token", method, path)
                self.tokens.invalidate(token)
                auth_retried = True
                continue
            if isinstance(error, ZoomRateLimited):
                throttled += 1
                self._on_rate_limited(error, throttled, started, config, key, category, method, path)
                continue
            if isinstance(error, ZoomServerError) and method != "POST":
                failures += 1
                self._back_off(error, failures, started, config, method, path)
                continue
            raise error

    def _connection_error(
        self, exc: requests.RequestException, method: str, path: str
    ) -> ZoomConnectionError:
        not_sent = _certainly_not_sent(exc)
        what = "could not connect to Zoom" if not_sent else "no answer from Zoom"
        return ZoomConnectionError(
            f"{method} {path}: {what} ({exc.__class__.__name__}).",
            request_may_have_succeeded=not not_sent and method not in SAFE_METHODS,
        )

    def _back_off(
        self, error: ZoomError, failures: int, started: float, config, method: str, path: str
    ) -> None:
        """Sleep before the next attempt, or raise `error` when the attempts or the time are spent."""
        if failures > config.max_retries:
            raise error
        ceiling = min(config.retry_max_delay, config.retry_base_delay * 2 ** (failures - 1))
        delay = ceiling / 2 + self._rng.uniform(0, ceiling / 2)  # "equal jitter"
        if self._clock() - started + delay > config.retry_max_total_seconds:
            raise error
        logger.warning(
            "Zoom %s %s failed (%s); attempt %d of %d in %.1f s",
            method,
            path,
            error,
            failures + 1,
            config.max_retries + 1,
            delay,
        )
        self._sleep(delay)

    def _on_rate_limited(
        self, error: ZoomRateLimited, throttled: int, started, config, key, category, method, path
    ) -> None:
        if error.daily:
            # The per-user meeting cap concerns one host, not the account's category budget.
            if not is_per_user_meeting_limit(error.message):
                self.limiter.pause(key, category, seconds=error.retry_after or 0, daily=True)
            logger.warning("Zoom daily limit on %s %s until %s", method, path, error.resets_at)
            raise error
        wait = error.retry_after
        if wait is None:
            wait = self._category_back_off(category, throttled)
            error.retry_after = wait
        if wait > 0:
            self.limiter.pause(key, category, seconds=wait)
        if (
            throttled > config.rate_limit_retries
            or wait > config.max_retry_after
            or self._clock() - started + wait > config.retry_max_total_seconds
        ):
            raise error
        logger.warning("Zoom rate limit on %s %s (%s); retrying in %.1f s", method, path, category, wait)
        self._sleep(wait)

    def _category_back_off(self, category: str, throttled: int) -> float:
        plan = Plan(self.plan) if self.plan in Plan._value2member_map_ else Plan.PRO
        rate = PER_SECOND[plan].get(Category(category), 1)
        # One window of the category (1 s, or a minute's share for per-minute limits), doubling.
        return min(60.0, max(1.0, 1.0 / rate) * 2 ** (throttled - 1))

    @staticmethod
    def _json(response: requests.Response, method: str, path: str):
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ZoomServerError(
                f"{method} {path}: Zoom answered {response.status_code} with a body that is not JSON.",
                status=response.status_code,
            ) from None

    # Downloads ---------------------------------------------------------------------------------

    def download(
        self,
        url: str,
        *,
        write: Callable[[bytes], object],
        offset: int = 0,
        access_token: str | None = None,
        chunk_size: int = 1 << 20,
    ) -> int:
        """Stream `url` from byte `offset` into `write`; return the number of bytes written.

        Zoom's download_url redirects to storage. The bearer token goes only to the host that was
        asked (never to the storage host a redirect names); a webhook's download_token travels as
        `?access_token=` instead. A connection lost mid-stream resumes with a Range request, under
        the same bounds as other retries. A server that ignores Range is skipped forward to `offset`.
        """
        config = transport.Config.load()
        started = self._clock()
        written = 0
        failures = 0
        auth_retried = False
        while True:
            token = None if access_token else self.tokens.get_token()
            position = offset + written
            try:
                response = self._open_download(url, token, access_token, position, config)
            except requests.RequestException as exc:
                error = self._connection_error(exc, "GET", transport.safe_url(url))
                failures += 1
                self._back_off(error, failures, started, config, "GET", transport.safe_url(url))
                continue
            try:
                status = response.status_code
                if status == 401 and token and not auth_retried:
                    self.tokens.invalidate(token)
                    auth_retried = True
                    continue
                if status == 416 and self._already_complete(response, position):
                    return written
                if status >= 400:
                    error = error_for(
                        response,
                        method="GET",
                        now=self._clock(),
                        secrets=(token, access_token),
                    )
                    retry_helps = isinstance(error, ZoomServerError) or (
                        isinstance(error, ZoomRateLimited) and not error.daily
                    )
                    if retry_helps:
                        failures += 1
                        self._back_off(error, failures, started, config, "GET", transport.safe_url(url))
                        continue
                    raise error
                skip = position if (status == 200 and position > 0) else 0
                try:
                    for chunk in response.iter_content(chunk_size=chunk_size):
                        if skip:
                            dropped = min(skip, len(chunk))
                            chunk = chunk[dropped:]
                            skip -= dropped
                        if chunk:
                            write(chunk)
                            written += len(chunk)
                    return written
                except requests.RequestException as exc:
                    error = ZoomConnectionError(
                        f"Download from {urlsplit(url).netloc} broke off after {written} bytes "
                        f"({exc.__class__.__name__})."
                    )
                    failures += 1
                    self._back_off(error, failures, started, config, "GET", transport.safe_url(url))
            finally:
                response.close()

    @staticmethod
    def _already_complete(response: requests.Response, position: int) -> bool:
        # 416 with "Content-Range: bytes */<size>": the file has exactly `position` bytes.
        content_range = response.headers.get("Content-Range", "")
        total = content_range.rpartition("/")[2]
        return total.isdigit() and int(total) == position

    def _open_download(self, url, token, access_token, position, config) -> requests.Response:
        """GET with redirects followed by hand, so the Authorization header never leaves its host."""
        session = transport.session()
        origin = urlsplit(url)[:2]  # scheme and host: no token for another host, nor over plain http
        params = {"access_token": access_token} if access_token else None
        headers = {"Range": f"bytes={position}-"} if position else {}
        timeout = (config.connect_timeout, config.download_read_timeout)
        for _ in range(MAX_REDIRECTS + 1):
            send_headers = dict(headers)
            if token and urlsplit(url)[:2] == origin:
                send_headers["Authorization"] = f"Bearer {token}"
            response = session.get(
                url, params=params, headers=send_headers, stream=True, timeout=timeout, allow_redirects=False
            )
            if not response.is_redirect:
                return response
            location = response.headers["Location"]
            response.close()
            url = requests.compat.urljoin(response.url, location)
            params = None  # the redirect's URL is complete (and signed) as given
        raise ZoomBadRequest(f"Too many redirects downloading from {origin[1]}.")
