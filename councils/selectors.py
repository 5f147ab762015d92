"""Reads of councils for the public pages."""

import datetime

from django.db.models import Q
from django.utils import timezone

from . import ordering
from .models import Council, Meeting, Reception


def directory() -> list[Council]:
    """Active councils grouped by level (in the order of the levels), then by region, then by name, in the
    alphabet of the page's language."""
    return list(ordering.councils(Council.objects.active().select_related("region"), by_region=True))


# Meetings are open to the public (Law "On Public Councils", art. 13 p. 3): each, past or upcoming, has its
# page; its protocol and attendance show there once published.
def upcoming_meetings(council: Council, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return Meeting.objects.filter(council=council, date__gte=today).order_by("date", "start_time", "id")


def past_meetings(council: Council, today: datetime.date | None = None):
    """Newest first, for the council page's paginated list."""
    today = today or timezone.localdate()
    return Meeting.objects.filter(council=council, date__lt=today).order_by("-date", "-id")


def upcoming_receptions(council: Council | None = None):
    """Personal receptions not yet over (one under way still shows), soonest first, of active councils."""
    now = timezone.now()
    receptions = Reception.objects.filter(Q(starts_at__gte=now) | Q(ends_at__gt=now), member__council__is_active=True)
    if council is not None:
        receptions = receptions.filter(member__council=council)
    return receptions.select_related("member__council").order_by("starts_at", "id")
