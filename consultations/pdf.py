"""The PDF documents: the quarterly schedule, the list of proposals with decisions, the council's draft
recommendation, and its position with the results.

A document's data is frozen when the document is made — at publication for the public ones — as a
snapshot in both languages; rendering (WeasyPrint, imported only here) happens once, in a task or on the
first download of a small one, and the file is served unchanged afterwards.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from common import page_cache

from .models import Consultation, QuarterlySchedule, RenderedDocument
from .proposal_codes import Decision, Moderation
from .revisions import as_in_revision

logger = logging.getLogger(__name__)
Kind = RenderedDocument.Kind
LANGUAGES = ("kk", "ru")
# A document of more rows than this is rendered by a worker, with its progress shown; a smaller one is
# rendered in the request that first asks for it.
SYNC_LIMIT = 150


def both(obj, field: str) -> dict[str, str]:
    return {
        lang: getattr(obj, f"{field}_{lang}") or getattr(obj, f"{field}_{other}") or ""
        for lang, other in (("kk", "ru"), ("ru", "kk"))
    }


def label(obj, field: str) -> dict[str, str]:
    """The display name of a coded field in both languages (frozen with the document)."""
    shown = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            shown[lang] = str(getattr(obj, f"get_{field}_display")()) if getattr(obj, field) else ""
    return shown


def _council(council) -> dict:
    return {"name": both(council, "name"), "state_body": both(council, "state_body"), "slug": council.slug}


# ---------------------------------------------------------------------------------------------------------
# Snapshots: what a document shows, frozen


def snapshot_schedule(schedule: QuarterlySchedule) -> dict:
    """The schedule's current revision: at publication, what the council page then shows; for a preview of a
    draft revision, with the changes waiting for it."""
    consultations = as_in_revision(schedule)
    return {
        "council": _council(schedule.council),
        "year": schedule.year,
        "quarter": schedule.quarter,
        "revision": schedule.revision,
        "items": [
            {
                "number": c.number,
                "title": both(c, "title"),
                "occasion": label(c, "occasion"),
                "format": label(c, "format"),
                "venue": both(c, "venue"),
                "starts_on": c.starts_on.isoformat() if c.starts_on else "",
                "ends_on": c.ends_on.isoformat() if c.ends_on else "",
            }
            for c in consultations
        ],
    }


def _consultation(consultation: Consultation) -> dict:
    return {
        "council": _council(consultation.schedule.council),
        "title": both(consultation, "title"),
        "occasion": label(consultation, "occasion"),
        "act_title": both(consultation, "act_title"),
        "act_number": consultation.act_number,
        "slug": consultation.slug,
    }


def snapshot_proposals(consultation: Consultation) -> dict:
    proposals = (
        consultation.proposals.filter(moderation=Moderation.LISTED)
        .select_related("question")
        .order_by("submitted_at", "id")
    )
    return _consultation(consultation) | {
        "items": [
            {
                "reference": p.reference,
                "received": timezone.localtime(p.submitted_at).date().isoformat(),
                "author": p.public_author,
                "channel": label(p, "channel"),
                "question": both(p.question, "text") if p.question else None,
                "text": p.text,
                "language": p.language,
                "decision": p.decision,
                "decision_label": label(p, "decision"),
                "reasons": both(p, "decision_reasons"),
            }
            for p in proposals
        ],
        "set_aside": consultation.proposals.filter(moderation=Moderation.SET_ASIDE).count(),
    }


def snapshot_recommendation(consultation: Consultation) -> dict:
    recommendation = consultation.recommendation
    return _consultation(consultation) | {
        "introduction": both(recommendation, "introduction"),
        "points": [
            {
                "number": point.number,
                "text": both(point, "text"),
                "proposals": [p.reference for p in point.proposals.order_by("submitted_at", "id")],
                "answer": label(point, "answer"),
                "answer_reasons": both(point, "answer_reasons"),
            }
            for point in recommendation.points.prefetch_related("proposals").order_by("number")
        ],
        "sent_on": recommendation.sent_on.isoformat() if recommendation.sent_on else "",
    }


def snapshot_position(consultation: Consultation) -> dict:
    listed = consultation.proposals.filter(moderation=Moderation.LISTED)
    return _consultation(consultation) | {
        "position": both(consultation.position, "text"),
        "counts": {decision: listed.filter(decision=decision).count() for decision in Decision.values},
        "total": consultation.proposals.count(),
        "listed": listed.count(),
    }


SNAPSHOTS = {
    Kind.PROPOSALS: snapshot_proposals,
    Kind.RECOMMENDATION: snapshot_recommendation,
    Kind.POSITION: snapshot_position,
}


def kinds_for(consultation: Consultation) -> list[str]:
    kinds = [Kind.PROPOSALS, Kind.POSITION]
    if consultation.is_draft_act:
        kinds.insert(1, Kind.RECOMMENDATION)
    return kinds


# ---------------------------------------------------------------------------------------------------------
# Making documents


def publish_schedule_document(schedule: QuarterlySchedule) -> RenderedDocument:
    """Freeze the published schedule (called in the transaction that publishes it)."""
    document, _created = RenderedDocument.objects.get_or_create(
        kind=Kind.SCHEDULE,
        schedule=schedule,
        revision=schedule.revision,
        is_published=True,
        language=schedule.council.document_language,
        defaults={"data": snapshot_schedule(schedule)},
    )
    _render_after_commit(document)
    return document


def publish_results_documents(consultation: Consultation) -> list[RenderedDocument]:
    """Freeze the results documents (called in the transaction that publishes the position)."""
    documents = []
    for kind in kinds_for(consultation):
        document, _created = RenderedDocument.objects.get_or_create(
            kind=kind,
            consultation=consultation,
            is_published=True,
            language=consultation.schedule.council.document_language,
            defaults={"data": SNAPSHOTS[kind](consultation)},
        )
        _render_after_commit(document)
        documents.append(document)
    return documents


def preview(
    kind: str, *, consultation: Consultation | None = None, schedule: QuarterlySchedule | None = None
) -> RenderedDocument:
    """A document of the data as it stands now, for the secretary (replacing an older preview)."""
    subject = {"consultation": consultation} if consultation else {"schedule": schedule}
    council = consultation.schedule.council if consultation else schedule.council
    data = snapshot_schedule(schedule) if kind == Kind.SCHEDULE else SNAPSHOTS[kind](consultation)
    with transaction.atomic():
        for old in RenderedDocument.objects.filter(kind=kind, is_published=False, **subject):
            old.file.delete(save=False)
            old.delete()
        document = RenderedDocument.objects.create(
            kind=kind,
            language=council.document_language,
            data=data,
            revision=schedule.revision if schedule else 0,
            **subject,
        )
    _render_after_commit(document)
    return document


def is_small(document: RenderedDocument) -> bool:
    return len(document.data.get("items", document.data.get("points", []))) <= SYNC_LIMIT


def has_worker() -> bool:
    """Whether tasks go to a worker (a broker is configured) rather than run in the request."""
    return not settings.CELERY_TASK_ALWAYS_EAGER


_rendering_deferred: ContextVar[bool] = ContextVar("rendering_deferred", default=False)


@contextmanager
def renders_on_first_download():
    """Documents made inside are not queued for a worker: each is rendered when first asked for (a large one
    by the sweep). For bulk work such as seeding the demo, whose hundreds of documents would otherwise hold
    the renders of real publications up; a secretary's publication is always queued."""
    token = _rendering_deferred.set(True)
    try:
        yield
    finally:
        _rendering_deferred.reset(token)


def _render_after_commit(document: RenderedDocument) -> None:
    """Wake a worker once committed. Without a broker (tasks in-process, as in the demo) rendering waits
    for the first download instead, so that publishing never renders in the request that publishes."""
    if not has_worker() or _rendering_deferred.get():
        return

    def wake():
        from .tasks import render_document

        try:
            render_document.apply_async((document.pk,), retry=False)
        except Exception:  # the broker is down: the first download or the sweep renders it
            logger.warning("Could not queue document %s for rendering", document.pk, exc_info=True)

    transaction.on_commit(wake)


# ---------------------------------------------------------------------------------------------------------
# Rendering


def render(document_id: int) -> str:
    """Render a pending document once and store its file. Safe to call twice."""
    with transaction.atomic():
        document = RenderedDocument.objects.select_for_update(skip_locked=True).filter(pk=document_id).first()
        if document is None or document.state in (RenderedDocument.State.READY, RenderedDocument.State.RENDERING):
            return "skipped"
        document.state = RenderedDocument.State.RENDERING
        document.progress = 10
        document.save(update_fields=["state", "progress"])
    try:
        html = document_html(document)
        _progress(document, 40)
        from weasyprint import HTML, URLFetcher  # heavy, and only needed here

        # Documents are self-contained (fonts come from the system): no file or URL is ever fetched.
        layout = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).render()
        _progress(document, 80)
        pdf = layout.write_pdf()
    except Exception as error:
        logger.exception("Rendering document %s failed", document_id)
        RenderedDocument.objects.filter(pk=document.pk).update(
            state=RenderedDocument.State.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        return "failed"
    document.file.save(f"{document.kind}-{document.pk}.pdf", ContentFile(pdf), save=False)
    RenderedDocument.objects.filter(pk=document.pk).update(
        file=document.file.name,
        state=RenderedDocument.State.READY,
        progress=100,
        pages=len(layout.pages),
        rendered_at=timezone.now(),
        error="",
    )
    page_cache.bump()  # an UPDATE sends no signal: the results page lists the ready documents
    return "ready"


def _progress(document: RenderedDocument, percent: int) -> None:
    RenderedDocument.objects.filter(pk=document.pk).update(progress=percent)


def document_html(document: RenderedDocument) -> str:
    """One section per language; the list of proposals in both languages is one bilingual table instead,
    since the citizens' texts are the same in both."""
    bilingual = document.language == "both" and document.kind == Kind.PROPOSALS
    languages = LANGUAGES if document.language == "both" and not bilingual else (document.language,)
    if bilingual:
        languages = ("kk",)
    sections = []
    for language in languages:
        with translation.override(language):
            sections.append(
                render_to_string(
                    f"documents/{document.kind}.html",
                    {"data": document.data, "lang": language, "document": document, "bilingual": bilingual},
                )
            )
    with translation.override(languages[0]):
        return render_to_string(
            "documents/base.html",
            {
                "sections": sections,
                "data": document.data,
                "lang": languages[0],
                "document": document,
                "now": timezone.now(),
            },
        )
