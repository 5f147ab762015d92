"""Reads of publications for the pages."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from .models import Announcement, Delivery


def recorded_publications(subject: models.Model, *, event: str) -> QuerySet[Delivery]:
    """The publications outside the portal recorded for the subject's published announcements of `event`
    (the schedule, step 3, the results), in the order they appeared: one query, whatever their number."""
    announcements = Announcement.objects.published().about(subject).filter(event=event)
    return Delivery.objects.filter(channel=Delivery.Channel.RECORDED, announcement__in=announcements).order_by(
        "sent_at", "id"
    )


def public_scans() -> QuerySet[Delivery]:
    """Recorded publications whose scan the public may download: of a published announcement of an active
    council."""
    return Delivery.objects.filter(
        channel=Delivery.Channel.RECORDED,
        announcement__published_at__isnull=False,
        announcement__council__is_active=True,
    ).exclude(scan="")
