"""Reads of councils for the public pages."""

from . import ordering
from .models import Council


def directory() -> list[Council]:
    """Active councils grouped by level (in the order of the levels), then by region, then by name, in the
    alphabet of the page's language."""
    return list(ordering.councils(Council.objects.active().select_related("region"), by_region=True))
