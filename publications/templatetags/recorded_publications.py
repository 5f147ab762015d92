"""What the workspace's include of recorded publications needs from an announcement already loaded with its
deliveries (`templates/workspace/_recorded_publications.html`)."""

from django import template

from publications.forms import RecordedPublicationForm
from publications.models import Announcement, Delivery

register = template.Library()


@register.filter
def records_publications(announcement: Announcement) -> bool:
    return announcement.published_at is not None and announcement.event in Announcement.RECORDABLE_EVENTS


@register.filter
def recorded(deliveries) -> list[Delivery]:
    """The recorded publications among the (prefetched) deliveries, in the order they appeared."""
    return sorted((d for d in deliveries if d.channel == Delivery.Channel.RECORDED), key=lambda d: (d.sent_at, d.pk))


@register.filter
def sent_by_the_portal(deliveries) -> list[Delivery]:
    """The deliveries to the portal and its channels among the (prefetched) deliveries: the recorded
    publications are listed apart, under "Published outside the portal"."""
    return [d for d in deliveries if d.channel != Delivery.Channel.RECORDED]


@register.simple_tag
def new_publication_form(announcement: Announcement) -> RecordedPublicationForm:
    """An empty form whose ids are the announcement's own (a page shows one per announcement)."""
    return RecordedPublicationForm(auto_id=f"id_rp{announcement.pk}_%s")
