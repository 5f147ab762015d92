"""Text shown in the other language than the page's carries its `lang` (WCAG 3.1.2, language of parts): a
field filled in one language only (modeltranslation shows it on the other language's page too), and a
proposal in the language its author wrote it in."""

import re

import pytest

from consultations.models import Consultation
from councils.models import Council
from proposals.models import Proposal
from tests.factories import url
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State


def element(html: str, tag: str, text: str) -> str:
    """The opening tag of the `tag` element whose text starts with `text`."""
    return re.search(rf"<{tag}\b[^>]*>\s*(?:<p>)?{re.escape(text)}", html).group(0)


def test_a_kazakh_page_marks_a_title_written_only_in_russian(client):
    consultation = published_at(State.HELD, listed_proposals=0, title_ru="Благоустройство парков")
    Consultation.objects.filter(pk=consultation.pk).update(title_kk="")
    html = client.get(url("consultations:detail", "kk", slug=consultation.slug)).content.decode()
    assert '<html lang="kk">' in html
    assert element(html, "h1", "Благоустройство парков") == '<h1 lang="ru">Благоустройство парков'
    listing = client.get(url("consultations:list", "kk")).content.decode()
    assert 'lang="ru">Благоустройство парков</a>' in listing
    # On the Russian page the same title is in the page's language: nothing to mark.
    html = client.get(url("consultations:detail", "ru", slug=consultation.slug)).content.decode()
    assert element(html, "h1", "Благоустройство парков") == "<h1>Благоустройство парков"


def test_a_title_in_both_languages_is_not_marked(client):
    consultation = published_at(State.HELD, listed_proposals=0, title_kk="Саябақтар", title_ru="Парки")
    html = client.get(url("consultations:detail", "kk", slug=consultation.slug)).content.decode()
    assert element(html, "h1", "Саябақтар") == "<h1>Саябақтар"


def test_a_council_named_only_in_kazakh_is_marked_on_russian_pages(client):
    consultation = published_at(State.HELD, listed_proposals=0)
    council = consultation.schedule.council
    Council.objects.filter(pk=council.pk).update(name_kk="Экология жөніндегі қоғамдық кеңес", name_ru="")
    html = client.get(url("councils:list", "ru")).content.decode()
    assert 'lang="kk">Экология жөніндегі қоғамдық кеңес</a>' in html
    html = client.get(url("councils:detail", "ru", slug=council.slug)).content.decode()
    assert element(html, "h1", "Экология жөніндегі қоғамдық кеңес") == '<h1 lang="kk">Экология жөніндегі қоғамдық кеңес'


def test_a_proposal_written_in_russian_is_marked_on_the_kazakh_results_and_status_pages(client):
    consultation = published_at(State.POSITION_PUBLISHED, listed_proposals=2)
    russian, kazakh = Proposal.objects.filter(consultation=consultation).order_by("pk")
    Proposal.objects.filter(pk=russian.pk).update(language="ru", text="Предлагаю продлить работу парков до полуночи.")

    html = client.get(url("consultations:results", "kk", slug=consultation.slug)).content.decode()
    cards = re.findall(r'<article class="card proposal"([^>]*)>\s*<h3 class="meta"><span[^>]*>([^<]*)<', html)
    assert {reference: attributes for attributes, reference in cards} == {
        russian.reference: ' lang="ru"',
        kazakh.reference: "",
    }
    # the page's own words in that card keep the page's language
    assert f'<span lang="kk">{russian.reference}</span>' in html

    html = client.get(url("proposals:status", "kk", reference=russian.reference)).content.decode()
    assert '<div class="prose" lang="ru"><p>Предлагаю продлить работу парков до полуночи.</p></div>' in html
    html = client.get(url("proposals:status", "ru", reference=russian.reference)).content.decode()
    assert '<div class="prose"><p>Предлагаю продлить работу парков до полуночи.</p></div>' in html


def test_the_bilingual_pdfs_mark_their_kazakh_and_russian_parts():
    from consultations import pdf
    from consultations.models import RenderedDocument
    from tests.factories import CouncilFactory

    council = CouncilFactory(document_language="both")
    consultation = published_at(State.POSITION_PUBLISHED, council=council, listed_proposals=1)
    Proposal.objects.filter(consultation=consultation).update(language="ru", text="Предлагаю продлить работу парков.")

    listing = pdf.document_html(pdf.preview(RenderedDocument.Kind.PROPOSALS, consultation=consultation))
    assert '<section lang="kk">' in listing  # one bilingual table: Kazakh first, the Russian parts marked
    assert '<span lang="ru">Перечень предложений' in listing
    assert '<td lang="ru">' in listing and "Предлагаю продлить работу парков." in listing

    position = pdf.document_html(pdf.preview(RenderedDocument.Kind.POSITION, consultation=consultation))
    assert '<section lang="kk">' in position and '<section lang="ru">' in position  # a section per language
