"""Switching language in the middle of a form keeps what was typed, saves nothing and shows no error.

The switch of a page with a form is a button of that form: the browser posts what was typed to the same page
in the other language, with the marker `switch_language` (templates/includes/language_switch.html)."""

import re
import uuid

import pytest
from django.core import mail
from django.test import Client

from consultations.models import Consultation
from councils.models import Meeting
from proposals.models import Proposal
from publications.models import OutgoingMail, Subscription
from tests.factories import CouncilFactory, consultation_at, secretary_of, url
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State
SWITCH = "switch_language"


def typed_proposal(**changes):
    return {
        "author_name": "Айгүл Серікқызы",
        "author_kind": "public_org",
        "organisation": "«Жасыл қала» қоғамдық бірлестігі",
        "hide_name": "on",
        "contact": "aigul@mail.kz",
        "wants_answer": "on",
        "text": "Аялдамаларға жылы күту павильондарын орнатуды ұсынамын.",
        "consent": "on",
        "token": str(uuid.uuid4()),
        "website": "",
        SWITCH: "ru",
    } | changes


def checked(html: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    return " checked" in tag


def no_errors(html: str) -> bool:
    return "error-summary" not in html and "field-error" not in html and 'class="errorlist' not in html


def switch_button(html: str) -> str:
    return re.search(r'<button[^>]*name="switch_language"[^>]*>[^<]*</button>', html).group(0)


@pytest.fixture
def held():
    return published_at(State.HELD, listed_proposals=0)


def test_the_proposal_form_comes_back_in_russian_with_what_was_typed_and_nothing_stored(client, held):
    page = client.get(url("proposals:propose", "kk", slug=held.slug)).content.decode()
    button = switch_button(page)
    assert 'form="page-form"' in button and 'formmethod="post"' in button and 'lang="ru"' in button
    assert f'formaction="/ru/consultations/{held.slug}/propose/"' in button and 'id="page-form"' in page

    data = typed_proposal()
    response = client.post(url("proposals:propose", "ru", slug=held.slug), data)

    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="ru">' in html
    assert "Отправить предложение" in html  # the page is in Russian
    for name in ("author_name", "organisation", "contact", "token"):
        assert f'value="{data[name]}"' in html
    assert data["text"] in html
    assert checked(html, "consent") and checked(html, "hide_name") and checked(html, "wants_answer")
    assert re.search(r'<input[^>]*value="public_org"[^>]*checked', html)  # the radio button as chosen
    assert no_errors(html)
    assert not Proposal.objects.exists() and not OutgoingMail.objects.exists() and not mail.outbox
    # and back to Kazakh, from the Russian page, the same way
    assert f'formaction="/kk/consultations/{held.slug}/propose/"' in switch_button(html)


def test_unticked_boxes_stay_unticked(client, held):
    data = typed_proposal()
    del data["consent"], data["hide_name"]
    html = client.post(url("proposals:propose", "ru", slug=held.slug), data).content.decode()
    assert not checked(html, "consent") and not checked(html, "hide_name") and checked(html, "wants_answer")


def test_switching_does_not_use_up_the_rate_limit_and_the_proposal_is_then_sent(client, held, settings):
    settings.PROPOSAL_RATE_LIMIT = (1, 600)
    data = typed_proposal()
    for language in ("ru", "kk", "ru"):
        assert client.post(url("proposals:propose", language, slug=held.slug), data).status_code == 200
    del data[SWITCH]
    response = client.post(url("proposals:propose", "ru", slug=held.slug), data)
    assert response.status_code == 302
    assert Proposal.objects.get().language == "ru"


def test_a_switch_still_needs_the_csrf_token(held):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url("proposals:propose", "ru", slug=held.slug), typed_proposal())
    assert response.status_code == 403


def test_the_subscription_form_keeps_the_address_and_sends_nothing(client):
    council = CouncilFactory()
    data = {"email": "reader@mail.kz", "scope": "council", "council": council.slug, "region": "", SWITCH: "kk"}
    response = client.post(url("publications:subscribe", "kk"), data)
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="kk">' in html
    assert 'value="reader@mail.kz"' in html
    assert re.search(rf'<option value="{council.slug}"[^>]*selected', html)
    assert re.search(r'<input[^>]*value="council"[^>]*checked', html)
    assert no_errors(html)
    assert not Subscription.objects.exists() and not OutgoingMail.objects.exists() and not mail.outbox


def test_the_lookup_form_keeps_the_number_without_looking_it_up(client):
    page = client.get(url("proposals:lookup", "kk")).content.decode()
    assert 'formmethod="get"' in switch_button(page)

    response = client.get(url("proposals:lookup", "ru"), {"reference": "QG-2026-999999", SWITCH: "ru"})
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="ru">' in html
    assert 'value="QG-2026-999999"' in html
    assert no_errors(html)  # not looked up: no "no proposal has the number"


def test_filters_keep_their_query_string(client):
    html = client.get(url("consultations:list", "kk") + "?q=%D0%B6%D0%BE%D0%BB&state=held").content.decode()
    link = re.search(r'<a href="([^"]*)" lang="ru" hreflang="ru">', html).group(1)
    assert link.startswith("/ru/consultations/?") and "q=%D0%B6%D0%BE%D0%BB" in link and "state=held" in link
    assert 'name="switch_language"' not in html  # a GET filter: the link is enough


def test_the_workspace_meeting_form_keeps_what_was_typed_and_saves_nothing(client):
    council = CouncilFactory()
    client.force_login(secretary_of(council))
    data = {
        "date": "2026-12-20",
        "start_time": "10:30",
        "place_kk": "Әкімдік, 305 бөлме",
        "place_ru": "Акимат, кабинет 305",
        "agenda_kk": "Бюджет туралы",
        "agenda_ru": "",
        "protocol_number": "",
        SWITCH: "ru",
    }
    response = client.post(url("workspace:meeting_new", "ru", council_slug=council.slug), data)
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="ru">' in html
    assert 'value="2026-12-20"' in html and 'value="10:30"' in html and 'value="Акимат, кабинет 305"' in html
    assert "Бюджет туралы</textarea>" in html
    assert no_errors(html)  # the Russian agenda is empty: not said, as nothing was sent to be saved
    assert not Meeting.objects.exists()
    # the switch posts no file (only the typed text), and is tied to the page's form
    button = switch_button(html)
    assert 'formenctype="application/x-www-form-urlencoded"' in button and "formnovalidate" in button


def test_the_workspace_formsets_keep_their_rows(client):
    consultation = consultation_at(State.PLANNED)
    client.force_login(secretary_of(consultation.schedule.council))
    data = {
        "questions-TOTAL_FORMS": "2",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "questions-0-text_kk": "Аялдамалар жеткілікті ме?",
        "questions-0-text_ru": "Достаточно ли остановок?",
        SWITCH: "ru",
    }
    html = client.post(url("workspace:questions", "ru", slug=consultation.slug), data).content.decode()
    assert "Аялдамалар жеткілікті ме?</textarea>" in html or 'value="Аялдамалар жеткілікті ме?"' in html
    assert no_errors(html)
    assert list(consultation.questions.values_list("text_kk", flat=True)) == []


def test_signing_in_keeps_the_name_not_the_password_and_counts_no_failure(client):
    from axes.models import AccessAttempt

    data = {"username": "secretary@kenes.kz", "password": "wrong-password", SWITCH: "ru"}
    response = client.post(url("workspace:login", "kk") + "?next=/kk/workspace/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="secretary@kenes.kz"' in html and "wrong-password" not in html
    assert 'value="/kk/workspace/"' in html  # where to go after signing in, from the address
    assert no_errors(html) and not AccessAttempt.objects.exists()


def test_the_workspace_entry_form_keeps_the_proposal_and_enters_nothing(client):
    consultation = consultation_at(State.HELD, listed_proposals=0)
    client.force_login(secretary_of(consultation.schedule.council))
    data = {
        "channel": "mail",
        "received_at": "2026-12-01T09:15",
        "language": "ru",
        "author_name": "Иван Петров",
        "author_kind": "citizen",
        "hide_name": "on",
        "contact": "ivan@mail.kz",
        "wants_answer": "on",
        "text": "Прошу продлить работу парков до полуночи.",
        SWITCH: "kk",
    }
    response = client.post(url("workspace:entry", "kk", slug=consultation.slug), data)
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="kk">' in html
    assert 'value="2026-12-01T09:15"' in html and 'value="Иван Петров"' in html
    assert re.search(r'<option value="ru" selected>', html) and re.search(r'<option value="mail" selected>', html)
    assert checked(html, "hide_name") and checked(html, "wants_answer")
    assert "Прошу продлить работу парков до полуночи.</textarea>" in html
    assert no_errors(html)
    assert not consultation.proposals.exists() and not OutgoingMail.objects.exists() and not mail.outbox
