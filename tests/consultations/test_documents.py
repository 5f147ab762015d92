"""The PDF documents, parsed back as a reader would read them (pdftotext, pdfinfo from poppler-utils)."""

import re
import shutil
import subprocess

import pytest

from consultations import pdf
from consultations.models import Consultation, RenderedDocument
from proposals.models import Proposal
from tests.factories import CouncilFactory, url
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
Kind = RenderedDocument.Kind


def text_of(path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils is needed (make test installs it)"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())  # table cells wrap their lines


def pages_of(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def council():
    return CouncilFactory(
        name_kk="Ұлытау облысының қоғамдық кеңесі",
        name_ru="Общественный совет области Ұлытау",
        document_language="both",
    )


def many_proposals(consultation, count):
    Proposal.objects.bulk_create(
        Proposal(
            consultation=consultation, reference=f"QG-2026-7{n:05d}", language="kk" if n % 2 else "ru", channel="mail",
            text=("Ауладағы балалар алаңын жөндеу керек, әткеншектер сынған. " if n % 2 else
                  "Прошу отремонтировать детскую площадку во дворе, качели сломаны. ") * 2,
            author_name="Әлия Серікова", moderation="listed", decision="partly_taken",
            decision_reasons_kk="Ішінара ескерілді: қаржы келесі жылы бөлінеді, үй иелерімен келісіледі.",
            decision_reasons_ru="Учтено частично: средства в следующем году.",
        )
        for n in range(count)
    )  # fmt: skip


def test_the_published_results_freeze_their_documents(council):
    consultation = published_at(Consultation.State.POSITION_PUBLISHED, occasion="draft_act", council=council)
    documents = RenderedDocument.objects.filter(consultation=consultation, is_published=True)
    assert sorted(documents.values_list("kind", flat=True)) == ["position", "proposals", "recommendation"]
    frozen = documents.get(kind=Kind.PROPOSALS)
    Proposal.objects.filter(consultation=consultation).update(decision_reasons_kk="Кейін өзгертілді")
    frozen.refresh_from_db()
    assert "Кейін өзгертілді" not in str(frozen.data)  # the document shows what was published


def test_the_list_of_proposals_has_kazakh_letters_the_decisions_and_sensible_pages_for_500(council):
    consultation = published_at(Consultation.State.PROPOSALS_COMPILED, council=council, listed_proposals=0)
    many_proposals(consultation, 500)
    document = pdf.preview(Kind.PROPOSALS, consultation=consultation)
    assert pdf.render(document.pk) == "ready"
    document.refresh_from_db()
    text = text_of(document.file.path)
    assert "Ұлытау облысының қоғамдық кеңесі" in text
    for letter in "ӘҒҚҢӨҰҮІ":
        assert letter in text.upper()
    assert "QG-2026-700000" in text and "QG-2026-700499" in text
    assert "Ішінара ескерілді" in text and "Учтено частично" in text
    assert "ескерілді" in text.lower()
    pages = pages_of(document.file.path)
    assert document.pages == pages
    assert 20 <= pages <= 120  # both languages: a row or two of a table per proposal, headers repeated


def test_the_schedule_document_is_frozen_at_publication_and_served_to_the_public(client, council):
    consultation = published_at(
        Consultation.State.PLANNED, council=council, title_kk="Қалалық көлік", title_ru="Городской транспорт"
    )
    schedule = consultation.schedule
    response = client.get(url("schedule-pdf", council_slug=council.slug, year=schedule.year, quarter=schedule.quarter))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = RenderedDocument.objects.get(schedule=schedule, is_published=True).file.path
    text = text_of(path)
    assert "Қалалық көлік" in text and "Городской транспорт" in text


def test_the_public_results_page_links_its_documents_and_serves_them(client, council):
    consultation = published_at(Consultation.State.POSITION_PUBLISHED, council=council)
    page = client.get(url("consultations:results", slug=consultation.slug)).content.decode()
    link = url("consultations:document", slug=consultation.slug, kind="position")
    assert link in page
    response = client.get(link)
    assert response.status_code == 200
    document = RenderedDocument.objects.get(consultation=consultation, kind="position", is_published=True)
    assert "Кеңес ұсыныстарды қарады" in text_of(document.file.path)
    assert client.get(url("consultations:document", slug=consultation.slug, kind="recommendation")).status_code == 404


def test_a_large_document_waiting_for_a_worker_shows_its_progress(client, council, settings):
    consultation = published_at(Consultation.State.PROPOSALS_COMPILED, council=council, listed_proposals=0)
    many_proposals(consultation, pdf.SYNC_LIMIT + 1)
    from tests.factories import secretary_of

    client.force_login(secretary_of(council))
    document = pdf.preview(Kind.PROPOSALS, consultation=consultation)
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as with a worker: the page does not render it itself
    response = client.get(url("workspace:document_file", pk=document.pk))
    assert response.status_code == 202
    assert 'http-equiv="refresh"' in response.content.decode() and "<progress" in response.content.decode()
    assert pdf.render(document.pk) == "ready"
    assert client.get(url("workspace:document_file", pk=document.pk)).status_code == 200


def page_texts(path) -> list[str]:
    """Each page's text, laid out as on the page (pdftotext puts a form feed after each)."""
    layout = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return layout.stdout.split("\f")[:-1]


def test_a_long_list_renders_in_parts_into_one_pdf_with_every_proposal_in_order(client, council, settings):
    """Two and a half parts' worth of rows: one PDF, every reference once and in order, the heading once, the
    council named at the top of every page and the pages numbered on from part to part; the page that waits
    for it shows its progress moving part by part."""
    settings.PDF_PART_ROWS = 10
    consultation = published_at(Consultation.State.PROPOSALS_COMPILED, council=council, listed_proposals=0)
    many_proposals(consultation, 25)
    from tests.factories import secretary_of

    client.force_login(secretary_of(council))
    document = pdf.preview(Kind.PROPOSALS, consultation=consultation)
    shown = []

    def on_part(part, pages):
        page = client.get(url("workspace:document", pk=document.pk)).content.decode()
        shown.append(int(re.search(r'<progress max="100" value="(\d+)"', page).group(1)))

    assert pdf.render(document.pk, on_part=on_part) == "ready"
    assert shown == sorted(shown) and len(set(shown)) == 3 and shown[-1] < 100  # the third part is the last
    document.refresh_from_db()
    assert document.progress == 100
    path = document.file.path
    assert re.findall(r"QG-2026-7\d{5}", text_of(path)) == [f"QG-2026-7{n:05d}" for n in range(25)]
    pages = page_texts(path)
    assert len(pages) == pages_of(path) == document.pages >= 3
    numbered = re.findall(r"^\s*(\d+)\s+QG-2026-7(\d{5})", "\n".join(pages), re.M)
    assert [(int(number), int(n)) for number, n in numbered] == [(n + 1, n) for n in range(25)]  # № goes on
    for number, page in enumerate(pages, 1):
        lines = [line for line in page.splitlines() if line.strip()]
        assert "Ұлытау облысының қоғамдық кеңесі" in lines[0], number  # the running header, in every part
        assert lines[-1].split()[-1] == str(number)  # the footer's page number goes on across the parts
    assert text_of(path).count("Тізбеде 25 ұсыныс") == 1  # the heading, once, with the whole list's count
    assert text_of(path).count("Тіркеу нөмірі / Регистрационный") == len(pages)  # the table's head on every page


def test_a_document_over_the_memory_ceiling_fails_rather_than_exhaust_the_worker(council, settings):
    settings.PDF_PART_ROWS = 10
    settings.PDF_MAX_RSS_MB = 1
    consultation = published_at(Consultation.State.PROPOSALS_COMPILED, council=council, listed_proposals=0)
    many_proposals(consultation, 25)
    document = pdf.preview(Kind.PROPOSALS, consultation=consultation)
    assert pdf.render(document.pk) == "failed"
    document.refresh_from_db()
    assert document.has_failed and "PDF_MAX_RSS_MB" in document.error and "part 1 of 3" in document.error
    assert not document.file


def test_the_sweep_takes_over_a_render_whose_worker_died_and_leaves_a_moving_one(council):
    """A worker killed (or out of memory) mid-render leaves its document "being prepared": the beat's sweep
    renders it again once its progress has stood still for RENDER_STALLED; a render still moving is left alone."""
    import datetime

    from django.utils import timezone

    from consultations import tasks

    consultation = published_at(Consultation.State.PROPOSALS_COMPILED, council=council, listed_proposals=0)
    many_proposals(consultation, 3)
    stalled = pdf.preview(Kind.PROPOSALS, consultation=consultation)
    other = published_at(Consultation.State.PROPOSALS_COMPILED, council=council, listed_proposals=1)
    moving = pdf.preview(Kind.PROPOSALS, consultation=other)
    long_ago = timezone.now() - tasks.RENDER_STALLED - datetime.timedelta(minutes=1)
    RenderedDocument.objects.filter(pk__in=[stalled.pk, moving.pk]).update(
        state=RenderedDocument.State.RENDERING, progress=40, created_at=long_ago
    )
    RenderedDocument.objects.filter(pk=stalled.pk).update(progress_at=long_ago)
    RenderedDocument.objects.filter(pk=moving.pk).update(progress_at=timezone.now())
    assert tasks.render_pending_documents() == 1
    stalled.refresh_from_db()
    moving.refresh_from_db()
    assert stalled.is_ready and stalled.file and "QG-2026-700000" in text_of(stalled.file.path)
    assert moving.state == RenderedDocument.State.RENDERING and moving.progress == 40


def test_the_database_freezes_the_same_rows_as_python_would(council):
    """PostgreSQL writes the list's rows into the snapshot itself (a list of 50,000 would fill the publishing
    request's memory): every field as `proposal_rows` gives it — hidden names, organisations, questions, both
    languages' labels and reasons, an undecided proposal."""
    consultation = published_at(Consultation.State.POSITION_PUBLISHED, council=council)
    listed = consultation.proposals.filter(moderation="listed")
    first = listed.first()
    question = consultation.questions.first()
    many_proposals(consultation, 3)
    listed.filter(reference="QG-2026-700000").update(hide_name=True, question=question)
    listed.filter(reference="QG-2026-700001").update(organisation="«Жасыл ел» қоғамдық бірлестігі", channel="social")
    listed.filter(reference="QG-2026-700002").update(decision="", decision_reasons_kk="", decision_reasons_ru="")
    listed.filter(pk=first.pk).update(decision_reasons_kk="")  # the other language's reasons stand in
    document = pdf.preview(Kind.PROPOSALS, consultation=consultation)
    assert len(document.data["items"]) == listed.count() == 4
    assert document.data["items"] == pdf.proposal_rows(consultation)
    assert document.data == pdf.snapshot_proposals(consultation)
