"""The documents of a consultation in the workspace (upload, replace, remove) and on the public page (listed with
kind, type and size; downloaded as attachments)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from common.middleware import RequestSizeLimitMiddleware
from consultations import attachments
from consultations.models import Consultation, Document
from councils.models import Membership
from demo import files
from tests.factories import CouncilFactory, consultation_at, planned_consultation, secretary_of, staff_of, url
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
# A PDF of 150 KB: the type is judged by the first bytes, the size shown in kilobytes.
PDF = b"%PDF-1.4\n" + bytes(150 * 1024 - 9)


@pytest.fixture
def council():
    return CouncilFactory()


@pytest.fixture
def consultation(council):
    return published_at(State.QUESTIONS_APPROVED, occasion="draft_act", council=council, act_url="")


def form(kind="draft_act", title_kk="Бұйрықтың жобасы", title_ru="Проект приказа", file=None, **extra):
    data = {"document-kind": kind, "document-title_kk": title_kk, "document-title_ru": title_ru, **extra}
    if file is not None:
        data["document-file"] = file
    return data


def pdf_upload(content=PDF, name="Жоба (соңғы).pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def attach(consultation, **kwargs) -> Document:
    return attachments.add_document(
        consultation,
        by=secretary_of(consultation.schedule.council),
        kind=kwargs.get("kind", "draft_act"),
        title_kk=kwargs.get("title_kk", "Бұйрықтың жобасы"),
        title_ru=kwargs.get("title_ru", "Проект приказа"),
        file=kwargs.get("file") or pdf_upload(),
    )


# ---------------------------------------------------------------------------------------------------------
# The secretary's journey, seen by citizens


def test_the_secretary_uploads_the_draft_and_citizens_see_it_with_its_type_and_size_and_download_it(
    client, consultation
):
    client.force_login(secretary_of(consultation.schedule.council))
    page = client.get(url("workspace:consultation", "kk", slug=consultation.slug)).content.decode()
    assert "Консультация құжаттары" in page and 'enctype="multipart/form-data"' in page
    assert "«Ашық НҚА» порталындағы сілтемесін" in page  # step 3 will ask for the draft: said before

    response = client.post(
        url("workspace:attachment_new", "kk", slug=consultation.slug), form(file=pdf_upload()), follow=True
    )
    assert response.status_code == 200
    assert "«Бұйрықтың жобасы» құжаты қосылды." in response.content.decode()
    document = Document.objects.get(consultation=consultation)
    assert document.size == len(PDF) and document.content_type == "application/pdf"
    assert "соңғы" not in document.file.name

    page = client.get(url("consultations:detail", "ru", slug=consultation.slug)).content.decode()
    link = url("consultations:attachment", "ru", slug=consultation.slug, pk=document.pk)
    assert "Проект нормативного правового акта" in page and "Проект приказа" in page
    assert f'href="{link}"' in page and "PDF, 150,0\xa0КБ" in page  # a no-break space before the unit
    page = client.get(url("consultations:detail", "kk", slug=consultation.slug)).content.decode()
    assert "Нормативтік құқықтық акт жобасы" in page and "PDF, 150,0\xa0КБ" in page

    client.logout()
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == f'attachment; filename="{consultation.slug}-draft-act-{document.pk}.pdf"'
    assert b"".join(download.streaming_content) == PDF


def test_the_secretary_replaces_the_file_and_its_address_stays(
    client, consultation, settings, django_capture_on_commit_callbacks
):
    document = attach(consultation)
    old_file = settings.MEDIA_ROOT / document.file.name
    client.force_login(secretary_of(consultation.schedule.council))
    edit = url("workspace:attachment_edit", "ru", slug=consultation.slug, pk=document.pk)
    assert "Оставьте пустым, чтобы сохранить текущий файл." in client.get(edit).content.decode()
    new_version = files.docx([("title", "Жобаның екінші нұсқасы")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit, form(title_ru="Проект приказа (вторая редакция)", file=SimpleUploadedFile("v2.docx", new_version))
        )
    assert response.status_code == 302
    assert response.url.endswith(url("workspace:consultation", "ru", slug=consultation.slug) + "#attachments-heading")
    document.refresh_from_db()
    assert document.title_ru == "Проект приказа (вторая редакция)" and document.type_label == "DOCX"
    assert Document.objects.count() == 1 and not old_file.exists()  # deleted once committed
    download = client.get(url("consultations:attachment", "ru", slug=consultation.slug, pk=document.pk))
    assert download["Content-Type"].endswith("wordprocessingml.document")
    assert download["Content-Disposition"].endswith(f'-draft-act-{document.pk}.docx"')
    assert b"".join(download.streaming_content) == new_version


def test_the_secretary_corrects_a_title_without_sending_the_file_again(client, consultation):
    document = attach(consultation)
    client.force_login(secretary_of(consultation.schedule.council))
    response = client.post(
        url("workspace:attachment_edit", "kk", slug=consultation.slug, pk=document.pk),
        form(kind="explanatory_note", title_kk="Түсіндірме жазба"),
        follow=True,
    )
    assert "«Түсіндірме жазба» құжаты сақталды." in response.content.decode()
    document.refresh_from_db()
    assert (document.kind, document.title_kk, document.size) == ("explanatory_note", "Түсіндірме жазба", len(PDF))


def test_the_secretary_removes_a_document_after_confirming(
    client, consultation, settings, django_capture_on_commit_callbacks
):
    document = attach(consultation)
    stored = settings.MEDIA_ROOT / document.file.name
    client.force_login(secretary_of(consultation.schedule.council))
    remove = url("workspace:attachment_remove", "kk", slug=consultation.slug, pk=document.pk)
    confirmation = client.get(remove)
    assert confirmation.status_code == 200 and Document.objects.exists()  # asking changes nothing
    assert 'method="post"' in confirmation.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove, follow=True)
    assert "«Бұйрықтың жобасы» құжаты жойылды." in response.content.decode()
    assert not Document.objects.exists() and not stored.exists()
    public_page = client.get(url("consultations:detail", "kk", slug=consultation.slug)).content.decode()
    link = url("consultations:attachment", "kk", slug=consultation.slug, pk=document.pk)
    assert link not in public_page and "Нормативтік құқықтық акт жобасы:" not in public_page
    assert client.get(link).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Bad input: the form again, in the page's language, nothing changed


def test_a_png_named_pdf_is_refused_on_the_form_naming_the_png(client, consultation, settings):
    client.force_login(secretary_of(consultation.schedule.council))
    response = client.post(
        url("workspace:attachment_new", "ru", slug=consultation.slug),
        form(title_ru="Проект приказа", file=SimpleUploadedFile("draft.pdf", PNG, content_type="application/pdf")),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "это изображение PNG" in page and "PDF, DOCX, ODT, XLSX" in page
    assert 'value="Проект приказа"' in page  # what was typed stays
    assert not Document.objects.exists()
    assert not (settings.MEDIA_ROOT.exists() and any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*")))


def test_missing_titles_and_file_are_asked_for_on_the_form(client, consultation):
    client.force_login(secretary_of(consultation.schedule.council))
    response = client.post(url("workspace:attachment_new", "kk", slug=consultation.slug), form(title_ru=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Құжаттың атауы — орыс тілінде" in page and "Файл" in page
    assert not Document.objects.exists()


def test_a_file_just_over_the_limit_is_refused_on_the_form(client, consultation, settings):
    settings.DOCUMENT_MAX_MEGABYTES = 1
    client.force_login(secretary_of(consultation.schedule.council))
    response = client.post(
        url("workspace:attachment_new", "kk", slug=consultation.slug),
        form(file=pdf_upload(b"%PDF-1.4\n" + bytes(1024 * 1024 + 10))),
    )
    assert response.status_code == 400
    assert "Файл 1 мегабайттан үлкен" in response.content.decode()
    assert not Document.objects.exists()


def test_an_oversized_upload_is_refused_with_a_page_in_the_users_language(client, consultation, settings):
    settings.DOCUMENT_MAX_MEGABYTES = 1
    client.force_login(secretary_of(consultation.schedule.council))
    page = url("workspace:consultation", "ru", slug=consultation.slug)
    response = client.post(
        url("workspace:attachment_new", "ru", slug=consultation.slug),
        form(file=pdf_upload(b"%PDF-1.4\n" + bytes(2 * 1024 * 1024 + 512 * 1024))),
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response.status_code == 413
    text = response.content.decode()
    assert "Файл слишком большой" in text and "не более 1 мегабайта" in text
    assert f'href="http://testserver{page}"' in text
    assert not Document.objects.exists()


def test_an_oversized_request_is_refused_before_its_body_is_read(consultation):
    """Its Content-Length alone decides: the body (here shorter than announced) is never read."""

    class Unread:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    request = RequestFactory().post(
        url("workspace:attachment_new", "kk", slug=consultation.slug),
        data=b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(21 * 1024 * 1024 + 1),
    )
    request._stream = Unread()

    def view(request):
        request.POST  # noqa: B018 — what the CSRF check would do
        raise AssertionError("the request reached the view")

    response = RequestSizeLimitMiddleware(view)(request)
    assert response.status_code == 413


# ---------------------------------------------------------------------------------------------------------
# Who may do what


def test_a_member_reads_the_documents_but_cannot_add_replace_or_remove(client, consultation):
    document = attach(consultation)
    member = staff_of(consultation.schedule.council, Membership.Role.MEMBER)
    client.force_login(member)
    page = client.get(url("workspace:consultation", "kk", slug=consultation.slug)).content.decode()
    assert "Бұйрықтың жобасы" in page
    assert url("workspace:attachment_new", "kk", slug=consultation.slug) not in page
    assert url("workspace:attachment_remove", "kk", slug=consultation.slug, pk=document.pk) not in page
    assert client.get(url("workspace:attachment_file", "kk", slug=consultation.slug, pk=document.pk)).status_code == 200
    slug, pk = consultation.slug, document.pk
    for name, kwargs in (
        ("attachment_new", {"slug": slug}),
        ("attachment_edit", {"slug": slug, "pk": pk}),
        ("attachment_remove", {"slug": slug, "pk": pk}),
    ):
        assert client.get(url(f"workspace:{name}", "kk", **kwargs)).status_code == 403
        assert client.post(url(f"workspace:{name}", "kk", **kwargs), form(file=pdf_upload())).status_code == 403
    assert list(Document.objects.values_list("pk", "title_kk")) == [(pk, "Бұйрықтың жобасы")]


def test_another_councils_secretary_gets_404_and_changes_nothing(client, consultation):
    document = attach(consultation)
    other = planned_consultation(CouncilFactory(), occasion="draft_act")
    client.force_login(secretary_of(other.schedule.council))
    for name, kwargs in (
        ("attachment_new", {"slug": consultation.slug}),
        ("attachment_edit", {"slug": consultation.slug, "pk": document.pk}),
        ("attachment_remove", {"slug": consultation.slug, "pk": document.pk}),
        ("attachment_file", {"slug": consultation.slug, "pk": document.pk}),
        # Their own consultation's address with this document's id:
        ("attachment_edit", {"slug": other.slug, "pk": document.pk}),
        ("attachment_remove", {"slug": other.slug, "pk": document.pk}),
        ("attachment_file", {"slug": other.slug, "pk": document.pk}),
    ):
        assert client.get(url(f"workspace:{name}", "kk", **kwargs)).status_code == 404, name
        assert client.post(url(f"workspace:{name}", "kk", **kwargs), form(file=pdf_upload())).status_code == 404
    assert list(Document.objects.values_list("pk", "consultation")) == [(document.pk, consultation.pk)]


def test_anonymous_visitors_are_sent_to_sign_in(client, consultation):
    document = attach(consultation)
    for name, kwargs in (
        ("attachment_new", {"slug": consultation.slug}),
        ("attachment_edit", {"slug": consultation.slug, "pk": document.pk}),
        ("attachment_remove", {"slug": consultation.slug, "pk": document.pk}),
        ("attachment_file", {"slug": consultation.slug, "pk": document.pk}),
    ):
        response = client.post(url(f"workspace:{name}", "kk", **kwargs))
        assert response.status_code == 302 and url("workspace:login") in response.url
    assert Document.objects.count() == 1


def test_a_document_of_an_unpublished_consultation_is_not_downloadable_by_the_public(client):
    consultation = consultation_at(State.DECIDED, occasion="draft_act")  # its schedule is not published
    document = attach(consultation)
    public = url("consultations:attachment", "kk", slug=consultation.slug, pk=document.pk)
    assert client.get(public).status_code == 404
    client.force_login(secretary_of(consultation.schedule.council))
    assert client.get(public).status_code == 404  # not on the public address either
    workspace_file = client.get(url("workspace:attachment_file", "kk", slug=consultation.slug, pk=document.pk))
    assert workspace_file.status_code == 200 and workspace_file["Content-Disposition"].startswith("attachment")


def test_another_consultations_document_is_not_downloadable_under_this_ones_address(client, consultation):
    other = published_at(State.QUESTIONS_APPROVED, occasion="draft_act")
    document = attach(other)
    assert client.get(url("consultations:attachment", "kk", slug=consultation.slug, pk=document.pk)).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Step 3 of a draft act, from the workspace


def test_informing_citizens_about_a_draft_act_without_its_draft_is_refused_on_the_page(client, consultation):
    client.force_login(secretary_of(consultation.schedule.council))
    response = client.post(url("workspace:step", "ru", slug=consultation.slug, name="announce"), {"occurred_on": ""})
    assert response.status_code == 400
    assert "Приложите проект нормативного правового акта" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.state == State.QUESTIONS_APPROVED


def test_when_the_position_is_published_the_workspace_says_documents_no_longer_change(client):
    consultation = published_at(State.POSITION_PUBLISHED, occasion="draft_act")
    Document.objects.create(consultation=consultation, title_kk="Жоба", title_ru="Проект", file="x.pdf")
    client.force_login(secretary_of(consultation.schedule.council))
    page = client.get(url("workspace:consultation", "kk", slug=consultation.slug)).content.decode()
    assert url("workspace:attachment_new", "kk", slug=consultation.slug) not in page
    assert "Кеңестің ұстанымы жарияланды" in page
