"""A Redis cache that degrades to no cache while Redis is unreachable.

Django's RedisCache raises on a lost connection, so a Redis outage would turn every page that
reads the cache (sign-in throttling, Zoom tokens, …) into a 500. Here an unreachable Redis reads
as a miss and writes are dropped: pages keep working, Zoom tokens are fetched per call, and the
cache fills again as soon as Redis is back (redis-py reconnects by itself).

`add` answers True: "the key was not there, now it is yours" is the only answer under which the
callers that use it as a lock (allauth's rate limiter, the Zoom token fetch) go on instead of
waiting for a lock that cannot exist.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# One warning per this many seconds, not one per cache call.
WARN_EVERY_SECONDS = 30.0
_last_warning = 0.0


def _degraded(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning(
            "Redis cache unreachable (%s on %s): working without the cache", type(error).__name__, operation
        )


def _degrading(name: str, fallback):
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            _degraded(name, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    wrapper.__name__ = name
    wrapper.__doc__ = method.__doc__
    return wrapper


def _default(key, default=None, version=None):
    return default


def _incr(key, delta=1, version=None):
    raise ValueError(f"Key {key!r} not found (Redis unreachable).")


class DegradingRedisCache(RedisCache):
    get = _degrading("get", _default)
    set = _degrading("set", None)
    add = _degrading("add", True)
    touch = _degrading("touch", False)
    delete = _degrading("delete", False)
    get_many = _degrading("get_many", lambda *a, **k: {})
    set_many = _degrading("set_many", lambda data, *a, **k: list(data))
    delete_many = _degrading("delete_many", None)
    has_key = _degrading("has_key", False)
    incr = _degrading("incr", _incr)
    clear = _degrading("clear", None)
