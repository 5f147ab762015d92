"""Rate limits per client address, kept in the cache: proposal submission and subscriptions.

Failed sign-ins are counted elsewhere (workspace/signin.py), in the database: they must hold when Redis is down.

If the cache (Redis) cannot be reached the limiter lets the request through and logs it: submitting a
proposal never depends on Redis (DESIGN.md, "Nothing lost").
"""

import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    """The address as the server sees it, or as the trusted proxy reports it when one is configured."""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        # The proxy appends the address it saw last: that entry is the one it vouches for.
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def allow(request, scope: str, *, limit: int, window: int) -> bool:
    """Count one attempt in `scope` for the client; False once it has used up `limit` in `window` seconds."""
    return allow_key(f"{scope}:{client_address(request)}", limit=limit, window=window)


def allow_key(key: str, *, limit: int, window: int) -> bool:
    """Count one attempt under `key` (whoever makes it); False once `limit` are used up in `window` seconds."""
    key = f"ratelimit:{key}"
    try:
        cache.add(key, 0, timeout=window)
        return cache.incr(key) <= limit
    except Exception:  # the cache is down: fail open
        logger.warning("Rate limiter unavailable; letting the request through", exc_info=True)
        return True


def proposal_allowed(request) -> bool:
    """Generous on purpose: many citizens may share one mobile-network address."""
    limit, window = settings.PROPOSAL_RATE_LIMIT
    return allow(request, "propose", limit=limit, window=window)
