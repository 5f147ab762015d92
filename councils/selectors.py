"""Reads of councils for the public pages."""

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from .models import Council

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
