"""Client-side rate limiting, so every worker together stays under Zoom's limits instead of bouncing off 429s.

Zoom counts requests per account and rate-limit category (https://developers.zoom.us/docs/api/rate-limits/),
shared by every app and every one of our workers. Each request first takes a slot here:

* Slots are reservations in one sorted set per (rate_limit_key, category) in Redis — the same Redis
  as Django's cache when the cache is Redis. A Lua script, atomic on the server and timed by Redis'
  own clock, gives each caller the earliest moment at which no window of `1 s + margin` holds more
  than the category's limit, and at most BURST at once (the rest spread evenly over the window);
  the caller sleeps until then once. First come, first served, no polling.
* A 429 (or X-RateLimit-Remaining: 0) pauses the category for everyone: for Retry-After seconds on a
  per-second limit, until 00:00 UTC on a daily one. While a daily pause holds, `acquire` raises
  `ZoomRateLimited(daily=True)` without calling Zoom.
* Daily caps (limits.DAILY; Heavy and Resource-intensive share one pool on paid plans) are counted per
  UTC day; a spent pool raises at once too.

Without a Redis cache (`make run`'s single machine), the same rules run inside the process.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import math
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import transport
from .answers import header, int_header, next_utc_midnight
from .errors import ZoomRateLimited
from .limits import DAILY, HEAVY_POOL_SHARED, PER_SECOND, Category, Plan

logger = logging.getLogger(__name__)


class RateLimiter(Protocol):
    def acquire(self, key: str, category: str) -> None:
        """Block until a request may go out; raise ZoomRateLimited when it may not today (or soon)."""

    def pause(self, key: str, category: str, *, seconds: float, daily: bool = False) -> None:
        """Hold every request of the category for `seconds` (a daily pause makes acquire raise)."""

    def observe(self, key: str, category: str, headers: Mapping[str, str]) -> None:
        """Learn from Zoom's X-RateLimit-* answer headers."""


@dataclass(frozen=True)
class Budget:
    """`count` requests per `window` seconds, and the daily pool they draw from (cap None: no cap)."""

    count: int
    window: float
    daily_pool: str | None
    daily_cap: int | None


def budget_for(plan: str, category: str, *, margin: float = 0.0) -> Budget:
    plan = Plan(plan) if plan in Plan._value2member_map_ else Plan.PRO
    category = Category(category) if category in Category._value2member_map_ else Category.MEDIUM
    rate = PER_SECOND[plan][category]
    if rate >= 1:
        count, window = int(rate), 1.0
    else:  # Resource-intensive is a per-minute limit
        count, window = max(1, round(rate * 60)), 60.0
    cap = DAILY[plan].get(category)
    pool = category.value
    if plan != Plan.FREE and category in HEAVY_POOL_SHARED:
        pool = "+".join(c.value for c in HEAVY_POOL_SHARED)
    return Budget(count=count, window=window + margin, daily_pool=pool, daily_cap=cap)


# At most BURST requests at once; beyond that the slots are spread evenly over the window. A
# window's whole budget taken in one go fits inside one of Zoom's own one-second windows: Zoom
# then answers X-RateLimit-Remaining: 0, which pauses the category for a second for every
# worker (observe), and a sync of 8 threads stalled every few seconds (benchmarks: 1.19-1.26x
# the rate-limit floor). Spread this way, `count` requests span at least (count - BURST) / count
# of a window, over one second with the margin, so our own traffic never empties Zoom's second.
BURST = 5


def burst_of(budget: Budget) -> int:
    """BURST where spreading applies (0 where the budget is no bigger than a burst)."""
    return BURST if budget.count > BURST else 0


def _seconds_to_midnight(now: float) -> float:
    return next_utc_midnight(now).timestamp() - now


def _daily_error(category: str, seconds: float, now: float, reason: str) -> ZoomRateLimited:
    resets_at = datetime.fromtimestamp(now + seconds, UTC)
    return ZoomRateLimited(
        f"{reason} for the {category} category; requests resume at {resets_at:%Y-%m-%d %H:%M} UTC.",
        retry_after=seconds,
        category=category,
        daily=True,
        resets_at=resets_at,
        status=429,
    )


def _too_long_error(category: str, wait: float) -> ZoomRateLimited:
    return ZoomRateLimited(
        f"The {category} rate limit is busy for {wait:.1f} s; try again later.",
        retry_after=wait,
        category=category,
        status=429,
    )


def _pause_from_headers(category: str, headers: Mapping[str, str], now: float) -> tuple[float, bool] | None:
    """(seconds, daily) to pause when Zoom says the budget is spent, else None."""
    remaining = int_header(headers, "X-RateLimit-Remaining")
    if remaining is None or remaining > 0:
        return None
    kind = (header(headers, "X-RateLimit-Type") or "").lower()
    limit = int_header(headers, "X-RateLimit-Limit") or 0
    # Without a type, a limit in the thousands can only be a daily one (per-second limits are <= 80).
    daily = kind == "daily-limit" or (not kind and limit >= 1000)
    return (_seconds_to_midnight(now), True) if daily else (1.0, False)


class Unlimited:
    """No limiting at all: for the sandbox's own traffic and for unit tests of other behaviour."""

    def acquire(self, key: str, category: str) -> None:
        return None

    def pause(self, key: str, category: str, *, seconds: float, daily: bool = False) -> None:
        return None

    def observe(self, key: str, category: str, headers: Mapping[str, str]) -> None:
        return None


@dataclass
class _LocalState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    slots: dict[tuple[str, str], deque] = field(default_factory=dict)
    pauses: dict[tuple[str, str], tuple[float, bool]] = field(default_factory=dict)
    daily: dict[tuple[str, str, str], int] = field(default_factory=dict)


_local_state = _LocalState()


def reset_local_state() -> None:
    global _local_state
    _local_state = _LocalState()


class LocalRateLimiter:
    """The same rules as RedisRateLimiter for one process (threads share it)."""

    def __init__(
        self,
        plan: str = Plan.PRO,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        state: _LocalState | None = None,
    ) -> None:
        self.plan = plan
        self.clock = clock
        self.sleep = sleep
        self.state = state

    def _state(self) -> _LocalState:
        return self.state or _local_state

    def acquire(self, key: str, category: str) -> None:
        config = transport.Config.load()
        budget = budget_for(self.plan, category, margin=config.rate_limit_margin)
        state = self._state()
        with state.lock:
            now = self.clock()
            until, daily = state.pauses.get((key, category), (0.0, False))
            if daily and until > now:
                raise _daily_error(category, until - now, now, "Zoom's daily limit is reached")
            day_key = (
                key,
                budget.daily_pool or category,
                datetime.fromtimestamp(now, UTC).strftime("%Y%m%d"),
            )
            if budget.daily_cap is not None and state.daily.get(day_key, 0) >= budget.daily_cap:
                raise _daily_error(category, _seconds_to_midnight(now), now, "The daily request cap is spent")
            slots = state.slots.setdefault((key, category), deque())
            while slots and slots[0] <= now - budget.window:
                slots.popleft()
            start = max(now, until, slots[-1] if slots else now)
            if len(slots) >= budget.count:
                start = max(start, slots[-budget.count] + budget.window)
            burst = burst_of(budget)
            if burst and len(slots) >= burst:
                start = max(start, slots[-burst] + burst * budget.window / budget.count)
            wait = start - now
            if wait > config.rate_limit_max_wait:
                raise _too_long_error(category, wait)
            slots.append(start)
            if budget.daily_cap is not None:
                state.daily[day_key] = state.daily.get(day_key, 0) + 1
        if wait > 0:
            self.sleep(wait)

    def pause(self, key: str, category: str, *, seconds: float, daily: bool = False) -> None:
        state = self._state()
        with state.lock:
            until = self.clock() + seconds
            current, current_daily = state.pauses.get((key, category), (0.0, False))
            if until > current or (daily and not current_daily):
                state.pauses[(key, category)] = (max(until, current), daily or current_daily)

    def observe(self, key: str, category: str, headers: Mapping[str, str]) -> None:
        pause = _pause_from_headers(category, headers, self.clock())
        if pause:
            self.pause(key, category, seconds=pause[0], daily=pause[1])


# KEYS: slots (sorted set), pause (hash: until_ms, daily), daily counter ("" when no cap)
# ARGV: count, window_ms, member, daily_cap (0 = none), daily_ttl_ms, max_wait_ms, burst (0 = none)
# Returns {0, wait_ms} for a slot, {1, ms_left} during a daily pause, {2, 0} when the daily cap is
# spent, {3, wait_ms} when the wait would exceed max_wait (no slot is taken then).
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local count = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cap = tonumber(ARGV[4])
local pause_until = tonumber(redis.call('HGET', KEYS[2], 'until') or '0')
if pause_until > now and redis.call('HGET', KEYS[2], 'daily') == '1' then
  return {1, pause_until - now}
end
if cap > 0 and tonumber(redis.call('GET', KEYS[3]) or '0') >= cap then
  return {2, 0}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local start = math.max(now, pause_until)
local n = redis.call('ZCARD', KEYS[1])
if n > 0 then
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  start = math.max(start, tonumber(last[2]))
  if n >= count then
    local kth = redis.call('ZRANGE', KEYS[1], -count, -count, 'WITHSCORES')
    start = math.max(start, tonumber(kth[2]) + window)
  end
  local burst = tonumber(ARGV[7])
  if burst > 0 and n >= burst then
    local bth = redis.call('ZRANGE', KEYS[1], -burst, -burst, 'WITHSCORES')
    start = math.max(start, math.ceil(tonumber(bth[2]) + burst * window / count))
  end
end
if start - now > tonumber(ARGV[6]) then
  return {3, start - now}
end
redis.call('ZADD', KEYS[1], start, ARGV[3])
redis.call('PEXPIRE', KEYS[1], start - now + window + 1000)
if cap > 0 then
  if redis.call('INCR', KEYS[3]) == 1 then
    redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[5]))
  end
end
return {0, start - now}
"""

# KEYS: pause hash. ARGV: ms, daily (0/1). A pause only ever grows; daily sticks until it ends.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untl = now + tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if untl > current then
  redis.call('HSET', KEYS[1], 'until', untl)
end
if ARGV[2] == '1' then
  redis.call('HSET', KEYS[1], 'daily', '1')
end
redis.call('PEXPIRE', KEYS[1], math.max(untl, current) - now + 1000)
return 0
"""

_member_counter = itertools.count()


class RedisRateLimiter:
    """Slots shared by every process through Redis (see the module docstring)."""

    def __init__(self, redis_client, *, key_prefix: str, plan: str = Plan.PRO, sleep=time.sleep) -> None:
        self.redis = redis_client
        self.key_prefix = key_prefix
        self.plan = plan
        self.sleep = sleep
        self._acquire = redis_client.register_script(_ACQUIRE)
        self._pause = redis_client.register_script(_PAUSE)
        # While Redis is unreachable, this process keeps to the limits on its own.
        self._fallback = LocalRateLimiter(plan, sleep=sleep)

    def _keys(self, key: str, category: str) -> tuple[str, str]:
        # Hash the account id: key material stays short and free of odd characters.
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        return f"{self.key_prefix}:{digest}:{category}:slots", f"{self.key_prefix}:{digest}:{category}:pause"

    def acquire(self, key: str, category: str) -> None:
        try:
            self._acquire_shared(key, category)
        except (RedisConnectionError, RedisTimeoutError) as error:
            logger.warning(
                "Rate limiter: Redis unreachable (%s); limiting this process only", type(error).__name__
            )
            self._fallback.acquire(key, category)

    def _acquire_shared(self, key: str, category: str) -> None:
        config = transport.Config.load()
        budget = budget_for(self.plan, category, margin=config.rate_limit_margin)
        slots_key, pause_key = self._keys(key, category)
        now = time.time()
        daily_key = ""
        if budget.daily_cap is not None:
            digest = hashlib.sha256(key.encode()).hexdigest()[:24]
            day = datetime.fromtimestamp(now, UTC).strftime("%Y%m%d")
            daily_key = f"{self.key_prefix}:{digest}:daily:{budget.daily_pool}:{day}"
        member = f"{os.getpid()}:{next(_member_counter)}:{uuid.uuid4().hex[:8]}"
        outcome, value = self._acquire(
            keys=[slots_key, pause_key, daily_key or pause_key + ":nocap"],
            args=[
                budget.count,
                math.ceil(budget.window * 1000),
                member,
                budget.daily_cap or 0,
                math.ceil((_seconds_to_midnight(now) + 3600) * 1000),
                math.ceil(config.rate_limit_max_wait * 1000),
                burst_of(budget),
            ],
        )
        if outcome == 1:
            raise _daily_error(category, value / 1000, now, "Zoom's daily limit is reached")
        if outcome == 2:
            raise _daily_error(category, _seconds_to_midnight(now), now, "The daily request cap is spent")
        if outcome == 3:
            raise _too_long_error(category, value / 1000)
        if value > 0:
            self.sleep(value / 1000)

    def pause(self, key: str, category: str, *, seconds: float, daily: bool = False) -> None:
        _, pause_key = self._keys(key, category)
        try:
            self._pause(keys=[pause_key], args=[max(0, math.ceil(seconds * 1000)), "1" if daily else "0"])
        except (RedisConnectionError, RedisTimeoutError):
            self._fallback.pause(key, category, seconds=seconds, daily=daily)

    def observe(self, key: str, category: str, headers: Mapping[str, str]) -> None:
        pause = _pause_from_headers(category, headers, time.time())
        if pause:
            self.pause(key, category, seconds=pause[0], daily=pause[1])


def limiter_for(plan: str = Plan.PRO, *, sleep: Callable[[float], None] = time.sleep) -> RateLimiter:
    """The shared Redis limiter when Django's cache is Redis, else the per-process one."""
    alias = getattr(settings, "ZOOM_RATE_LIMIT_CACHE", "default")
    cache = caches[alias]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        return RedisRateLimiter(client, key_prefix=cache.make_key("zoom:rl"), plan=plan, sleep=sleep)
    return LocalRateLimiter(plan, sleep=sleep)
