"""How the API treats its clients, named in settings.REST_FRAMEWORK (so kept apart from the views, which DRF's
settings would otherwise import while they load): a throttle per client address and cursor pages."""

from __future__ import annotations

import logging

from django.conf import settings
from rest_framework.pagination import CursorPagination
from rest_framework.throttling import SimpleRateThrottle

from common.ratelimit import client_address

logger = logging.getLogger(__name__)


class ClientThrottle(SimpleRateThrottle):
    """API_THROTTLE_RATE requests per client address (as the proposal form's limit sees it: behind a trusted proxy,
    the address it reports). Like every limit of the portal, it lets requests through when Redis is down."""

    scope = "api"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("API throttle unavailable; letting the request through", exc_info=True)
            return True


class Cursor(CursorPagination):
    page_size = settings.API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"


def cursor(*ordering: str) -> type[Cursor]:
    """A pagination in `ordering` (its first field places the cursor: one that follows the list's index)."""
    return type("Cursor", (Cursor,), {"ordering": ordering})
