"""Public pages of consultations."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from . import selectors, workflow
from .models import Consultation


def consultation_list(request):
    consultations = selectors.public_consultations().order_by("-schedule__year", "-schedule__quarter", "-id")
    page = Paginator(consultations, 20).get_page(request.GET.get("page"))
    return render(request, "consultations/list.html", {"page": page})


def consultation_detail(request, slug):
    try:
        consultation = selectors.consultation_page(slug)
    except Consultation.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "timeline": workflow.timeline(consultation, list(consultation.transitions.all())),
        },
    )


def consultation_results(request, slug):
    try:
        consultation = selectors.consultation_page(slug)
    except Consultation.DoesNotExist:
        raise Http404 from None
    if consultation.state != Consultation.State.POSITION_PUBLISHED:
        raise Http404
    return render(request, "consultations/results.html", {"consultation": consultation})
