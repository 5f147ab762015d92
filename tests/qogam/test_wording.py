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
    ]
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
