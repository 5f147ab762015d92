"""A consultation's documents: added, replaced and removed by the council's secretary or chair, judged by their
content, stored under a name of our own; and the draft act, which citizens must be able to read before step 3."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from common.errors import ActionRefused
from consultations import attachments, conditions, workflow
from consultations.models import Consultation, Document
from councils.models import Membership
from demo import files
from tests.factories import (
    CouncilFactory,
    consultation_at,
    ministry_staff,
    planned_consultation,
    secretary_of,
    staff_of,
)

pytestmark = pytest.mark.django_db
State = Consultation.State
Kind = Document.Kind

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def upload(content: bytes, name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def a_pdf(text: str = "Draft") -> SimpleUploadedFile:
    return upload(files.pdf([text]), "draft.pdf")


def an_odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def an_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Шығындар есебі"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def add(consultation, *, by=None, kind=Kind.DRAFT_ACT, file=None, **titles):
    return attachments.add_document(
        consultation,
        by=by or secretary_of(consultation.schedule.council),
        kind=kind,
        title_kk=titles.get("title_kk", "Бұйрықтың жобасы"),
        title_ru=titles.get("title_ru", "Проект приказа"),
        file=file or a_pdf(),
    )


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# ---------------------------------------------------------------------------------------------------------
# Adding


def test_a_document_is_stored_under_a_generated_name_with_its_detected_type_size_and_uploader(settings):
    consultation = planned_consultation(occasion="draft_act")
    secretary = secretary_of(consultation.schedule.council)
    content = files.pdf(["Draft"])
    document = add(consultation, by=secretary, file=upload(content, "Мой проект (финал) v2.pdf"))
    assert re.fullmatch(rf"consultations/{consultation.pk}/[0-9a-f]{{32}}\.pdf", document.file.name)
    assert "финал" not in document.file.name
    assert (document.content_type, document.size, document.type_label) == ("application/pdf", len(content), "PDF")
    assert document.uploaded_by == secretary and document.uploaded_at <= timezone.now()
    assert (document.title_kk, document.title_ru, document.kind) == ("Бұйрықтың жобасы", "Проект приказа", "draft_act")
    assert stored_files(settings)[0].read_bytes() == content
    assert attachments.download_name(document) == f"{consultation.slug}-draft-act-{document.pk}.pdf"


@pytest.mark.parametrize(
    ("make", "type_label", "content_type"),
    [
        (lambda: files.docx([("", "Түсіндірме жазба")]), "DOCX", "wordprocessingml.document"),
        (an_odt, "ODT", "opendocument.text"),
        (an_xlsx, "XLSX", "spreadsheetml.sheet"),
    ],
)
def test_word_opendocument_and_excel_files_are_accepted_by_their_content(make, type_label, content_type):
    consultation = planned_consultation(occasion="draft_act")
    document = add(consultation, kind=Kind.OTHER, file=upload(make(), "file-with-a-wrong-name.pdf"))
    assert document.type_label == type_label and content_type in document.content_type
    assert document.file.name.endswith("." + type_label.lower())


def test_a_png_named_pdf_is_refused_naming_the_png_and_nothing_is_stored(settings):
    consultation = planned_consultation(occasion="draft_act")
    with pytest.raises(ActionRefused, match="a PNG image") as refused:
        add(consultation, file=upload(PNG, "draft.pdf"))
    assert "PDF, DOCX, ODT, XLSX" in str(refused.value)
    assert not Document.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize(
    ("content", "named"),
    [(b"", "an empty file"), (b"<!DOCTYPE html><html></html>", "a web page"), (b"PK\x03\x04junk", "unknown type")],
)
def test_files_that_are_not_documents_are_refused_with_what_they_are(content, named):
    consultation = planned_consultation(occasion="draft_act")
    with pytest.raises(ActionRefused, match=named):
        add(consultation, file=upload(content, "draft.docx"))
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused(settings):
    settings.DOCUMENT_MAX_MEGABYTES = 1
    consultation = planned_consultation(occasion="draft_act")
    with pytest.raises(ActionRefused, match="larger than 1 megabyte"):
        add(consultation, file=upload(b"%PDF-1.4\n" + bytes(1024 * 1024)))
    assert not Document.objects.exists() and stored_files(settings) == []


def test_both_titles_a_known_kind_and_a_file_are_required():
    consultation = planned_consultation(occasion="draft_act")
    with pytest.raises(ActionRefused) as refused:
        add(consultation, kind="minutes", title_ru="  ")
    assert refused.value.messages == [
        "Choose the kind of the document: draft legal act, explanatory note, presentation or other.",
        "Give the title of the document in both Kazakh and Russian.",
    ]
    with pytest.raises(ActionRefused, match="Choose the file"):
        attachments.add_document(
            consultation, by=secretary_of(consultation.schedule.council), kind=Kind.OTHER, title_kk="А",
            title_ru="Б", file=None,
        )  # fmt: skip
    assert not Document.objects.exists()


def test_the_chair_and_deputy_chair_may_change_documents_a_member_may_not():
    council = CouncilFactory()
    consultation = planned_consultation(council, occasion="draft_act")
    assert add(consultation, by=staff_of(council, Membership.Role.CHAIR)).pk
    document = add(consultation, by=staff_of(council, Membership.Role.DEPUTY_CHAIR))
    member = staff_of(council, Membership.Role.MEMBER)
    outsider = secretary_of(CouncilFactory())
    for user in (member, outsider):
        with pytest.raises(ActionRefused, match="Only the council's secretary or chair"):
            add(consultation, by=user)
        with pytest.raises(ActionRefused, match="Only the council's secretary or chair"):
            attachments.replace_document(document, by=user, title_kk="Өзгерді")
        with pytest.raises(ActionRefused, match="Only the council's secretary or chair"):
            attachments.remove_document(document, by=user)
    assert Document.objects.count() == 2
    document.refresh_from_db()
    assert document.title_kk == "Бұйрықтың жобасы"


# ---------------------------------------------------------------------------------------------------------
# Replacing and removing


def test_replacing_keeps_the_row_and_swaps_the_file_deleting_the_old_one_after_commit(
    settings, django_capture_on_commit_callbacks
):
    consultation = planned_consultation(occasion="draft_act")
    document = add(consultation)
    old = settings.MEDIA_ROOT / document.file.name
    new_content = files.docx([("title", "Жобаның жаңа нұсқасы")])
    with django_capture_on_commit_callbacks() as callbacks:
        replaced = attachments.replace_document(
            document, by=secretary_of(consultation.schedule.council), file=upload(new_content, "v2.docx")
        )
        assert old.exists()  # until the change is committed
    for callback in callbacks:
        callback()
    assert replaced.pk == document.pk and Document.objects.count() == 1
    assert not old.exists()
    assert (settings.MEDIA_ROOT / replaced.file.name).read_bytes() == new_content
    assert replaced.type_label == "DOCX" and replaced.size == len(new_content)
    assert replaced.title_kk == "Бұйрықтың жобасы"  # titles not given stay


def test_a_refused_replacement_keeps_the_old_file_and_stores_nothing(settings):
    consultation = planned_consultation(occasion="draft_act")
    document = add(consultation)
    before = stored_files(settings)
    with pytest.raises(ActionRefused, match="a PNG image"):
        attachments.replace_document(
            document, by=secretary_of(consultation.schedule.council), title_kk="Жаңа", file=upload(PNG)
        )
    document.refresh_from_db()
    assert document.title_kk == "Бұйрықтың жобасы" and document.type_label == "PDF"
    assert stored_files(settings) == before


def test_removing_deletes_the_row_and_then_its_file(settings, django_capture_on_commit_callbacks):
    consultation = planned_consultation(occasion="draft_act")
    document = add(consultation)
    with django_capture_on_commit_callbacks(execute=True):
        attachments.remove_document(document, by=secretary_of(consultation.schedule.council))
    assert not Document.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize(
    ("state", "reason"),
    [(State.POSITION_PUBLISHED, "position is published"), (State.CANCELLED, "consultation is cancelled")],
)
def test_documents_no_longer_change_once_the_position_is_published_or_the_consultation_cancelled(state, reason):
    consultation = consultation_at(state, occasion="draft_act")
    secretary = secretary_of(consultation.schedule.council)
    # As attached before: in the admin, before these rules.
    document = Document.objects.create(consultation=consultation, title_kk="Жоба", title_ru="Проект", file="x.pdf")
    for change in (
        lambda: add(consultation),
        lambda: attachments.replace_document(document, by=secretary, title_kk="Жаңа"),
        lambda: attachments.remove_document(document, by=secretary),
    ):
        with pytest.raises(ActionRefused, match=reason):
            change()
    assert list(Document.objects.values_list("pk", "title_kk")) == [(document.pk, "Жоба")]


def test_the_only_draft_of_an_announced_draft_act_is_replaced_not_removed():
    consultation = consultation_at(State.QUESTIONS_APPROVED, occasion="draft_act", act_url="")
    secretary = secretary_of(consultation.schedule.council)
    draft = add(consultation)
    workflow.announce(consultation, by=secretary)
    with pytest.raises(ActionRefused, match="only copy on the portal"):
        attachments.remove_document(draft, by=secretary)
    with pytest.raises(ActionRefused, match="only copy on the portal"):
        attachments.replace_document(draft, by=secretary, kind=Kind.OTHER)
    attachments.replace_document(draft, by=secretary, file=a_pdf("Draft, second version"))
    assert Document.objects.filter(pk=draft.pk, kind=Kind.DRAFT_ACT).exists()
    # With the link to the draft on the open legal-acts portal, the file may go.
    Consultation.objects.filter(pk=consultation.pk).update(act_url="https://legalacts.egov.kz/npa/view?id=7")
    attachments.remove_document(draft, by=secretary)
    assert not Document.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# Step 3 of a draft act: citizens can read the draft


DRAFT_MISSING = (
    "Attach the draft legal act, or give the link to it on the open legal-acts portal, before informing citizens."
)


def test_a_draft_act_is_not_announced_without_the_draft_attached_or_linked():
    consultation = consultation_at(State.QUESTIONS_APPROVED, occasion="draft_act", act_url="")
    add(consultation, kind=Kind.EXPLANATORY_NOTE)  # a note is not the draft
    with pytest.raises(ActionRefused) as refused:
        workflow.announce(consultation, by=secretary_of(consultation.schedule.council))
    assert refused.value.messages == [DRAFT_MISSING]
    consultation.refresh_from_db()
    assert consultation.state == State.QUESTIONS_APPROVED and consultation.transitions.count() == 2
    assert workflow.announce_problems(consultation) == [DRAFT_MISSING]


def test_scheduling_the_announcement_of_a_draft_act_without_its_draft_is_refused_too():
    consultation = consultation_at(State.QUESTIONS_APPROVED, occasion="draft_act", act_url="")
    with pytest.raises(ActionRefused, match="Attach the draft legal act"):
        workflow.schedule_announcement(
            consultation,
            by=secretary_of(consultation.schedule.council),
            publish_at=timezone.now() + datetime.timedelta(days=1),
        )


def test_a_draft_act_with_its_draft_uploaded_is_announced():
    consultation = consultation_at(State.QUESTIONS_APPROVED, occasion="draft_act", act_url="")
    add(consultation, kind=Kind.DRAFT_ACT)
    workflow.announce(consultation, by=secretary_of(consultation.schedule.council))
    assert consultation.state == State.ANNOUNCED


def test_a_draft_act_with_the_link_to_its_draft_is_announced():
    consultation = consultation_at(State.QUESTIONS_APPROVED, occasion="draft_act")
    assert consultation.act_url and not consultation.documents.exists()
    workflow.announce(consultation, by=secretary_of(consultation.schedule.council))
    assert consultation.state == State.ANNOUNCED


def test_other_occasions_need_no_draft():
    consultation = consultation_at(State.QUESTIONS_APPROVED, occasion="appeal")
    assert conditions.draft_readable(consultation, None) == []
    workflow.announce(consultation, by=secretary_of(consultation.schedule.council))
    assert consultation.state == State.ANNOUNCED


# ---------------------------------------------------------------------------------------------------------
# Documents attached in the admin before


@pytest.mark.django_db(transaction=True)
def test_the_migration_describes_documents_attached_before_and_moves_them_to_generated_names(settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([target])
        return executor.loader.project_state([target]).apps

    consultation = planned_consultation(occasion="draft_act")
    content = files.pdf(["Draft"])
    try:
        old = migrate(("consultations", "0005_intake_closed_early")).get_model("consultations", "Document")
        sent_name = default_storage.save(f"consultations/{consultation.pk}/Мой проект.pdf", ContentFile(content))
        kept = old.objects.create(consultation_id=consultation.pk, title_kk="Жоба", title_ru="Проект", file=sent_name)
        lost = old.objects.create(consultation_id=consultation.pk, title_kk="Жоқ", title_ru="Нет", file="gone.pdf")
        migrate(("consultations", "0006_document_kinds_and_files"))
        kept, lost = Document.objects.get(pk=kept.pk), Document.objects.get(pk=lost.pk)
        assert re.fullmatch(rf"consultations/{consultation.pk}/[0-9a-f]{{32}}\.pdf", kept.file.name)
        assert (kept.content_type, kept.size, kept.kind) == ("application/pdf", len(content), "other")
        assert kept.uploaded_at == kept.created_at
        assert default_storage.open(kept.file.name).read() == content
        assert not default_storage.exists(sent_name)
        assert (lost.file.name, lost.content_type, lost.size) == ("gone.pdf", "", 0)  # kept as it was
    finally:
        leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
        MigrationExecutor(connection).migrate(leaves)


# ---------------------------------------------------------------------------------------------------------
# The admin


def test_the_admin_shows_documents_ministry_staff_read_only_a_superuser_corrects_only_titles_and_kind(client):
    from django.urls import reverse

    from tests.factories import UserFactory

    consultation = planned_consultation(occasion="draft_act")
    document = add(consultation)
    change = reverse("admin:consultations_document_change", args=[document.pk])
    ministry = ministry_staff()
    client.force_login(ministry)
    assert client.get(reverse("admin:consultations_document_changelist")).status_code == 200
    page = client.get(change)
    assert page.status_code == 200 and 'name="title_ru"' not in page.content.decode()
    assert client.post(change, {"title_kk": "Өзгертілді", "title_ru": "Изменено"}).status_code == 403

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(change).content.decode()
    assert 'name="title_ru"' in page and 'name="kind"' in page
    assert 'type="file"' not in page and 'name="size"' not in page  # the file changes only in the workspace
    consultation_page = client.get(reverse("admin:consultations_consultation_change", args=[consultation.pk]))
    assert consultation_page.status_code == 200
    response = client.post(change, {"kind": "draft_act", "title_kk": "Бұйрық жобасы", "title_ru": "Проект приказа"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title_kk == "Бұйрық жобасы" and document.type_label == "PDF"
