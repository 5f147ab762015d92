"""Pages that hand out the PDF documents: to the public once published, to the council as previews."""

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from common.actions import acting, workspace_view
from consultations.permissions import consultation_or_404
from councils.models import Council
from councils.permissions import council_or_404, require_actor

from . import pdf, selectors
from .models import Consultation, QuarterlySchedule, RenderedDocument

Kind = RenderedDocument.Kind


def _serve(request, document: RenderedDocument, *, template: str, context: dict):
    """The file when it is ready. A small document is rendered on its first download (so is any without a
    worker to do it); a large one shows its progress while a worker renders it. Documents are loaded without
    their snapshot (`defer("data")`): the page that shows a 50,000-row list's progress refreshes every few
    seconds, and has no use for its tens of megabytes."""
    if document.state == RenderedDocument.State.PENDING and (pdf.is_small(document) or not pdf.has_worker()):
        pdf.render(document.pk)
        document.refresh_from_db()
    if document.state == RenderedDocument.State.READY:
        return FileResponse(
            document.file.open("rb"), filename=pdf.download_name(document), content_type="application/pdf"
        )
    status = 500 if document.state == RenderedDocument.State.FAILED else 202
    return render(request, template, context | {"document": document}, status=status)


# ---------------------------------------------------------------------------------------------------------
# Public


def results_document(request, slug, kind):
    if kind not in (Kind.PROPOSALS, Kind.RECOMMENDATION, Kind.POSITION):
        raise Http404
    try:
        consultation = selectors.results_page(slug)
    except Consultation.DoesNotExist:
        raise Http404 from None
    document = (
        RenderedDocument.objects.defer("data").filter(consultation=consultation, kind=kind, is_published=True).first()
    )
    if document is None:
        raise Http404
    return _serve(request, document, template="documents/preparing.html", context={"consultation": consultation})


def schedule_document(request, council_slug, year, quarter):
    council = get_object_or_404(Council.objects.active(), slug=council_slug)
    schedule = get_object_or_404(QuarterlySchedule.objects.published(), council=council, year=year, quarter=quarter)
    document = (
        RenderedDocument.objects.defer("data")
        .filter(schedule=schedule, kind=Kind.SCHEDULE, is_published=True)
        .order_by("-revision")
        .first()
    )
    if document is None:
        raise Http404
    return _serve(request, document, template="documents/preparing.html", context={"council": council})


# ---------------------------------------------------------------------------------------------------------
# Workspace


def _document_or_404(request, pk) -> RenderedDocument:
    councils = Council.objects.readable_by(request.user)
    return get_object_or_404(
        RenderedDocument.objects.defer("data").filter(
            Q(consultation__schedule__council__in=councils) | Q(schedule__council__in=councils)
        ),
        pk=pk,
    )


@acting
def preview_consultation_document(request, slug, kind):
    consultation = consultation_or_404(request, slug)
    require_actor(request, consultation.schedule.council)
    if kind not in pdf.kinds_for(consultation):
        raise Http404
    if kind == Kind.RECOMMENDATION and not hasattr(consultation, "recommendation"):
        messages.error(request, _("Write the draft recommendation."))
        return redirect("workspace:consultation", slug=slug)
    if kind == Kind.POSITION and not hasattr(consultation, "position"):
        messages.error(request, _("Write the council's position."))
        return redirect("workspace:consultation", slug=slug)
    document = pdf.preview(kind, consultation=consultation)
    return redirect("workspace:document", pk=document.pk)


@acting
def preview_schedule_document(request, council_slug, year, quarter):
    council = council_or_404(request, council_slug)
    require_actor(request, council)
    schedule = get_object_or_404(QuarterlySchedule, council=council, year=year, quarter=quarter)
    document = pdf.preview(Kind.SCHEDULE, schedule=schedule)
    return redirect("workspace:document", pk=document.pk)


@workspace_view
def document_page(request, pk):
    document = _document_or_404(request, pk)
    if document.state == RenderedDocument.State.PENDING and (pdf.is_small(document) or not pdf.has_worker()):
        pdf.render(document.pk)
        document.refresh_from_db()
    council = document.consultation.schedule.council if document.consultation else document.schedule.council
    return render(
        request,
        "workspace/document.html",
        {"document": document, "council": council, "consultation": document.consultation},
    )


@workspace_view
def document_file(request, pk):
    document = _document_or_404(request, pk)
    council = document.consultation.schedule.council if document.consultation else document.schedule.council
    return _serve(
        request,
        document,
        template="workspace/document.html",
        context={"council": council, "consultation": document.consultation},
    )
