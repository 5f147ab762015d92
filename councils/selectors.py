"""Reads of councils for the public pages."""

from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from .models import Council, Meeting, Reception

LEVEL_ORDER = [level for level, _label in Council.Level.choices]


def by_name(field: str):
    """Order by a translated name in the page's language, in Kazakh alphabetical order on PostgreSQL
    (its ICU collation places Ә, Ұ, І right; SQLite has none, and keeps byte order)."""
    column = build_localized_fieldname(field, get_language() or "kk")
    if connection.vendor == "postgresql":
        return Collate(F(column), "kk-x-icu").asc()
    return F(column).asc()


def directory() -> list[Council]:
    """Active councils grouped by level (in the order of the levels), then region, then name."""
    councils = Council.objects.active().select_related("region").order_by(by_name("region__name"), by_name("name"))
    return sorted(councils, key=lambda c: LEVEL_ORDER.index(c.level))


# Meetings are open to the public (Law "On Public Councils", art. 13 p. 3): each, past or upcoming, has its
# page; its protocol and attendance show there once published.
def upcoming_meetings(council: Council):
    return Meeting.objects.filter(council=council, date__gte=timezone.localdate()).order_by("date", "start_time", "id")


def past_meetings(council: Council):
    """Newest first, for the council page's paginated list."""
    return Meeting.objects.filter(council=council, date__lt=timezone.localdate()).order_by("-date", "-id")


def upcoming_receptions(council: Council | None = None):
    """Personal receptions not yet over (one under way still shows), soonest first, of active councils."""
    now = timezone.now()
    receptions = Reception.objects.filter(Q(starts_at__gte=now) | Q(ends_at__gt=now), member__council__is_active=True)
    if council is not None:
        receptions = receptions.filter(member__council=council)
    return receptions.select_related("member__council").order_by("starts_at", "id")
