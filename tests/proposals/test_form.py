"""The citizen's proposal form: success, every refusal, and the abuse guards."""

import datetime
import re
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from consultations.models import Consultation
from proposals.models import Proposal
from publications.models import OutgoingMail
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State


@pytest.fixture
def consultation():
    return published_at(State.HELD, listed_proposals=0)


def url(consultation, language="kk"):
    return f"/{language}/consultations/{consultation.slug}/propose/"


def valid(**changes):
    data = {
        "author_name": "Айгүл Серікқызы",
        "author_kind": "citizen",
        "organisation": "",
        "contact": "aigul@mail.kz",
        "text": "Аялдамаларға жылы күту павильондарын орнатуды ұсынамын.",
        "consent": "on",
        "token": str(uuid.uuid4()),
        "website": "",
    }
    return {k: v for k, v in (data | changes).items() if v is not None}


def test_the_form_shows_the_consent_text_and_the_length_limits(client, consultation):
    html = client.get(url(consultation)).content.decode()
    assert "Дербес деректер" in html  # the consent text in force, in the page's language
    assert 'maxlength="5000"' in html and "10 таңбадан 5000 таңбаға дейін." in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_choice_not_to_publish_the_name_is_beside_the_name(client, consultation):
    html = client.get(url(consultation, "ru")).content.decode()
    fields = re.findall(r'<input[^>]*name="(author_name|hide_name|author_kind|organisation)"', html)
    assert fields[:2] == ["author_name", "hide_name"]


def test_a_proposal_is_stored_with_the_pages_language_and_gets_a_reference(
    client, consultation, tasks_in_process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(consultation, "ru"), valid(text="Предлагаю установить тёплые павильоны на остановках.")
        )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == f"/ru/proposals/{proposal.reference}/submitted/"
    assert (proposal.language, proposal.channel, proposal.moderation) == ("ru", "portal", "new")
    assert proposal.consent_text.version == 1 and proposal.consent_given_at is not None
    page = client.get(response.url).content.decode()
    assert proposal.reference in page
    assert re.fullmatch(r"QG-\d{4}-\d{6}", proposal.reference)


def test_the_confirmation_mail_goes_out_in_the_proposals_language(
    client, consultation, tasks_in_process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(consultation, "kk"), valid())
    proposal = Proposal.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aigul@mail.kz"]
    assert proposal.reference in message.subject and proposal.reference in message.body
    assert "ұсынысыңыз" in message.body.lower()
    assert OutgoingMail.objects.get().state == OutgoingMail.State.SENT


def test_no_mail_when_the_contact_is_a_phone(
    client, consultation, tasks_in_process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(consultation), valid(contact="+7 701 234 56 78"))
    assert Proposal.objects.get().contact == "+7 701 234 56 78"
    assert not mail.outbox and not OutgoingMail.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message_ru"),
    [
        ({"author_name": ""}, "author_name", "Обязательное поле"),
        ({"text": ""}, "text", "Обязательное поле"),
        ({"text": "коротко"}, "text", "не менее 10"),
        ({"text": "ы" * 5001}, "text", "не более 5000"),
        ({"consent": None}, "consent", "Отметьте согласие: без него совет не может принять предложение."),
        ({"contact": "not-a-contact"}, "contact", "адрес электронной почты или номер телефона"),
        ({"contact": "", "wants_answer": "on"}, "contact", "мог вам ответить"),
        ({"author_kind": "public_org", "organisation": ""}, "organisation", "организацию"),
        ({"author_kind": "robot"}, "author_kind", "Выберите корректный вариант"),
        ({"author_name": "x" * 201}, "author_name", "не более 200"),
    ],
)  # fmt: skip
def test_each_mistake_is_shown_next_to_its_field_in_the_pages_language_keeping_what_was_typed(
    client, consultation, changes, field, message_ru
):
    data = valid(**changes)
    response = client.post(url(consultation, "ru"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message_ru in html
    assert f'id="id_{field}_error"' in html or f'id="id_{field}"' in html
    if field != "text":
        assert "Аялдамаларға жылы күту" in html  # what was typed is kept
    assert not Proposal.objects.exists()


def test_user_text_is_escaped_everywhere(client, consultation, django_capture_on_commit_callbacks):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = client.post(url(consultation), valid(author_name=payload, text=payload + " және тағы мәтін"))
    proposal = Proposal.objects.get()
    assert proposal.text.startswith("<script>")
    html = client.get(response.url).content.decode()
    assert "<script>alert" not in html
    invalid = client.post(url(consultation), valid(author_name=payload, text="")).content.decode()
    assert "<script>alert" not in invalid and "&lt;script&gt;" in invalid


def test_a_double_click_stores_one_proposal_and_shows_its_confirmation_twice(client, consultation):
    data = valid()
    first = client.post(url(consultation), data)
    second = client.post(url(consultation), data)
    assert Proposal.objects.count() == 1
    assert first.url == second.url


def test_the_honeypot_stores_nothing_and_says_so(client, consultation):
    response = client.post(url(consultation, "ru"), valid(website="http://spam.example"))
    assert response.status_code == 400
    assert "ничего не сохранено" in response.content.decode().lower()
    assert not Proposal.objects.exists()


def test_the_rate_limit_stores_nothing_and_answers_with_a_clear_page(client, consultation, settings):
    settings.PROPOSAL_RATE_LIMIT = (2, 600)
    for _ in range(2):
        assert client.post(url(consultation), valid()).status_code == 302
    response = client.post(url(consultation, "ru"), valid())
    assert response.status_code == 429
    assert "попробуйте ещё раз" in response.content.decode().lower()
    assert Proposal.objects.count() == 2


def test_the_rate_limit_counts_per_client_address(client, consultation, settings):
    settings.PROPOSAL_RATE_LIMIT = (1, 600)
    assert client.post(url(consultation), valid(), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(url(consultation), valid(), REMOTE_ADDR="10.0.0.2").status_code == 302
    assert client.post(url(consultation), valid(), REMOTE_ADDR="10.0.0.1").status_code == 429


def test_a_proposal_is_taken_when_the_cache_is_down(client, consultation, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.post(url(consultation), valid())
    assert response.status_code == 302
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize(
    ("state", "window", "message_kk"),
    [
        (State.ANNOUNCED, None, "қабылданады"),
        (State.PROPOSALS_COMPILED, None, "дейін қабылданды"),
        (State.HELD, "closed", "дейін қабылданды"),
        (State.CANCELLED, None, "болдырылмады"),
    ],
)
def test_a_consultation_not_taking_proposals_says_why_and_takes_none(client, state, window, message_kk):
    now = timezone.now()
    dates = {}
    if window == "closed":
        dates = {
            "window_opens_at": now - datetime.timedelta(days=20),
            "window_closes_at": now - datetime.timedelta(days=1),
        }
    if state == State.ANNOUNCED:
        dates = {
            "window_opens_at": now + datetime.timedelta(days=2),
            "window_closes_at": now + datetime.timedelta(days=20),
        }
    consultation = published_at(state, **dates)
    page = client.get(url(consultation)).content.decode()
    assert message_kk in page.lower()
    assert 'name="text"' not in page
    refused = client.post(url(consultation), valid(text="<b>Аялдамаларға</b> павильон орнату керек."))
    assert refused.status_code == 200
    assert not Proposal.objects.filter(channel="portal").exists()
    # sent from a form opened before the window closed: said not received, the text given back (escaped) to keep
    kept = re.search(r'<textarea id="not-received"[^>]*>([^<]*)</textarea>', refused.content.decode())
    assert kept and kept.group(1) == "&lt;b&gt;Аялдамаларға&lt;/b&gt; павильон орнату керек."
    assert "Сіздің ұсынысыңыз қабылданбады" in refused.content.decode()


def test_the_form_of_an_unpublished_consultation_is_not_found(client):
    from tests.factories import consultation_at

    consultation = consultation_at(State.DECIDED)  # its schedule is not published
    assert client.get(url(consultation)).status_code == 404


def test_a_post_without_the_csrf_token_is_refused_with_a_clear_page_and_stores_nothing(consultation):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(url(consultation, "ru"), valid())
    assert response.status_code == 403
    assert "Ничего не сохранено" in response.content.decode()
    assert not Proposal.objects.filter(channel="portal").exists()


def test_without_a_consent_text_in_force_the_form_says_it_cannot_take_proposals(client, consultation):
    from proposals.models import ConsentText

    ConsentText.objects.update(effective_from=timezone.now() + datetime.timedelta(days=1))
    page = client.get(url(consultation, "ru")).content.decode()
    assert 'name="text"' not in page and "не принимаются" in page


def test_a_proposal_is_taken_when_redis_is_down_and_its_mail_waits_in_the_outbox(
    client, consultation, settings, django_capture_on_commit_callbacks, caplog
):
    """Nothing on the submission path needs Redis (DESIGN.md, "Nothing lost")."""
    import time

    from qogam.celery import app
    from tests.factories import use_broker

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    broker = app.conf.broker_url
    use_broker("redis://127.0.0.1:1/0")
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url(consultation), valid())
        elapsed = time.monotonic() - started
    finally:
        use_broker(broker)
    assert response.status_code == 302
    assert Proposal.objects.filter(channel="portal").count() == 1
    assert OutgoingMail.objects.get().state == OutgoingMail.State.PENDING  # the sweep sends it later
    assert elapsed < 10
    assert "Could not queue mail" in caplog.text  # the broker really was out of reach


# ---------------------------------------------------------------------------------------------------------
# After the commit: nothing may fail the page of a proposal that is stored


def test_a_stored_proposal_is_confirmed_even_if_the_session_cannot_be_written(client, consultation, monkeypatch):
    """The database may go away just after the proposal commits: the confirmation must not need a write then,
    or the citizen sees an error for a proposal that was stored, and types it again."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import OperationalError

    def database_gone(self, must_create=False):
        raise OperationalError("the database went away")

    monkeypatch.setattr(SessionStore, "save", database_gone)
    response = client.post(url(consultation, "ru"), valid())
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == f"/ru/proposals/{proposal.reference}/submitted/"
    page = client.get(response.url)
    assert page.status_code == 200 and proposal.reference in page.content.decode()
    assert not Session.objects.exists()  # a citizen who never signed in gets no session at all
    assert "sessionid" not in response.cookies


def test_the_confirmation_page_remembers_the_last_few_proposals_of_this_browser(client, consultation):
    references = []
    for _ in range(3):
        response = client.post(url(consultation), valid())
        references.append(Proposal.objects.order_by("-pk").first().reference)
        cookie = response.cookies["qogam_submitted"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
    for reference in references:
        assert client.get(f"/kk/proposals/{reference}/submitted/").status_code == 200
    # A cookie written by hand (not signed by the site) shows nothing.
    stranger = client.__class__()
    stranger.cookies["qogam_submitted"] = references[0]
    assert stranger.get(f"/kk/proposals/{references[0]}/submitted/").status_code == 302


def test_confirmation_mails_to_one_address_are_capped_a_day_and_the_proposals_still_stored(
    client, consultation, settings
):
    """Anyone can type a victim's address: at most ANONYMOUS_MAIL_CAP confirmations a day go to it, counted in
    the database (the cache here is out of reach), and the page does not tell."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    pages = []
    for number in range(7):
        contact = "Victim@Mail.kz" if number % 2 else "victim@mail.kz"
        response = client.post(url(consultation), valid(contact=contact), REMOTE_ADDR=f"10.0.1.{number}")
        assert response.status_code == 302
        page = client.get(response.url).content.decode()
        pages.append(page.replace(Proposal.objects.order_by("-pk").first().reference, "REF").lower())
    assert Proposal.objects.count() == 7
    assert OutgoingMail.objects.filter(to__iexact="victim@mail.kz").count() == 5
    assert len(set(pages)) == 1  # the sixth and seventh pages say the same as the first
    client.post(url(consultation), valid(contact="someone.else@mail.kz"))
    assert OutgoingMail.objects.filter(to="someone.else@mail.kz").count() == 1
    OutgoingMail.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    client.post(url(consultation), valid(contact="victim@mail.kz"))
    assert OutgoingMail.objects.filter(to__iexact="victim@mail.kz").count() == 6
