"""The PDF documents: the quarterly schedule, the list of proposals with decisions, the council's draft
recommendation, and its position with the results.

A document's data is frozen when the document is made — at publication for the public ones — as a
snapshot in both languages (`RenderedDocument.data`); rendering (WeasyPrint, imported only here) happens once,
in a task or on the first download of a small one, and the file is served unchanged afterwards.

The list of proposals may have 50,000 rows. Its rows are written into the snapshot by PostgreSQL itself
(`_freeze_rows`), rendered in parts of `PDF_PART_ROWS` rows sliced back out of the snapshot by the database,
and the parts joined by poppler's `pdfunite`: neither the request that publishes nor the worker that renders
ever holds the whole list (see "Rendering" below). The document stays what was published: it is rendered
from its snapshot alone, never from the proposals as they are when the worker gets to it.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import os
import resource
import subprocess
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from common import page_cache

from .models import Consultation, QuarterlySchedule, Question, RenderedDocument
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


def snapshot_proposals(consultation: Consultation, *, rows: bool = True) -> dict:
    """The list of proposals; without its rows (`rows=False`) when the database writes them in itself
    (`_freeze_rows`)."""
    return _consultation(consultation) | {
        "items": proposal_rows(consultation) if rows else [],
        "set_aside": consultation.proposals.filter(moderation=Moderation.SET_ASIDE).count(),
    }


def proposal_rows(consultation: Consultation) -> list[dict]:
    """The list's rows, built in Python (what `_freeze_rows` writes in PostgreSQL, row for row)."""
    proposals = (
        consultation.proposals.filter(moderation=Moderation.LISTED)
        .select_related("question")
        .order_by("submitted_at", "id")
    )
    return [
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
    ]


def _choice_labels(model, field: str) -> str:
    """A coded field's display names in both languages, by code, as JSON for the database."""
    choices = model._meta.get_field(field).choices
    labels = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            for value, shown in choices:
                labels.setdefault(value, {})[lang] = str(shown)
    return json.dumps(labels)


def _freeze_rows(document: RenderedDocument, consultation: Consultation) -> None:
    """Write the list of proposals' rows into the document's snapshot, in PostgreSQL itself: a list of 50,000
    is tens of megabytes of JSON, and several times that as Python objects in the request that publishes it.
    Row for row what `proposal_rows` builds (a test holds them equal)."""
    proposal = consultation.proposals.model  # the proposals' app is above this one: reached by the relation
    both_sql = (  # as `both`: each language's text, else the other's
        "jsonb_build_object('kk', COALESCE(NULLIF({0}_kk, ''), {0}_ru, ''), "
        "'ru', COALESCE(NULLIF({0}_ru, ''), {0}_kk, ''))"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {RenderedDocument._meta.db_table} SET data = jsonb_set(data, '{{items}}', (
                SELECT COALESCE(jsonb_agg(jsonb_build_object(
                    'reference', p.reference,
                    'received', to_char(p.submitted_at AT TIME ZONE %(tz)s, 'YYYY-MM-DD'),
                    'author', CASE WHEN p.hide_name THEN ''
                        ELSE COALESCE(NULLIF(p.organisation, ''), p.author_name) END,
                    'channel', COALESCE(%(channels)s::jsonb -> p.channel, %(blank)s::jsonb),
                    'question', CASE WHEN q.id IS NULL THEN NULL ELSE {both_sql.format("q.text")} END,
                    'text', p.text,
                    'language', p.language,
                    'decision', p.decision,
                    'decision_label', COALESCE(%(decisions)s::jsonb -> p.decision, %(blank)s::jsonb),
                    'reasons', {both_sql.format("p.decision_reasons")}
                ) ORDER BY p.submitted_at, p.id), '[]'::jsonb)
                FROM {proposal._meta.db_table} p LEFT JOIN {Question._meta.db_table} q ON q.id = p.question_id
                WHERE p.consultation_id = %(consultation)s AND p.moderation = %(listed)s
            ))
            WHERE id = %(document)s
            """,
            {
                "tz": settings.TIME_ZONE,
                "channels": _choice_labels(proposal, "channel"),
                "decisions": _choice_labels(proposal, "decision"),
                "blank": json.dumps(dict.fromkeys(LANGUAGES, "")),
                "consultation": consultation.pk,
                "listed": Moderation.LISTED,
                "document": document.pk,
            },
        )


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


def _rows_by_database(kind: str) -> bool:
    return kind == Kind.PROPOSALS and connection.vendor == "postgresql"


def _snapshot(kind: str, consultation: Consultation) -> dict:
    if _rows_by_database(kind):
        return snapshot_proposals(consultation, rows=False)
    return SNAPSHOTS[kind](consultation)


def _rows_in_database(document: RenderedDocument, consultation: Consultation) -> None:
    if _rows_by_database(document.kind):
        _freeze_rows(document, consultation)
        del document.data  # now stale: deferred, so that it is read back only if someone asks for it


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
        document, created = RenderedDocument.objects.get_or_create(
            kind=kind,
            consultation=consultation,
            is_published=True,
            language=consultation.schedule.council.document_language,
            defaults={"data": _snapshot(kind, consultation)},
        )
        if created:
            _rows_in_database(document, consultation)
        _render_after_commit(document)
        documents.append(document)
    return documents


def preview(
    kind: str, *, consultation: Consultation | None = None, schedule: QuarterlySchedule | None = None
) -> RenderedDocument:
    """A document of the data as it stands now, for the secretary (replacing an older preview)."""
    subject = {"consultation": consultation} if consultation else {"schedule": schedule}
    council = consultation.schedule.council if consultation else schedule.council
    data = snapshot_schedule(schedule) if kind == Kind.SCHEDULE else _snapshot(kind, consultation)
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
        if consultation:
            _rows_in_database(document, consultation)
    _render_after_commit(document)
    return document


def render_published_again(kind: str = Kind.PROPOSALS) -> int:
    """Render the published documents of `kind` again from their snapshots, for a change of what they show to
    reach the files made before it (the lists of proposals when personal data came to be masked, issue 18). Each
    waits for a worker, the sweep or its first download, as a new one does; its old file is deleted."""
    documents = RenderedDocument.objects.filter(
        kind=kind, is_published=True, state__in=(RenderedDocument.State.READY, RenderedDocument.State.FAILED)
    ).defer("data")
    count = 0
    for document in documents.iterator():
        with transaction.atomic():
            if document.file:
                transaction.on_commit(functools.partial(document.file.storage.delete, document.file.name))
            RenderedDocument.objects.filter(pk=document.pk).update(
                state=RenderedDocument.State.PENDING, file="", progress=0, progress_at=None, pages=None,
                rendered_at=None, error="",
            )  # fmt: skip
            _render_after_commit(document)
        count += 1
    if count:  # of many councils: every council's
        page_cache.bump()  # an UPDATE sends no signal: the results page lists the ready documents
    return count


def is_small(document: RenderedDocument) -> bool:
    return row_count(document) <= SYNC_LIMIT


def download_name(document: RenderedDocument) -> str:
    slug, council = (
        RenderedDocument.objects.filter(pk=document.pk).values_list("data__slug", "data__council__slug").get()
    )
    return f"{slug or council}-{document.kind}.pdf"


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
#
# The list of proposals may have 50,000 rows: WeasyPrint lays a document out whole, and its memory grows with
# it (5,000 rows took 1.4 GB and four minutes). So that list is rendered in parts of PDF_PART_ROWS rows, each
# its own WeasyPrint document with the same template — the heading only in the first, the rows' numbers and
# the pages' numbers continuing — written to a temporary file and joined by poppler's `pdfunite`. pdfunite runs
# in its own process, copies the parts' objects without laying anything out again, and frees all it used when
# it ends, so the worker holds one part at a time. The worker's memory is checked after each part against
# PDF_MAX_RSS_MB.
#
# The rows come from the document's frozen snapshot, never from the proposals' table: on PostgreSQL, a part's
# rows are sliced out of the stored JSON by the database (`jsonb_path_query_array`), so the worker never holds
# the whole list (tens of megabytes of JSON, several times that as Python objects); elsewhere (the demo's
# SQLite, whose documents are small) the snapshot is read whole.


class MemoryCeilingExceeded(Exception):
    pass


@dataclass(frozen=True)
class Part:
    """One part of a document rendered in parts: which one, the rows before it, the number its first page
    shows, and the rows of the whole document."""

    index: int = 0
    count: int = 1
    rows_before: int = 0
    first_page: int = 1
    rows_total: int = 0

    @property
    def is_first(self) -> bool:
        return self.index == 0

    @property
    def is_only(self) -> bool:
        """The whole document is this part: its pages can say how many there are ("3 / 12")."""
        return self.count == 1


def render(document_id: int, *, on_part=None) -> str:
    """Render a pending document once and store its file. Safe to call twice. `on_part(part, pages)` is called
    after each part (the benchmark prints them)."""
    with transaction.atomic():
        document = (
            RenderedDocument.objects.select_for_update(skip_locked=True).defer("data").filter(pk=document_id).first()
        )
        if document is None or document.state in (RenderedDocument.State.READY, RenderedDocument.State.RENDERING):
            return "skipped"
        document.state = RenderedDocument.State.RENDERING
        document.progress = 5
        document.progress_at = timezone.now()
        document.save(update_fields=["state", "progress", "progress_at"])
    try:
        with tempfile.TemporaryDirectory(prefix="qogam-pdf-") as directory:
            path, pages = render_to_file(document, Path(directory), on_part=on_part)
            with path.open("rb") as file:
                document.file.save(f"{document.kind}-{document.pk}.pdf", File(file), save=False)
    except Exception as error:
        logger.exception("Rendering document %s failed", document_id)
        # Only a render still under way fails: one the sweep took over (tasks.render_pending_documents) may
        # have finished meanwhile.
        RenderedDocument.objects.filter(pk=document.pk, state=RenderedDocument.State.RENDERING).update(
            state=RenderedDocument.State.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        return "failed"
    stored = RenderedDocument.objects.filter(pk=document.pk, state=RenderedDocument.State.RENDERING).update(
        file=document.file.name,
        state=RenderedDocument.State.READY,
        progress=100,
        pages=pages,
        rendered_at=timezone.now(),
        error="",
    )
    if not stored:  # another render of the same document finished first: its file is the document's
        document.file.delete(save=False)
        return "skipped"
    page_cache.bump(document)  # an UPDATE sends no signal: the results page lists the ready documents
    return "ready"


def render_to_file(document: RenderedDocument, directory: Path, *, on_part=None) -> tuple[Path, int]:
    """Render the document into `directory` and return the PDF's path and its number of pages, updating the
    document's progress after each part."""
    from weasyprint import HTML, URLFetcher  # heavy, and only needed here
    from weasyprint.text.fonts import FontConfiguration

    head, rows_total = _head(document)
    size = max(1, settings.PDF_PART_ROWS) if document.kind == Kind.PROPOSALS else max(1, rows_total)
    count = max(1, -(-rows_total // size))
    now = timezone.now()
    fonts = FontConfiguration()  # the system's fonts, looked up once for all the parts
    paths, pages = [], 0
    for index in range(count):
        part = Part(index, count, rows_before=index * size, first_page=pages + 1, rows_total=rows_total)
        data = head if document.kind != Kind.PROPOSALS else head | {"items": _rows(document, index * size, size)}
        html = document_html(document, data=data, part=part, now=now)
        del data
        # Documents are self-contained (fonts come from the system): no file or URL is ever fetched.
        layout = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).render(font_config=fonts)
        del html
        paths.append(directory / f"part-{index:05d}.pdf")
        layout.write_pdf(paths[-1])
        pages += len(layout.pages)
        del layout
        _check_memory(part)
        _progress(document, 5 + 90 * (index + 1) // count)
        if on_part:
            on_part(part, pages)
    if count == 1:
        return paths[0], pages
    joined = directory / "document.pdf"
    subprocess.run(["pdfunite", *map(str, paths), str(joined)], check=True, capture_output=True)
    return joined, pages


def _head(document: RenderedDocument) -> tuple[dict, int]:
    """The document's snapshot, without the list of proposals' rows, and its number of rows."""
    if document.kind == Kind.PROPOSALS and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT data - 'items', jsonb_array_length(COALESCE(data -> 'items', '[]'::jsonb)) "
                f"FROM {RenderedDocument._meta.db_table} "
                "WHERE id = %s",
                [document.pk],
            )
            head, rows = cursor.fetchone()
        return _json(head), rows
    data = RenderedDocument.objects.values_list("data", flat=True).get(pk=document.pk)
    return data, len(data.get("items", data.get("points", [])))


def _rows(document: RenderedDocument, start: int, size: int) -> list[dict]:
    """`size` rows of the list of proposals from the `start`th (from 0), as frozen in its snapshot."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT jsonb_path_query_array(data -> 'items', %s::jsonpath) FROM {RenderedDocument._meta.db_table} "
                "WHERE id = %s",
                [f"$[{int(start)} to {int(start + size - 1)}]", document.pk],
            )
            return _json(cursor.fetchone()[0])
    return RenderedDocument.objects.values_list("data", flat=True).get(pk=document.pk)["items"][start : start + size]


def _json(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


def resident_mb() -> int:
    """The process's resident memory now, in megabytes (Linux's /proc; elsewhere its peak so far)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _check_memory(part: Part) -> None:
    gc.collect()  # WeasyPrint's boxes hold reference cycles
    used = resident_mb()
    if used > settings.PDF_MAX_RSS_MB:
        raise MemoryCeilingExceeded(
            f"{used} MB after part {part.index + 1} of {part.count} (ceiling PDF_MAX_RSS_MB={settings.PDF_MAX_RSS_MB})"
        )


def _progress(document: RenderedDocument, percent: int) -> None:
    RenderedDocument.objects.filter(pk=document.pk).update(progress=percent, progress_at=timezone.now())


def row_count(document: RenderedDocument) -> int:
    """The rows of a document (proposals, the schedule's consultations, the recommendation's points), counted
    by the database where it can: a page asking whether a document is small need not load its snapshot."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT jsonb_array_length(COALESCE(data -> 'items', data -> 'points', '[]'::jsonb)) "
                f"FROM {RenderedDocument._meta.db_table} WHERE id = %s",
                [document.pk],
            )
            return cursor.fetchone()[0]
    data = RenderedDocument.objects.values_list("data", flat=True).get(pk=document.pk)
    return len(data.get("items", data.get("points", [])))


def document_html(document: RenderedDocument, *, data: dict | None = None, part: Part | None = None, now=None) -> str:
    """One section per language; the list of proposals in both languages is one bilingual table instead,
    since the citizens' texts are the same in both. `data` is the snapshot (the document's own by default),
    with only the part's rows when the list is rendered in parts."""
    data = document.data if data is None else data
    part = part or Part(rows_total=len(data.get("items", [])))
    bilingual = document.language == "both" and document.kind == Kind.PROPOSALS
    languages = LANGUAGES if document.language == "both" and not bilingual else (document.language,)
    if bilingual:
        languages = ("kk",)
    context = {"data": data, "document": document, "bilingual": bilingual, "part": part}
    sections = []
    for language in languages:
        with translation.override(language):
            sections.append(render_to_string(f"documents/{document.kind}.html", context | {"lang": language}))
    with translation.override(languages[0]):
        return render_to_string(
            "documents/base.html",
            context | {"sections": sections, "lang": languages[0], "now": now or timezone.now()},
        )
