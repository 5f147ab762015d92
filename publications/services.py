"""Writing announcements and publishing them (callers give the text in both languages), and recording their
publications outside the portal."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import page_cache
from common.errors import ActionRefused
from councils import uploads
from councils.models import Council
from councils.permissions import can_act

from . import delivery
from .models import Announcement, Delivery, RecordedPublicationChange

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
    page_cache.bump(announcement)  # an UPDATE sends no signal
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


# ---------------------------------------------------------------------------------------------------------
# Publications outside the portal, recorded by the secretary (a newspaper, a news site, a social network)
#
# A record is a `Delivery` on the channel "recorded", delivered on the day it appeared: compliance counts it
# as the external publication of its announcement on that day. Each change is logged, with what the record
# was before, in `RecordedPublicationChange`; removing a record keeps its log. Scans replaced or left by a
# removed record stay on disk, as the evidence the log names.

_web_link = URLValidator(schemes=["http", "https"])


def snapshot(publication: Delivery) -> dict:
    """A recorded publication as its log keeps it."""
    return {
        "outlet_kind": publication.outlet_kind,
        "outlet": publication.outlet,
        "link": publication.target,
        "published_on": timezone.localdate(publication.sent_at).isoformat() if publication.sent_at else "",
        "scan": publication.scan.name if publication.scan else "",
    }


def _appeared_at(day: datetime.date) -> datetime.datetime:
    """Noon of the day it appeared, in the portal's time zone: the same date whatever the reader's offset."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)), timezone.get_default_timezone())


def _checked(
    announcement: Announcement, *, by, outlet_kind: str, outlet: str, link: str, published_on, scan, keeps_scan: bool
) -> tuple[str, str, uploads.FileKind | None]:
    """The outlet and link as stored, and the scan's kind; or ActionRefused saying what to correct."""
    if not can_act(by, announcement.council):
        raise ActionRefused(_("Only the council's secretary or chair may record its publications."))
    if announcement.published_at is None:
        raise ActionRefused(
            _("Only a published announcement can have publications recorded: publish it on the portal first.")
        )
    if announcement.event not in Announcement.RECORDABLE_EVENTS:
        raise ActionRefused(
            _(
                "Publications outside the portal are recorded for the schedule, a consultation's announcement "
                "and its results."
            )
        )
    problems = []
    outlet, link = (outlet or "").strip(), (link or "").strip()
    if outlet_kind not in Delivery.OutletKind.values:
        problems.append(_("Choose where it was published: a newspaper, a news site or a social network."))
    if not outlet:
        problems.append(_("Give the name of the newspaper, news site or social network."))
    if published_on is None:
        problems.append(_("Give the date on which it appeared."))
    elif published_on > timezone.localdate():
        problems.append(_("The date of publication cannot be in the future: give the date on which it appeared."))
    if link:
        try:
            _web_link(link)
        except ValidationError:
            problems.append(_("The link must be a web address beginning with http:// or https://."))
    if not link and scan is None and not keeps_scan:
        problems.append(
            _(
                "Give the link to the publication, or attach a scan or a photo of it (PDF, PNG or JPEG) "
                "when it has no web page, as a printed newspaper."
            )
        )
    if problems:
        raise ActionRefused(problems)
    kind = (
        uploads.check_upload(scan, allowed=uploads.SCAN_KINDS, max_megabytes=settings.DOCUMENT_MAX_MEGABYTES)
        if scan
        else None
    )
    return outlet, link, kind


def _refuse_a_repeated_link(announcement: Announcement, link: str, *, other_than: int | None = None) -> None:
    if not link:
        return
    same = Delivery.objects.filter(announcement=announcement, channel=Delivery.Channel.RECORDED, target=link)
    if same.exclude(pk=other_than).exists():
        raise ActionRefused(_("This link is already recorded for this announcement."))


def _store_scan(publication: Delivery, scan, kind: uploads.FileKind) -> None:
    publication.scan.save(uploads.stored_name(kind), scan, save=False)
    publication.scan_type = kind.content_type


@transaction.atomic
def record_publication(
    announcement: Announcement,
    *,
    by,
    outlet_kind: str,
    outlet: str,
    link: str = "",
    published_on: datetime.date,
    scan=None,
) -> Delivery:
    """Record that a published announcement also appeared in a newspaper, on a news site or in a social
    network on `published_on`, with its link, or (a printed newspaper) a scan, or both."""
    announcement = Announcement.objects.select_for_update().select_related("council").get(pk=announcement.pk)
    outlet, link, kind = _checked(
        announcement, by=by, outlet_kind=outlet_kind, outlet=outlet, link=link, published_on=published_on,
        scan=scan, keeps_scan=False,
    )  # fmt: skip
    _refuse_a_repeated_link(announcement, link)
    publication = Delivery(
        announcement=announcement,
        channel=Delivery.Channel.RECORDED,
        target=link,
        outlet=outlet,
        outlet_kind=outlet_kind,
        state=Delivery.State.SENT,
        attempts=1,
        sent_at=_appeared_at(published_on),
        recorded_by=by,
    )
    if kind is not None:
        _store_scan(publication, scan, kind)
    publication.save()
    RecordedPublicationChange.objects.create(
        announcement=announcement,
        delivery=publication,
        action=RecordedPublicationChange.Action.RECORDED,
        by=by,
        after=snapshot(publication),
    )
    return publication


def _locked_record(publication: Delivery) -> tuple[Announcement, Delivery]:
    announcement = (
        Announcement.objects.select_for_update().select_related("council").get(pk=publication.announcement_id)
    )
    locked = Delivery.objects.filter(pk=publication.pk, channel=Delivery.Channel.RECORDED).first()
    if locked is None:
        raise ActionRefused(_("This recorded publication is no longer there: it was removed."))
    locked.announcement = announcement  # read once (the page cache asks whose it is)
    return announcement, locked


@transaction.atomic
def change_recorded_publication(
    publication: Delivery,
    *,
    by,
    outlet_kind: str,
    outlet: str,
    link: str = "",
    published_on: datetime.date,
    scan=None,
    remove_scan: bool = False,
) -> Delivery:
    """Correct a recorded publication; the log keeps what it was before. A new scan replaces the old one;
    `remove_scan` drops it (then a link is needed)."""
    announcement, publication = _locked_record(publication)
    outlet, link, kind = _checked(
        announcement, by=by, outlet_kind=outlet_kind, outlet=outlet, link=link, published_on=published_on,
        scan=scan, keeps_scan=bool(publication.scan) and not remove_scan,
    )  # fmt: skip
    _refuse_a_repeated_link(announcement, link, other_than=publication.pk)
    before = snapshot(publication)
    publication.outlet_kind, publication.outlet, publication.target = outlet_kind, outlet, link
    publication.sent_at = _appeared_at(published_on)
    if kind is not None:
        _store_scan(publication, scan, kind)
    elif remove_scan:
        publication.scan, publication.scan_type = "", ""
    after = snapshot(publication)
    if after == before:
        return publication
    publication.save()
    RecordedPublicationChange.objects.create(
        announcement=announcement,
        delivery=publication,
        action=RecordedPublicationChange.Action.CHANGED,
        by=by,
        before=before,
        after=after,
    )
    return publication


@transaction.atomic
def remove_recorded_publication(publication: Delivery, *, by) -> None:
    """Remove a recorded publication (it no longer counts for compliance); its log stays, with what it was."""
    announcement, publication = _locked_record(publication)
    if not can_act(by, announcement.council):
        raise ActionRefused(_("Only the council's secretary or chair may record its publications."))
    RecordedPublicationChange.objects.create(
        announcement=announcement,
        delivery=publication,
        action=RecordedPublicationChange.Action.REMOVED,
        by=by,
        before=snapshot(publication),
    )
    publication.delete()  # the log's rows keep the announcement, and lose only their link to the record
