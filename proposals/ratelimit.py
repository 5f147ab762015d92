"""A rate limit per client address on proposal submission, kept in the cache.

Generous on purpose: many citizens may share one mobile-network address. If the cache (Redis) cannot be
reached the limiter lets the proposal through and logs it: submission never depends on Redis.
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


def allow(request, scope: str) -> bool:
    """Count one attempt in `scope`; False once the address has used up its attempts for the window."""
    limit, window = settings.PROPOSAL_RATE_LIMIT
    key = f"ratelimit:{scope}:{client_address(request)}"
    try:
        cache.add(key, 0, timeout=window)
        return cache.incr(key) <= limit
    except Exception:  # the cache is down: fail open
        logger.warning("Rate limiter unavailable; letting the request through", exc_info=True)
        return True
