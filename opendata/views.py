"""The participation statistics' public pages: the whole portal (/<lang>/statistics/) and one council's
(/<lang>/councils/<slug>/statistics/); and the same figures in the ministry's admin (/admin/statistics/)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from common.page_cache import cached_page
from councils.models import Council

from . import charts, statistics
from .forms import PeriodFilter, StatisticsFilter


def _context(form, **fixed) -> dict:
    scope = form.scope(**fixed)
    stats = statistics.compute(scope)
    return {"form": form, "stats": stats, "charts": charts.charts(stats), "period": charts.period(scope)}


@cached_page
def portal_statistics(request):
    return render(request, "opendata/statistics.html", _context(StatisticsFilter(request.GET or None)))


@cached_page
def council_statistics(request, slug):
    council = get_object_or_404(Council.objects.active().select_related("region"), slug=slug)
    context = _context(PeriodFilter(request.GET or None), council=council)
    return render(request, "opendata/statistics.html", {**context, "council": council})


def admin_statistics(request):
    """For whoever may read the compliance review (ministry staff and superusers)."""
    if not request.user.has_perm("consultations.view_consultation"):
        raise PermissionDenied
    return render(
        request,
        "admin/statistics.html",
        {**admin.site.each_context(request), **_context(StatisticsFilter(request.GET or None)),
         "title": _("Participation statistics")},
    )  # fmt: skip
