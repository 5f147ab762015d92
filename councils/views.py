"""Public pages of councils."""

from django.shortcuts import get_object_or_404, render

from .models import Council


def council_list(request):
    councils = Council.objects.active().select_related("region").order_by("level", "region__slug", "slug")
    return render(request, "councils/list.html", {"councils": councils})


def council_detail(request, slug):
    council = get_object_or_404(Council.objects.active().select_related("region"), slug=slug)
    return render(request, "councils/detail.html", {"council": council})
