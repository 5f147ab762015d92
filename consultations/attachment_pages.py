"""Pages of a consultation's documents (the draft act, its explanatory note, a presentation): the public download,
and in the workspace the download, adding, replacing and removing. Thin: the work and its refusals are in
`consultations.attachments`."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from common.actions import submit, workspace_view
from common.errors import ActionRefused
from consultations.permissions import consultation_or_404
from councils.permissions import require_actor

from . import attachments, selectors
from .forms import DocumentForm
from .models import Consultation, Document


def _download(document: Document) -> FileResponse:
    """The file as an attachment, with the type detected at upload; never shown inside the portal's pages."""
    try:
        file = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        file,
        as_attachment=True,
        filename=attachments.download_name(document),
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------------------
# Public


def attachment(request, slug, pk):
    """A document of a public consultation (in a published revision of its schedule)."""
    try:
        consultation = selectors.public_consultations().get(slug=slug)
    except Consultation.DoesNotExist:
        raise Http404 from None
    document = get_object_or_404(Document, consultation=consultation, pk=pk)
    document.consultation = consultation
    return _download(document)


# ---------------------------------------------------------------------------------------------------------
# Workspace


def _section(consultation: Consultation) -> str:
    return reverse("workspace:consultation", kwargs={"slug": consultation.slug}) + "#attachments-heading"


def _document_or_404(consultation: Consultation, pk: int) -> Document:
    document = get_object_or_404(Document, consultation=consultation, pk=pk)
    document.consultation = consultation
    return document


@workspace_view
def attachment_file(request, slug, pk):
    """The council's people read a document before the consultation is public too."""
    consultation = consultation_or_404(request, slug)
    return _download(_document_or_404(consultation, pk))


@workspace_view
def attachment_new(request, slug):
    consultation = consultation_or_404(request, slug)
    council = consultation.schedule.council
    require_actor(request, council)
    form = DocumentForm(request.POST or None, request.FILES or None)
    return submit(
        request,
        form,
        lambda data: attachments.add_document(consultation, by=request.user, **data),
        success=lambda document: _("The document “%(title)s” is added.") % {"title": document.title},
        redirect_to=_section(consultation),
    ) or render(
        request,
        "workspace/attachment_form.html",
        {
            "council": council,
            "consultation": consultation,
            "form": form,
            "refusal": attachments.change_refusal(consultation),
        },
        status=400 if request.method == "POST" else 200,
    )


@workspace_view
def attachment_edit(request, slug, pk):
    """Replace the document's file (its address stays), or correct its kind and titles."""
    consultation = consultation_or_404(request, slug)
    council = consultation.schedule.council
    require_actor(request, council)
    document = _document_or_404(consultation, pk)
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        replacing=True,
        initial={"kind": document.kind, "title_kk": document.title_kk, "title_ru": document.title_ru},
    )

    def saved(_done) -> str:
        if form.cleaned_data["file"] is not None:
            message = _("The document “%(title)s” is replaced with the new file; its address stays the same.")
        else:
            message = _("The document “%(title)s” is saved.")
        return message % {"title": document.title}

    return submit(
        request,
        form,
        lambda data: attachments.replace_document(document, by=request.user, **data),
        success=saved,
        redirect_to=_section(consultation),
    ) or render(
        request,
        "workspace/attachment_form.html",
        {
            "council": council,
            "consultation": consultation,
            "document": document,
            "form": form,
            "refusal": attachments.change_refusal(consultation),
        },
        status=400 if request.method == "POST" else 200,
    )


@workspace_view
def attachment_remove(request, slug, pk):
    """Asks first (a page with one button); the removal itself is a POST."""
    consultation = consultation_or_404(request, slug)
    council = consultation.schedule.council
    require_actor(request, council)
    document = _document_or_404(consultation, pk)
    problems = []
    if request.method == "POST":
        try:
            attachments.remove_document(document, by=request.user)
        except ActionRefused as refused:
            problems = refused.messages
        else:
            messages.success(request, _("The document “%(title)s” is removed.") % {"title": document.title})
            return redirect(_section(consultation))
    return render(
        request,
        "workspace/attachment_remove.html",
        {
            "council": council,
            "consultation": consultation,
            "document": document,
            "problems": problems,
            "refusal": attachments.change_refusal(consultation),
        },
        status=400 if problems else 200,
    )
