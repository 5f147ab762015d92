"""RSS and Atom feeds of announcements and of published results, overall and per council."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaks
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.page_cache import cached_page
from councils.models import Council

from .models import Announcement

FEED_SIZE = 50


@method_decorator(cached_page, name="__call__")  # the same for every visitor: kept (README, "Caching")
class NewsFeed(Feed):
    """Every announcement published on the portal."""

    events: tuple[str, ...] = ()
    heading = _("Qogam: announcements of public councils")
    council_heading = _("%(council)s: announcements")

    def get_object(self, request, slug=None):
        return get_object_or_404(Council.objects.active(), slug=slug) if slug else None

    def title(self, council):
        return self.council_heading % {"council": council.name} if council else self.heading

    def description(self, council):
        return self.title(council)

    def link(self, council):
        return reverse("councils:detail", kwargs={"slug": council.slug}) if council else reverse("home")

    def items(self, council):
        announcements = Announcement.objects.published().select_related("council")
        if self.events:
            announcements = announcements.filter(event__in=self.events)
        if council is not None:
            announcements = announcements.filter(council=council)
        return announcements.order_by("-published_at", "-id")[:FEED_SIZE]

    def item_title(self, announcement):
        return announcement.title

    def item_description(self, announcement):
        # Feed readers treat the description as HTML: the text is escaped, its lines kept.
        return linebreaks(announcement.text, autoescape=True)

    def item_link(self, announcement):
        if announcement.path:
            return f"/{get_language()}{announcement.path}"
        return reverse("councils:detail", kwargs={"slug": announcement.council.slug})

    def item_guid(self, announcement):
        return f"{settings.SITE_URL}/announcements/{announcement.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, announcement):
        return announcement.published_at

    def item_author_name(self, announcement):
        return announcement.council.name

    def item_categories(self, announcement):
        return [announcement.get_event_display()]


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description


class ResultsFeed(NewsFeed):
    """The results of consultations: the council's position and its decisions on the proposals."""

    events = (Announcement.Event.RESULTS_PUBLISHED,)
    heading = _("Qogam: results of public consultations")
    council_heading = _("%(council)s: results of public consultations")


class ResultsAtomFeed(ResultsFeed):
    feed_type = Atom1Feed
    subtitle = ResultsFeed.description
