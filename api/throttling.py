"""A ceiling on how fast one client may call the API, so a runaway integration cannot take the web
workers from the people using the pages.

Counted per user (a token's user or a logged-in browser) in the cache `API_THROTTLE_CACHE`, which
every worker shares: Redis when `REDIS_URL` is set, else a table in the database (a per-process
memory cache would let each of gunicorn's workers allow the whole rate). While Redis is down the
cache reads as empty (config/cache.py) and nothing is throttled. Anonymous requests are refused
(401) before this is asked.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    """`API_THROTTLE_RATE` requests per user, e.g. "1200/min"; empty for no ceiling. Read per request,
    so a changed setting applies without a restart of the class (DRF's own throttles read theirs once)."""

    scope = "api-client"

    # DRF's `cache` is a class attribute, bound to the default cache at import; this one follows the setting.
    @property
    def cache(self) -> BaseCache:  # type: ignore[override]  # read-only here; DRF never assigns it
        return caches[settings.API_THROTTLE_CACHE]

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATE or None

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # not counted; the permission check has refused it already
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
