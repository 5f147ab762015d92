"""Public pages of consultations: the list with its filters, a consultation, its results."""

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string

from common import page_cache
from common.keyset import keyset_page
from common.page_cache import cached_page
from publications import fragments
from publications.models import Announcement

from . import answers, cards, selectors, workflow
from .filters import ConsultationFilter
from .models import Consultation

PAGE_SIZE = 20
# A page of a consultation's results: the proposals after (or before) one of them, never an OFFSET
# (common.keyset), so that the last page of 50,000 is read as fast as the first (issue 16).
RESULTS_PAGE_SIZE = 50


@cached_page
def consultation_list(request):
    filters = ConsultationFilter(request.GET or None, queryset=selectors.public_consultations())
    # The count and each page's consultations once per filters and content version (consultations.cards).
    name = page_cache.query_name("consultation-list", request, ignoring=("page",))
    listed = cards.CardPages(lambda: selectors.newest_first(filters.qs), PAGE_SIZE, name=name)
    page = listed.get_page(request.GET.get("page"))
    # The filters' form (its menus of 300 councils and 20 regions) depends on the query, the language and the
    # menus alone: rendered once per query string and version of public content.
    filter_form = page_cache.remember_for_query(
        "consultation-list-form",
        request,
        lambda: render_to_string("consultations/_filters.html", {"filters": filters}, request),
        ignoring=("page",),
    )
    return render(
        request,
        "consultations/list.html",
        {"filter_form": filter_form, "page": page, "consultation_cards": cards.cards_of(page.object_list)},
    )


@cached_page
def consultation_detail(request, slug):
    try:
        # The consultation and its log: content alone, read once per version of public content; where its intake
        # stands is the clock's, worked out for each request.
        consultation = page_cache.remember(f"consultation-head:{slug}", lambda: selectors.consultation_head(slug))
    except Consultation.DoesNotExist:
        raise Http404 from None
    intake = selectors.intake_of(consultation)

    def details():
        selectors.read_details(consultation)
        context = {
            "consultation": consultation,
            "intake": intake,
            "timeline": workflow.timeline(consultation),
            "also_published": fragments.also_published(
                request, consultation, event=Announcement.Event.CONSULTATION_ANNOUNCED
            ),
        }
        return render_to_string("consultations/_details.html", context, request)

    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "council": consultation.schedule.council,
            "intake": intake,
            # The page below the intake notice shows the consultation's content and, of the clock, only where its
            # intake stands (the invitation to take part is left out once it has closed): once per consultation,
            # intake state, language and version of public content.
            "details": page_cache.remember(f"consultation-details:{consultation.pk}:{intake.state}", details),
        },
    )


@cached_page
def consultation_results(request, slug):
    try:
        consultation = page_cache.remember(f"results-consultation:{slug}", lambda: selectors.published_results(slug))
    except Consultation.DoesNotExist:
        raise Http404 from None
    proposals = selectors.results_proposals(consultation)

    def head():
        full = selectors.results_page(slug)
        context = {
            "consultation": full,
            "recommendation": getattr(full, "recommendation", None),
            "documents": full.rendered_documents.filter(is_published=True).order_by("id"),
            "also_published": fragments.also_published(request, full, event=Announcement.Event.RESULTS_PUBLISHED),
        }
        return render_to_string("consultations/_results_head.html", context, request)

    def proposals_page():
        page = keyset_page(proposals, request.GET, per_page=RESULTS_PAGE_SIZE, keys=selectors.RESULTS_ORDER)
        return render_to_string("consultations/_results_proposals.html", {"page": page}, request)

    return render(
        request,
        "consultations/results.html",
        {
            "consultation": consultation,
            "council": consultation.schedule.council,
            # The documents, the position and the recommendation: content alone (no clock), rendered once per
            # consultation, language and version of public content.
            "head": page_cache.remember(f"results-head:{consultation.pk}", head),
            # A page of proposals and its links: the consultation's listed proposals and the query alone decide
            # it (no clock; a proposal shown here bumps the version when written): once per query and version.
            "proposals": page_cache.remember_for_query(f"results-proposals:{consultation.pk}", request, proposals_page),
            # The total (read from the index proposal_moderation alone, still 20 ms for 50,000) and the answers'
            # counts change only with a change of public content: once per consultation and content version.
            "listed": page_cache.remember(f"results-listed:{consultation.pk}", proposals.count),
            "answers": page_cache.remember(
                f"results-answers:{consultation.pk}", lambda: answers.answer_counts(consultation)
            ),
        },
    )
