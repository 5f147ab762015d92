"""Writing announcements and publishing them. Callers give the text in both languages."""

from __future__ import annotations

import datetime

from django.db import models, transaction
from django.utils import timezone

from councils.models import Council

from . import delivery
from .models import Announcement, Delivery

# An announcement dated further back than this is history being entered afterwards: it goes on the portal
# (and counts as evidence as dated), but is not pushed to the channels now.
HISTORY = datetime.timedelta(days=2)


def create_announcement(
    *,
    council: Council,
    event: str,
    subject: models.Model | None,
    title_kk: str,
    title_ru: str,
    text_kk: str,
    text_ru: str,
    path: str = "",
    publish_at: datetime.datetime | None = None,
    by=None,
    submission_token=None,
) -> Announcement:
    return Announcement.objects.create(
        council=council,
        event=event,
        subject=subject,
        title_kk=title_kk,
        title_ru=title_ru,
        text_kk=text_kk,
        text_ru=text_ru,
        path=path,
        publish_at=publish_at,
        created_by=by,
        submission_token=submission_token,
    )


@transaction.atomic
def publish_on_portal(announcement: Announcement, *, at: datetime.datetime | None = None) -> Announcement:
    """Show the announcement on the portal, recorded as its portal delivery.

    Runs inside the caller's transaction, so a step that publishes ("announced" means the portal shows it)
    and its announcement are committed together or not at all.
    """
    at = at or timezone.now()
    Announcement.objects.filter(pk=announcement.pk).update(published_at=at)
    announcement.published_at = at
    Delivery.objects.get_or_create(
        announcement=announcement,
        channel=Delivery.Channel.PORTAL,
        target="",
        defaults={"state": Delivery.State.SENT, "attempts": 1, "sent_at": at},
    )
    if at >= timezone.now() - HISTORY:
        delivery.enqueue(announcement)  # the other channels, after commit (history entered later is not re-sent)
    return announcement


def record_publication(
    announcement: Announcement, *, outlet: str, link: str, published_at: datetime.datetime
) -> Delivery:
    """A publication the secretary made by hand (a newspaper, a post): evidence for compliance."""
    delivery, _ = Delivery.objects.update_or_create(
        announcement=announcement,
        channel=Delivery.Channel.RECORDED,
        target=link,
        defaults={"outlet": outlet, "state": Delivery.State.SENT, "attempts": 1, "sent_at": published_at},
    )
    return delivery
