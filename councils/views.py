"""Public pages of councils that read councils alone: the list of councils and a meeting's protocol.

The council's page and a meeting's page, which also show consultations and news, are the portal's
(portal/views.py).
"""

from itertools import groupby

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from common.page_cache import cached_page

from . import ordering
from .models import Meeting
from .selectors import directory


@cached_page
def council_list(request):
    councils = directory()
    groups = [
        (level_label, [(region, list(rows)) for region, rows in groupby(level_rows, key=lambda c: c.region)])
        for level_label, level_rows in groupby(councils, key=ordering.level_of)
    ]
    return render(request, "councils/list.html", {"groups": groups, "count": len(councils)})


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
