"""The public site's own pages that read across apps: the home page, a council's page, a meeting's page,
and the health check."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache

from common import page_cache
from common.page_cache import cached_page
from consultations import cards, selectors
from councils.models import Council, Meeting
from councils.selectors import past_meetings, upcoming_meetings, upcoming_receptions
from publications.models import Announcement
from publications.selectors import recorded_publications

HOME_LIST = 6  # consultations in each of the home page's lists
MEETINGS_PAGE = "meetings_page"  # the past meetings' own page parameter: `page` is the consultations'


@cached_page
def home(request):
    return render(
        request,
        "home.html",
        {
            # Each list as its cards, kept per content version: the database is read only for what changed.
            "open_cards": cards.cards_of(cards.open_for_proposals(HOME_LIST)),
            "coming_up_cards": cards.cards_of(cards.coming_up(HOME_LIST)),
            "latest_results_cards": cards.cards_of(cards.latest_results(HOME_LIST)),
        },
    )


def schedule(request, council) -> str:
    """The council's schedule for this quarter (its consultations, where else it was published) and links to
    the earlier ones: its content and the current quarter, rendered once per council, quarter, language and
    version of public content."""
    year, quarter = selectors.current_quarter()

    def render_schedule():
        schedules = selectors.council_schedules(council)
        current = next((s for s in schedules if (s.year, s.quarter) == (year, quarter)), None)
        context = {
            "council": council,
            "current_schedule": current,
            "current_consultations": selectors.schedule_consultations(current) if current else [],
            "schedule_published_in": recorded_publications(current, event=Announcement.Event.SCHEDULE_PUBLISHED)
            if current
            else [],
            "earlier_schedules": [s for s in schedules if s is not current],
        }
        return render_to_string("councils/_schedule.html", context, request)

    return page_cache.remember(f"council-schedule:{council.pk}:{year}:{quarter}", render_schedule)


RECEPTIONS_SHOWN = 10
RECEPTIONS_KEPT = 20


def receptions(council) -> list:
    """The council's next personal receptions (one under way still shows), RECEPTIONS_SHOWN at most. Read once
    per version of public content, RECEPTIONS_KEPT of them, and those over by now left out here: as time passes
    the list only loses receptions from its head, so it is exact until fewer than RECEPTIONS_SHOWN are left of a
    full one (then it is read again)."""
    now = timezone.now()
    kept = page_cache.remember(
        f"council-receptions:{council.pk}", lambda: list(upcoming_receptions(council)[:RECEPTIONS_KEPT])
    )
    shown = [r for r in kept if r.is_upcoming(now)]
    if len(shown) < RECEPTIONS_SHOWN and len(kept) == RECEPTIONS_KEPT:
        shown = list(upcoming_receptions(council)[:RECEPTIONS_SHOWN])
    return shown[:RECEPTIONS_SHOWN]


def news(request, council) -> str:
    """The council's latest published announcements: content alone (no clock), rendered once per council,
    language and version of public content."""
    return page_cache.remember(
        f"council-news:{council.pk}",
        lambda: render_to_string(
            "councils/_news.html",
            {"news": Announcement.objects.published().filter(council=council).order_by("-published_at")[:5]},
            request,
        ),
    )


def meetings(request, council) -> str:
    """The council's upcoming and past meetings (a page of them): its content, today's date and the query (the
    page of past meetings, kept in the links with the other parameters), rendered once per council, date,
    query, language and version of public content."""
    today = timezone.localdate()

    def render_meetings():
        past = Paginator(past_meetings(council, today), 10).get_page(request.GET.get(MEETINGS_PAGE))
        context = {
            "meetings": upcoming_meetings(council, today)[:5],
            "past_meetings": past,
            "meetings_page_param": MEETINGS_PAGE,
        }
        return render_to_string("councils/_meetings.html", context, request)

    return page_cache.remember_for_query(f"council-meetings:{council.pk}:{today.isoformat()}", request, render_meetings)


@cached_page
def council_detail(request, slug):
    # The council: content alone, read once per version of public content (a 404 is looked up each time).
    council = page_cache.remember(
        f"council:{slug}", lambda: get_object_or_404(Council.objects.active().select_related("region"), slug=slug)
    )
    consultations = cards.CardPages(
        lambda: selectors.newest_first(selectors.public_consultations().filter(schedule__council=council)),
        10,
        name=f"council-consultations:{council.pk}",
    )
    page = consultations.get_page(request.GET.get("page"))
    return render(
        request,
        "councils/detail.html",
        {
            "council": council,
            "schedule": schedule(request, council),
            "page": page,
            "consultation_cards": cards.cards_of(page.object_list),
            "news": news(request, council),
            "receptions": receptions(council),
            "meetings": meetings(request, council),
        },
    )


@cached_page
def meeting_detail(request, pk):
    """A council meeting: open to the public (Law "On Public Councils", art. 13 p. 3), with its agenda and,
    once published, its protocol and attendance."""
    meeting = get_object_or_404(Meeting.objects.select_related("council").filter(council__is_active=True), pk=pk)
    protocol_published = meeting.protocol_published_at is not None
    return render(
        request,
        "councils/meeting.html",
        {
            "meeting": meeting,
            "council": meeting.council,
            "protocol_published": protocol_published,
            "quorum": meeting.quorum() if protocol_published else None,
            "is_upcoming": meeting.date >= timezone.localdate(),
            "consultations": selectors.decided_at(meeting),
        },
    )


@never_cache
def healthz(request):
    """200 while the database answers; says whether Redis answers, but never fails because of it."""
    body = {"database": "ok", "redis": "not configured"}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any database error means unhealthy
        body["database"] = f"down: {type(error).__name__}"
        status = 503
    if settings.REDIS_URL:
        body["redis"] = "ok" if _redis_answers() else "down"
    return JsonResponse(body, status=status)


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False
