"""Consultations' cards (the home page, the consultation list, a council's page), kept rendered.

A card shows its consultation and its council, public content, in the page's language, and one thing the
clock decides: whether proposals are accepted now. Its key holds each of them — the consultation, the
language, the version of public content (common.page_cache) and that flag — so that any change of content, and
a window opening or closing, shows at once. A card the clock turned while it was rendered is kept under the
flag of a moment before, a key no later request asks for.

A card is asked for by its consultation's `Facts` (id, step, intake window: what its key needs), which the
lists keep per content version too; the consultation's row is read only for a card not kept yet.
"""

from __future__ import annotations

import datetime
import functools
import logging
from itertools import islice
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import get_language

from common import page_cache

from . import selectors
from .models import Consultation

logger = logging.getLogger(__name__)

TEMPLATE = "includes/consultation_card.html"


class Facts(NamedTuple):
    """What a card's key needs: the consultation, its step and its intake window (POSIX timestamps: a long list
    of them is read back from the cache many times faster than of datetimes)."""

    pk: int
    state: str
    opens: float | None
    closes: float | None

    def open_at(self, at: float) -> bool:
        """Consultation.is_open_for_proposals, from these facts alone."""
        return (
            self.state == Consultation.State.HELD
            and self.opens is not None
            and self.closes is not None
            and self.opens <= at < self.closes
        )


def _timestamp(moment: datetime.datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def facts(consultations) -> list[Facts]:
    """The facts of a queryset's consultations, in its order, without reading their rows."""
    rows = consultations.values_list("pk", "state", "window_opens_at", "window_closes_at")
    return [Facts(pk, state, _timestamp(opens), _timestamp(closes)) for pk, state, opens, closes in rows]


def cards_of(items: list[Facts]) -> list[str]:
    """The cards of consultations known by their facts: a consultation's row is read only for a card not kept."""

    read: dict[int, Consultation] | None = None

    def row(pk):
        nonlocal read
        if read is None:  # the cards' rows in one query, when the first card is missing (once, even if none is found)
            read = selectors.public_consultations().in_bulk([item.pk for item in items])
        return read.get(pk)

    return _cards(items, row)


def _cards(items: list[Facts], row) -> list[str]:
    """`row(pk)`: the consultation, or None when it is no longer public (changed since the facts were read)."""
    template = get_template(TEMPLATE)

    def render(item):
        consultation = row(item.pk)
        return None if consultation is None else template.render({"consultation": consultation})

    if not page_cache.keeps_values():
        return [card for card in map(render, items) if card is not None]
    now = timezone.now().timestamp()
    prefix = f"page-cache:card:{get_language()}:{page_cache.version()}"
    keys = [f"{prefix}:{item.pk}:{int(item.open_at(now))}" for item in items]
    try:
        kept = cache.get_many(keys)
    except Exception:
        logger.warning("The page cache could not be read", exc_info=True)
        kept = {}
    rendered = {key: render(item) for key, item in zip(keys, items, strict=True) if key not in kept}
    fresh = {key: card for key, card in rendered.items() if card is not None}
    if fresh:
        try:
            cache.set_many(fresh, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("The page cache could not be written", exc_info=True)
    return [card for card in (kept.get(key) or rendered.get(key) for key in keys) if card is not None]


class CardPages(Paginator):
    """A list of consultations shown as cards, by pages: its count and each page's facts kept per version of
    public content under `name`, which must name every input of the queryset (its filters, its council); the
    order and the count over thousands of consultations are such a list's dearest queries. Neither depends on
    the clock. The pages hold `Facts`, for `cards_of`.

    `consultations` is a function giving the ordered queryset, called only when something is not kept (a
    filter's validation reads the database too)."""

    def __init__(self, consultations, per_page: int, *, name: str):
        super().__init__([], per_page)
        self.consultations = functools.cache(consultations)
        self.name = name
        self.count = page_cache.remember(f"{name}:count", lambda: self.consultations().count())

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(
            page_cache.remember(
                f"{self.name}:page:{number}",
                lambda: facts(self.consultations()[bottom : bottom + self.per_page]),
            ),
            number,
            self,
        )


# The home page's lists, as facts: what they hold changes with public content and with the clock. What changes
# with content is kept per content version (the candidates, in the list's order); the clock's filter is applied
# on each request, so that a window opening or closing shows at once.
CLOCK_MARGIN = 3600  # seconds: candidates read by a server whose clock is ahead still serve one behind


def open_for_proposals(count: int) -> list[Facts]:
    """selectors.open_for_proposals()[:count]: the held consultations whose window had not closed when they were
    read, in the order of closing, kept; those open now taken from them."""
    candidates = page_cache.remember("cards-held-not-closed", _held_not_closed)
    now = timezone.now().timestamp()
    return list(islice((item for item in map(Facts._make, candidates) if item.open_at(now)), count))


def _held_not_closed() -> list[tuple]:
    since = timezone.now() - datetime.timedelta(seconds=CLOCK_MARGIN)
    held = selectors.public_consultations().filter(state=Consultation.State.HELD, window_closes_at__gt=since)
    return [tuple(item) for item in facts(held.order_by("window_closes_at", "id"))]


def coming_up(count: int) -> list[Facts]:
    """selectors.coming_up()[:count]: those whose window had not opened when they were read, kept; those not
    open yet now taken from them."""
    candidates = page_cache.remember("cards-coming-up", _not_opened)
    now = timezone.now().timestamp()
    not_open = (item for item in map(Facts._make, candidates) if item.opens is None or item.opens > now)
    return list(islice(not_open, count))


def _not_opened() -> list[tuple]:
    since = timezone.now() - datetime.timedelta(seconds=CLOCK_MARGIN)
    return [tuple(item) for item in facts(selectors.coming_up(at=since))]


def latest_results(count: int) -> list[Facts]:
    """selectors.latest_results()[:count], kept (the clock changes nothing in it)."""
    latest = page_cache.remember(f"cards-latest-results:{count}", lambda: facts(selectors.latest_results()[:count]))
    return list(latest)
