"""A Redis cache that reads as empty while Redis is down, so pages keep working without it.

The cache only holds what can be computed again (the dashboard's figures), so a miss is always
safe; a failed write is dropped. After a failure Redis is left alone for a few seconds, so a page
does not wait for a connection timeout on every cache call. Failures are logged as warnings,
without keys or values.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
RETRY_AFTER_SECONDS = 10.0


def resilient_redis_cache(location: str) -> dict[str, Any]:
    """The CACHES entry for a Redis at `location` that pages can do without."""
    return {
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": location,
        # Fail fast, without redis-py's retries with back-off: a miss is cheaper than a wait.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry": Retry(NoBackoff(), 0)},
    }


def _tolerant(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
            if time.monotonic() < self._down_until:
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning("cache unavailable, %s skipped (%s)", method.__name__, type(exc).__name__)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _zero(*args: Any, **kwargs: Any) -> int:
    return 0


def _none(*args: Any, **kwargs: Any) -> None:
    return None


def _empty(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return {}


def _all_failed(data: dict[str, Any], *args: Any, **kwargs: Any) -> list[str]:
    return list(data)


class ResilientRedisCache(RedisCache):
    _down_until = 0.0  # per cache object, i.e. per process and thread

    get = _tolerant(_default)(RedisCache.get)
    set = _tolerant(_none)(RedisCache.set)
    add = _tolerant(_false)(RedisCache.add)
    touch = _tolerant(_false)(RedisCache.touch)
    delete = _tolerant(_false)(RedisCache.delete)
    incr = _tolerant(_zero)(RedisCache.incr)  # a counter not moved: what reads it reads an older value
    has_key = _tolerant(_false)(RedisCache.has_key)
    get_many = _tolerant(_empty)(RedisCache.get_many)
    set_many = _tolerant(_all_failed)(RedisCache.set_many)
    delete_many = _tolerant(_none)(RedisCache.delete_many)
    clear = _tolerant(_false)(RedisCache.clear)
