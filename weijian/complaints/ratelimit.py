"""Rate limits on the intake, counted in the Django cache (fixed windows): per client address on the public
form (``complaints.yaml`` rate_limits), per API key on Open311 (each key's own ``per_minute``).

With several server processes the cache must be shared (``CACHES``: a database or Redis cache); the default
in-process cache counts per process, which is the limit times the number of processes.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address as the server sees it (behind a proxy, the proxy must set REMOTE_ADDR correctly)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:64]


def hit(bucket: str, *, limit: int, window_s: int, now: float | None = None) -> bool:
    """Count one request in ``bucket`` for the current window; False when the limit was already reached."""
    window = int((now if now is not None else time.time()) // window_s)
    key = f"weijian:rate:{bucket}:{window_s}:{window}"
    if cache.add(key, 1, timeout=window_s + 5):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_s + 5)
        return True
    return count <= limit
