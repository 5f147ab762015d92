"""A consultation's documents — the draft legal act, its explanatory note, a presentation — added, replaced and
removed by the council's secretary, chair or deputy chair; and the rule that citizens are informed about a
draft act only once they can read it.

A file is judged by its content, not its name (`councils.uploads`): PDF, DOCX, ODT or XLSX, at most
`DOCUMENT_MAX_MEGABYTES`. It is stored under a generated name; the sender's file name is not kept, and a
download is named from the consultation's address and the document's kind.

Documents change until the council's position is published (step 7): from then on they are the record of
what the consultation was held on; a cancelled consultation's are kept as they were. Once citizens have been
informed about a draft act, its only copy on the portal can be replaced with a new version but not taken
away (unless the draft is linked on the open legal-acts portal).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import ActionRefused
from councils import uploads
from councils.permissions import can_act

from .models import Consultation, Document

State = Consultation.State
Kind = Document.Kind

TITLE_LENGTH = Document._meta.get_field("title").max_length
# The steps at which citizens have been informed about the consultation and it is not yet over.
INFORMED = (State.ANNOUNCED, State.HELD, State.PROPOSALS_COMPILED, State.RECOMMENDATION_DRAFTED)


# ---------------------------------------------------------------------------------------------------------
# Services


def add_document(consultation: Consultation, *, by, kind: str, title_kk: str, title_ru: str, file) -> Document:
    """Attach `file` to the consultation as a document of `kind` with its titles in Kazakh and Russian."""
    title_kk, title_ru = title_kk.strip(), title_ru.strip()
    with transaction.atomic():
        locked = _lock_consultation(consultation, by=by)
        _check_may_change(locked)
        _check_description(kind, title_kk, title_ru)
        if file is None:
            raise ActionRefused(_("Choose the file of the document."))
        file_kind = _check_file(file)
        document = Document(consultation=locked, kind=kind, title_kk=title_kk, title_ru=title_ru)
        _store(document, file, file_kind, by=by)
    return document


def replace_document(
    document: Document,
    *,
    by,
    kind: str | None = None,
    title_kk: str | None = None,
    title_ru: str | None = None,
    file=None,
) -> Document:
    """Change the document's kind or titles (those given) and, when `file` is given, put it in place of the
    document's file. The row — its id, so its address — stays; the old file is deleted from storage once
    the change is committed."""
    with transaction.atomic():
        consultation = _lock_consultation(document.consultation, by=by)
        locked = _lock_document(consultation, document)
        _check_may_change(consultation)
        kind = locked.kind if kind is None else kind
        title_kk = locked.title_kk if title_kk is None else title_kk.strip()
        title_ru = locked.title_ru if title_ru is None else title_ru.strip()
        _check_description(kind, title_kk, title_ru)
        if locked.kind == Kind.DRAFT_ACT and kind != Kind.DRAFT_ACT:
            _check_draft_stays(consultation, leaving=locked)
        locked.kind, locked.title_kk, locked.title_ru = kind, title_kk, title_ru
        if file is not None:
            file_kind = _check_file(file)
            old_name = locked.file.name
            _store(locked, file, file_kind, by=by)
            _delete_after_commit(locked.file.storage, old_name)
        else:
            locked.save(update_fields=["kind", "title", "title_kk", "title_ru"])
    document.refresh_from_db()
    return document


def remove_document(document: Document, *, by) -> None:
    """Remove the document from the consultation; its file is deleted from storage once that is committed."""
    with transaction.atomic():
        consultation = _lock_consultation(document.consultation, by=by)
        locked = _lock_document(consultation, document)
        _check_may_change(consultation)
        if locked.kind == Kind.DRAFT_ACT:
            _check_draft_stays(consultation, leaving=locked)
        storage, name = locked.file.storage, locked.file.name
        locked.delete()
        _delete_after_commit(storage, name)


def change_refusal(consultation: Consultation) -> str | None:
    """Why the consultation's documents can no longer change, or None while they can."""
    if consultation.state == State.CANCELLED:
        return str(_("The consultation is cancelled: its documents are kept as they were and can no longer change."))
    if consultation.state == State.POSITION_PUBLISHED:
        return str(
            _(
                "The council's position is published: the documents of the consultation are kept as citizens "
                "read them and can no longer change."
            )
        )
    return None


def download_name(document: Document) -> str:
    """The name a download is saved under: the consultation's address, the document's kind and number, and the
    extension of its type — nothing of the name the file was sent with."""
    file_kind = document.file_kind
    extension = file_kind.code if file_kind else "bin"
    return f"{document.consultation.slug}-{document.kind.replace('_', '-')}-{document.pk}.{extension}"


# ---------------------------------------------------------------------------------------------------------
# Their checks


def _lock_consultation(consultation: Consultation, *, by) -> Consultation:
    # The consultation first, as every service of a consultation locks: a step taken at the same moment
    # (step 3 reads the documents) waits, or is waited for.
    locked = Consultation.objects.select_for_update().select_related("schedule__council").get(pk=consultation.pk)
    if not can_act(by, locked.schedule.council):
        raise ActionRefused(_("Only the council's secretary or chair may do this."))
    return locked


def _lock_document(consultation: Consultation, document: Document) -> Document:
    locked = Document.objects.select_for_update().filter(pk=document.pk, consultation=consultation).first()
    if locked is None:
        raise ActionRefused(_("This document has been removed in the meantime."))
    return locked


def _check_may_change(consultation: Consultation) -> None:
    refusal = change_refusal(consultation)
    if refusal:
        raise ActionRefused(refusal)


def _check_description(kind: str, title_kk: str, title_ru: str) -> None:
    problems = []
    if kind not in Kind.values:
        problems.append(_("Choose the kind of the document: draft legal act, explanatory note, presentation or other."))
    if not (title_kk and title_ru):
        problems.append(_("Give the title of the document in both Kazakh and Russian."))
    if len(title_kk) > TITLE_LENGTH or len(title_ru) > TITLE_LENGTH:
        problems.append(_("A title of a document may be at most %(count)s characters long.") % {"count": TITLE_LENGTH})
    if problems:
        raise ActionRefused(problems)


def _check_file(file) -> uploads.FileKind:
    return uploads.check_upload(file, allowed=uploads.DOCUMENT_KINDS, max_megabytes=settings.DOCUMENT_MAX_MEGABYTES)


def _check_draft_stays(consultation: Consultation, *, leaving: Document) -> None:
    """Citizens informed about a draft act keep being able to read it: its only copy is not taken away."""
    if consultation.state not in INFORMED or not consultation.is_draft_act or consultation.act_url:
        return
    if consultation.documents.filter(kind=Kind.DRAFT_ACT).exclude(pk=leaving.pk).exists():
        return
    raise ActionRefused(
        _(
            "Citizens have been informed about the draft legal act, and this is its only copy on the portal: "
            "put its new version in its place (“Replace or correct”), or first give the link to the draft on the "
            "open legal-acts portal."
        )
    )


def _store(document: Document, file, file_kind: uploads.FileKind, *, by) -> None:
    """Write the file under a generated name, then the row that points at it."""
    document.file.save(uploads.stored_name(file_kind), file, save=False)
    document.content_type = file_kind.content_type
    document.size = file.size
    document.uploaded_by = by
    document.uploaded_at = timezone.now()
    try:
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)  # no row points at it
        raise


def _delete_after_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))
