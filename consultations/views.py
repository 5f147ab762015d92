"""Public pages of consultations: the list with its filters, a consultation, its results."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from common.page_cache import cached_page
from publications.models import Announcement
from publications.selectors import recorded_publications

from . import answers, selectors, workflow
from .filters import ConsultationFilter
from .models import Consultation
from .proposal_codes import Moderation

PAGE_SIZE = 20


@cached_page
def consultation_list(request):
    filters = ConsultationFilter(request.GET or None, queryset=selectors.public_consultations())
    page = Paginator(selectors.newest_first(filters.qs), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/list.html", {"filters": filters, "page": page})


@cached_page
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
            "council": consultation.schedule.council,
            "timeline": workflow.timeline(consultation),
            "intake": selectors.intake_of(consultation),
            "also_published": recorded_publications(consultation, event=Announcement.Event.CONSULTATION_ANNOUNCED),
        },
    )


@cached_page
def consultation_results(request, slug):
    try:
        consultation = selectors.results_page(slug)
    except Consultation.DoesNotExist:
        raise Http404 from None
    proposals = (
        consultation.proposals.filter(moderation=Moderation.LISTED)
        .select_related("question")
        .order_by("submitted_at", "id")
    )
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/results.html",
        {
            "consultation": consultation,
            "council": consultation.schedule.council,
            "recommendation": getattr(consultation, "recommendation", None),
            "page": page,
            "documents": consultation.rendered_documents.filter(is_published=True).order_by("id"),
            "also_published": recorded_publications(consultation, event=Announcement.Event.RESULTS_PUBLISHED),
            "answers": answers.answer_counts(consultation),
        },
    )
