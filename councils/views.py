"""Public pages of councils. Views are the top layer: they read from every app below them."""

from itertools import groupby

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from consultations import selectors as consultation_selectors
from publications.models import Announcement
from publications.selectors import recorded_publications

from . import ordering
from .models import Council, Meeting
from .selectors import directory, past_meetings, upcoming_meetings, upcoming_receptions

MEETINGS_PAGE = "meetings_page"  # the past meetings' own page parameter: `page` is the consultations'


def council_list(request):
    councils = directory()
    groups = [
        (level_label, [(region, list(rows)) for region, rows in groupby(level_rows, key=lambda c: c.region)])
        for level_label, level_rows in groupby(councils, key=ordering.level_of)
    ]
    return render(request, "councils/list.html", {"groups": groups, "count": len(councils)})


def council_detail(request, slug):
    council = get_object_or_404(Council.objects.active().select_related("region"), slug=slug)
    schedules = consultation_selectors.council_schedules(council)
    year, quarter = consultation_selectors.current_quarter()
    current = next((s for s in schedules if (s.year, s.quarter) == (year, quarter)), None)
    consultations = consultation_selectors.newest_first(
        consultation_selectors.public_consultations().filter(schedule__council=council)
    )
    return render(
        request,
        "councils/detail.html",
        {
            "council": council,
            "current_schedule": current,
            "current_consultations": consultation_selectors.schedule_consultations(current) if current else [],
            "schedule_published_in": recorded_publications(current, event=Announcement.Event.SCHEDULE_PUBLISHED)
            if current
            else [],
            "earlier_schedules": [s for s in schedules if s is not current],
            "page": Paginator(consultations, 10).get_page(request.GET.get("page")),
            "news": Announcement.objects.published().filter(council=council).order_by("-published_at")[:5],
            "receptions": upcoming_receptions(council)[:10],
            "meetings": upcoming_meetings(council)[:5],
            "past_meetings": Paginator(past_meetings(council), 10).get_page(request.GET.get(MEETINGS_PAGE)),
            "meetings_page_param": MEETINGS_PAGE,
        },
    )


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
            "consultations": consultation_selectors.decided_at(meeting),
        },
    )


def meeting_protocol(request, pk, language):
    """The signed protocol, once the council has published it."""
    meeting = get_object_or_404(
        Meeting.objects.filter(council__is_active=True, protocol_published_at__isnull=False), pk=pk
    )
    file = getattr(meeting, f"protocol_file_{language}", None) if language in ("kk", "ru") else None
    if not file:
        raise Http404
    return FileResponse(
        file.open("rb"), content_type="application/pdf", filename=f"protocol-{meeting.pk}-{language}.pdf"
    )
