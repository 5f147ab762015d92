"""A proposal's IIN, phone and email are masked wherever the consultation's results publish it — the results page
and the list of proposals in PDF — with the mark in the proposal's language for its text and in the page's or
section's language for the reasons; the secretary's workspace shows them as written, and the answer mailed to
the author quotes the author's own text back as written (issue 18)."""

import io
import os

import pytest
from django.core.management import call_command

from consultations import pdf
from consultations.models import RenderedDocument
from tests.consultations.test_documents import text_of
from tests.factories import CouncilFactory, secretary_of, url
from tests.public_fixtures import IIN, NOT_PERSONAL, PERSONAL, results_with_personal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    return results_with_personal_data(council=CouncilFactory(document_language="both"))


@pytest.mark.parametrize(("language", "reasons_mark"), [("kk", "[телефон жасырылған]"), ("ru", "[телефон скрыт]")])
def test_the_results_page_shows_the_marks_and_never_the_personal_data(client, published, language, reasons_mark):
    consultation, _proposal = published
    page = client.get(url("consultations:results", language, slug=consultation.slug)).content.decode()
    for mark in ("[ИИН скрыт]", "[телефон скрыт]", "[email скрыт]"):  # the text is in Russian
        assert mark in page
    assert reasons_mark in page
    for value in PERSONAL:
        assert value not in page
    for value in NOT_PERSONAL:
        assert value in page


def test_the_published_list_of_proposals_in_pdf_shows_the_marks_and_never_the_personal_data(client, published):
    consultation, _proposal = published
    response = client.get(url("consultations:document", slug=consultation.slug, kind="proposals"))
    assert response.status_code == 200
    document = RenderedDocument.objects.get(consultation=consultation, kind="proposals", is_published=True)
    text = text_of(document.file.path)
    assert "[ИИН скрыт]" in text and "[email скрыт]" in text
    assert "[телефон жасырылған]" in text and "[телефон скрыт]" in text  # both languages' reasons
    for value in PERSONAL:
        assert value not in text
    assert "1 200 000" in text


def test_the_secretary_sees_the_personal_data_as_written_in_the_workspace(client, published):
    consultation, proposal = published
    client.force_login(secretary_of(consultation.schedule.council))
    page = client.get(url("workspace:proposal", slug=consultation.slug, reference=proposal.reference))
    assert page.status_code == 200
    for value in PERSONAL[:3]:  # the text as received; the reasons are on the page of decisions
        assert value in page.content.decode()
    assert "скрыт" not in page.content.decode()


def test_the_preview_of_the_list_the_secretary_makes_is_masked_as_it_will_be_published(published):
    consultation, _proposal = published
    document = pdf.preview(RenderedDocument.Kind.PROPOSALS, consultation=consultation)
    assert pdf.render(document.pk) == "ready"
    document.refresh_from_db()
    assert IIN not in text_of(document.file.path) and "[ИИН скрыт]" in text_of(document.file.path)


def test_the_answer_mailed_to_the_author_quotes_their_own_text_as_written(published):
    _consultation, proposal = published
    assert proposal.answer_mail is not None and proposal.answer_mail.to == proposal.contact
    assert IIN in proposal.answer_mail.body


def test_the_lists_published_before_masking_are_rendered_again_by_the_command(
    client, published, django_capture_on_commit_callbacks
):
    consultation, _proposal = published
    link = url("consultations:document", slug=consultation.slug, kind="proposals")
    assert client.get(link).status_code == 200
    document = RenderedDocument.objects.get(consultation=consultation, kind="proposals", is_published=True)
    old = document.file.path
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mask_published_documents", stdout=out)
    assert out.getvalue().startswith("1 published list(s)")
    document.refresh_from_db()
    assert document.state == RenderedDocument.State.PENDING and not document.file and not os.path.exists(old)
    assert client.get(link).status_code == 200  # a small list is rendered on its first download, as a new one
    document.refresh_from_db()
    assert document.state == RenderedDocument.State.READY and "[ИИН скрыт]" in text_of(document.file.path)
