"""What a citizen reads on the public pages: no doubled full stops after dates, no English left untranslated."""

import datetime
import re
from html.parser import HTMLParser

import pytest

from consultations.models import Consultation, Recommendation
from tests.factories import url
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State

# Latin words a Kazakh or Russian reader meets on purpose: the portal's name, formats, the reference prefix.
ALLOWED_LATIN = {"qg-", "qogam", "rss", "atom", "pdf", "ical", "ics", "csv", "xlsx", "email", "telegram"}


class VisibleText(HTMLParser):
    """The text a reader sees: element content outside script and style, and the alt and title attributes."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts += [
            value for name, value in attrs if name in ("alt", "title", "aria-label", "placeholder") and value
        ]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


@pytest.fixture
def results():
    consultation = published_at(State.POSITION_PUBLISHED, occasion=Consultation.Occasion.DRAFT_ACT, listed_proposals=2)
    Recommendation.objects.filter(consultation=consultation).update(
        sent_on=datetime.date(2026, 8, 19), answer_received_on=datetime.date(2026, 8, 26)
    )
    return consultation


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_public_pages_have_no_doubled_stops_and_no_english(client, results, language):
    council = results.schedule.council
    pages = [
        url("home", language),
        url("consultations:list", language),
        url("consultations:detail", language, slug=results.slug),
        url("consultations:results", language, slug=results.slug),
        url("councils:list", language),
        url("councils:detail", language, slug=council.slug),
        url("proposals:status", language, reference=results.proposals.first().reference),
        url("proposals:propose", language, slug=results.slug),
        url("publications:subscribe", language),
        url("meeting", language, pk=council.meetings.first().pk),
        url("proposals:lookup", language),
    ]
    # Six steps and an open intake, and a cancelled consultation: their notes and timelines too.
    for state in (State.HELD, State.CANCELLED):
        other = published_at(state, occasion=Consultation.Occasion.APPEAL)
        pages.append(url("consultations:detail", language, slug=other.slug))
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        text = visible_text(response.content.decode())
        assert not re.search(r"\.\s*\.(?!\.)|г\.\.|ж\.\.", text.replace("…", "")), (address, _around(text, r"\.\s*\."))
        english = {w for w in re.findall(r"[A-Za-z][A-Za-z-]{2,}", text) if w.lower() not in ALLOWED_LATIN}
        assert not english, (address, sorted(english))


def _around(text: str, pattern: str) -> str:
    found = re.search(pattern, text)
    return text[max(0, found.start() - 60) : found.end() + 20] if found else ""


# What each language calls step 4 while it lasts, and once it is done (GLOSSARY.md, "The seven steps").
UNDER_WAY = {"kk": "Консультация өткізілуде", "ru": "Консультация проводится"}
HELD = {"kk": "Консультация өткізілді", "ru": "Консультация проведена"}
STEP_6_NOTE = {"kk": "6-қадам — қоғамдық кеңестің ұсыным жобасы", "ru": "Шаг 6 — проект рекомендации"}
PARTICIPATION = {"kk": "Ұсыныстарды порталда жіберіңіз.", "ru": "Направляйте предложения на портале."}


def timeline_text(html: str) -> str:
    return visible_text(html[html.index('<ol class="timeline">') : html.index("</ol>", html.index('class="timeline"'))])


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_finished_consultation_names_its_steps_as_done(client, results, language):
    html = client.get(url("consultations:detail", language, slug=results.slug)).content.decode()
    steps = timeline_text(html)
    assert HELD[language] in steps
    assert UNDER_WAY[language] not in visible_text(html)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_step_under_way_reads_in_the_present_and_the_steps_to_come_as_what_they_achieve(client, language):
    held = published_at(State.HELD)
    steps = timeline_text(client.get(url("consultations:detail", language, slug=held.slug)).content.decode())
    assert UNDER_WAY[language] in steps and HELD[language] not in steps
    announced = published_at(State.ANNOUNCED)
    steps = timeline_text(client.get(url("consultations:detail", language, slug=announced.slug)).content.decode())
    assert HELD[language] in steps and UNDER_WAY[language] not in steps


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_six_steps_say_why_step_6_is_missing(client, results, language):
    appeal = published_at(State.ANNOUNCED, occasion=Consultation.Occasion.APPEAL)
    page = visible_text(client.get(url("consultations:detail", language, slug=appeal.slug)).content.decode())
    assert STEP_6_NOTE[language] in page
    draft_act = visible_text(client.get(url("consultations:detail", language, slug=results.slug)).content.decode())
    assert STEP_6_NOTE[language] not in draft_act


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_how_to_take_part_is_shown_only_while_one_can(client, results, language):
    open_one = published_at(State.HELD)
    page = visible_text(client.get(url("consultations:detail", language, slug=open_one.slug)).content.decode())
    assert PARTICIPATION[language] in page
    for closed in (results, published_at(State.PROPOSALS_COMPILED)):
        page = visible_text(client.get(url("consultations:detail", language, slug=closed.slug)).content.decode())
        assert PARTICIPATION[language] not in page, closed.state


def test_the_announcement_invites_proposals_only_while_the_window_has_not_passed():
    from consultations.announcements import consultation_context
    from publications.announcements import render_texts

    consultation = published_at(State.QUESTIONS_APPROVED)
    opens, closes = consultation.window_opens_at, consultation.window_closes_at

    def texts(at):
        rendered = render_texts("consultation.announced", consultation_context(consultation, at))
        return {lang: text for lang, (_title, text) in rendered.items()}

    before = texts(opens - datetime.timedelta(days=1))
    assert "нысан арқылы" in before["kk"] and "принимаются через форму" in before["ru"]
    during = texts(opens + datetime.timedelta(hours=1))
    assert "Направляйте предложения через форму" in during["ru"] and "жіберіңіз" in during["kk"]
    after = texts(closes + datetime.timedelta(hours=1))
    assert "форм" not in after["ru"] and "нысан" not in after["kk"]
    assert "Предложения принимались до" in after["ru"]
    for text in (*before.values(), *during.values(), *after.values()):
        assert "этой странице" not in text and "осы бет" not in text


@pytest.mark.parametrize(("language", "label"), [("kk", "Өтінішті қарау"), ("ru", "Рассмотрение обращения")])
def test_the_occasion_is_written_with_a_capital_wherever_it_stands_alone(client, language, label):
    appeal = published_at(State.ANNOUNCED, occasion=Consultation.Occasion.APPEAL)
    for address in (
        url("consultations:list", language),
        url("consultations:detail", language, slug=appeal.slug),
        url("councils:detail", language, slug=appeal.schedule.council.slug),
    ):
        text = visible_text(client.get(address).content.decode())
        assert label in text and label.lower() not in text, address
