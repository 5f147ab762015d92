"""Public pages of consultations: the list with its filters, a consultation, its results."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from common.keyset import keyset_page
from common.page_cache import cached_page
from publications.models import Announcement
from publications.selectors import recorded_publications

from . import answers, selectors, workflow
from .filters import ConsultationFilter
from .models import Consultation

PAGE_SIZE = 20
# A page of a consultation's results: the proposals after (or before) one of them, never an OFFSET
# (common.keyset), so that the last page of 50,000 is read as fast as the first (issue 16).
RESULTS_PAGE_SIZE = 50


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
    proposals = selectors.results_proposals(consultation)
    page = keyset_page(proposals, request.GET, per_page=RESULTS_PAGE_SIZE, keys=selectors.RESULTS_ORDER)
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
            # The total, read from the index proposal_moderation alone (a few ms for 50,000), not from the rows.
            "listed": proposals.count(),
            "answers": answers.answer_counts(consultation),
        },
    )
