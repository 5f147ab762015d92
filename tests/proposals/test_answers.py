"""Answers to the authors who asked for one: mailed in their proposal's language when the position is
published, once; set-aside proposals answered with the reason, spam never; phone-only authors listed in the
workspace and marked answered; the results page counts them."""

import datetime
import re
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from common.errors import ActionRefused
from consultations import answers, workflow
from consultations.models import Consultation
from councils.models import Membership
from proposals import services
from proposals.models import Proposal, ProposalEvent
from publications import mail as outbox
from publications.models import OutgoingMail
from tests.factories import (
    ConsentTextFactory,
    CouncilFactory,
    add_proposal,
    consultation_at,
    decide_all,
    publish_schedule_of,
    secretary_of,
    staff_of,
    url,
    write_position,
)

pytestmark = pytest.mark.django_db
State = Consultation.State
PHONE = "+7 701 234 56 78"


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def sort_aside(proposal, *, by, reason, **kwargs):
    services.set_aside([proposal], by=by, reason=reason, **kwargs)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def council():
    return CouncilFactory()


@pytest.fixture
def secretary(council):
    return secretary_of(council)


def form_the_list(consultation, *, by):
    """Step 5 of a consultation still taking proposals: the intake is closed early first."""
    workflow.close_intake(consultation, by=by, reason_kk="Жеткілікті", reason_ru="Достаточно")
    workflow.compile_proposals(consultation, by=by)


@pytest.fixture
def held(council, secretary):
    return consultation_at(State.HELD, council=council, by=secretary, listed_proposals=0)


@pytest.fixture
def authors(held, secretary):
    """One proposal of each kind the answers tell apart, in a consultation still held."""
    listed = Proposal.Moderation.LISTED
    kk = add_proposal(
        held, by=secretary, moderation=listed, language="kk", wants_answer=True, contact="aigul@mail.kz",
        author_name="Айгүл Серікқызы", text="Аулаларды абаттандыруды жалғастыру керек. " * 20,
    )  # fmt: skip
    ru, _created = services.submit_proposal(
        held, token=uuid.uuid4(), language="ru", text="Предлагаю продлить работу библиотек до 21:00.",
        author_name="Алия Ахметова", wants_answer=True, contact="aliya@mail.kz", consent_text=ConsentTextFactory(),
    )  # fmt: skip
    services.include_in_list([ru], by=secretary)
    silent = add_proposal(
        held, by=secretary, moderation=listed, contact="silent@mail.kz", author_name="Үнсіз Автор",
        text="Саябаққа орындықтар қою керек.",
    )  # fmt: skip
    off_topic = add_proposal(
        held, by=secretary, language="kk", wants_answer=True, contact="off@mail.kz", author_name="Бөтен Тақырып",
        text="Салықтарды азайту керек.",
    )  # fmt: skip
    sort_aside(off_topic, by=secretary, reason="off_topic", note="Консультацияның тақырыбына жатпайды")
    duplicate = add_proposal(
        held, by=secretary, language="ru", wants_answer=True, contact="double@mail.kz", author_name="Двойник",
        text="Продлить работу библиотек.",
    )  # fmt: skip
    sort_aside(duplicate, by=secretary, reason="duplicate", duplicate_of=ru, note="Повторяет предложение")
    spam = add_proposal(
        held, by=secretary, language="ru", wants_answer=True, contact="spam@mail.kz", author_name="Спамер",
        text="Купите наши окна недорого!",
    )  # fmt: skip
    sort_aside(spam, by=secretary, reason="spam")
    phone = add_proposal(
        held, by=secretary, moderation=listed, language="kk", wants_answer=True, contact=PHONE,
        author_name="Телефон Иесі", text="Кітапханаларды жөндеу керек.",
    )  # fmt: skip
    reception = add_proposal(
        held, by=secretary, moderation=listed, channel="reception", language="ru", wants_answer=True,
        contact="reception@mail.kz", author_name="Пришедший на приём", text="Отремонтировать дороги во дворах.",
    )  # fmt: skip
    return {
        "kk": kk, "ru": ru, "silent": silent, "off_topic": off_topic, "duplicate": duplicate, "spam": spam,
        "phone": phone, "reception": reception,
    }  # fmt: skip


def publish(consultation, secretary, **kwargs):
    form_the_list(consultation, by=secretary)
    decide_all(consultation, by=secretary)
    write_position(consultation)
    return workflow.publish_position(consultation, by=secretary, **kwargs)


def answer_of(proposal) -> OutgoingMail | None:
    proposal.refresh_from_db()
    return proposal.answer_mail


def answer_sent_to(proposal):
    """The answer mail as the mail server received it (the author may have had a confirmation mail too)."""
    proposal.refresh_from_db()
    return next(m for m in mail.outbox if m.to == [proposal.contact] and m.subject == proposal.answer_mail.subject)


@pytest.fixture
def published(held, secretary, authors):
    publish(held, secretary)
    return held


# ---------------------------------------------------------------------------------------------------------
# The mails


def test_publishing_the_position_queues_one_answer_for_each_author_who_asked_and_gave_an_email(published, authors):
    answered = {name for name, proposal in authors.items() if answer_of(proposal)}
    assert answered == {"kk", "ru", "off_topic", "duplicate", "reception"}
    for name in answered:
        proposal = authors[name]
        assert proposal.answer_queued_at is not None
        assert proposal.answer_mail.to == proposal.contact and proposal.answer_mail.language == proposal.language
        assert proposal.events.filter(action=ProposalEvent.Action.ANSWERED).count() == 1


def test_the_answers_are_sent_by_the_outbox_each_in_its_proposals_language(published, authors):
    outbox.sweep()  # the beat job's sweep: what the worker did not send after commit goes now
    kk, ru = answer_sent_to(authors["kk"]), answer_sent_to(authors["ru"])
    slug = published.slug

    assert authors["kk"].reference in kk.subject and kk.subject.startswith("Қоғамдық кеңестің")
    assert published.title_kk in kk.body and published.title_ru not in kk.body
    assert "Қоғамдық кеңестің шешімі: Ескерілді." in kk.body
    assert "Негіздемесі: Ұсыныс орынды." in kk.body and "Предложение обоснованно." not in kk.body
    assert f"http://testserver/kk/consultations/{slug}/results/" in kk.body
    assert f"http://testserver/kk/proposals/{authors['kk'].reference}/" in kk.body
    # The start of a long text, not the whole of it.
    assert "Аулаларды абаттандыруды жалғастыру керек." in kk.body and authors["kk"].text not in kk.body

    assert authors["ru"].reference in ru.subject and ru.subject.startswith("Ответ")
    assert published.title_ru in ru.body
    assert "Решение общественного совета: Учтено." in ru.body
    assert "Обоснование: Предложение обоснованно." in ru.body and "Ұсыныс орынды." not in ru.body
    assert f"http://testserver/ru/consultations/{slug}/results/" in ru.body
    assert f"http://testserver/ru/proposals/{authors['ru'].reference}/" in ru.body
    assert OutgoingMail.objects.filter(pk=authors["ru"].answer_mail_id, state="sent").exists()


def test_a_proposal_set_aside_is_answered_with_the_reason_and_the_secretarys_note(published, authors):
    outbox.sweep()
    sent = {p.contact: answer_sent_to(p).body for p in (authors["off_topic"], authors["duplicate"])}
    assert "ұсыныстар тізбесіне енгізілмеді" in sent["off@mail.kz"]
    assert "Тақырыптан тыс" in sent["off@mail.kz"]
    assert "Консультацияның тақырыбына жатпайды" in sent["off@mail.kz"]
    duplicate = sent["double@mail.kz"]
    assert "Дубликат" in duplicate and f"повторяет предложение {authors['ru'].reference}" in duplicate
    assert "Повторяет предложение" in duplicate


def test_no_answer_for_spam_nor_for_authors_who_did_not_ask_nor_for_phone_numbers(published, authors):
    for name in ("spam", "silent", "phone"):
        assert answer_of(authors[name]) is None
    outbox.sweep()
    addressees = {message.to[0] for message in mail.outbox}
    assert not addressees & {"spam@mail.kz", "silent@mail.kz"}


def test_an_answer_carries_nothing_of_any_other_author(published, authors):
    outbox.sweep()
    for proposal in authors.values():
        proposal.refresh_from_db()
    for message in mail.outbox:
        if "QG-" not in message.subject:
            continue
        others = [p for p in authors.values() if p.contact != message.to[0]]
        for other in others:
            assert other.contact not in message.body
            assert other.author_name not in message.body
            assert other.text[:40] not in message.body


def test_publishing_cannot_answer_twice(published, authors, secretary):
    count = OutgoingMail.objects.count()
    assert answers.answer_authors(published, by=secretary) == 0
    assert answers.answer_authors(published) == 0
    with pytest.raises(ActionRefused):
        workflow.publish_position(published, by=secretary)
    assert OutgoingMail.objects.count() == count
    for proposal in authors.values():
        assert proposal.events.filter(action=ProposalEvent.Action.ANSWERED).count() <= 1


def test_the_answers_are_written_with_the_publication_and_sent_after_commit(
    held, authors, secretary, tasks_in_process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(held, secretary)
        assert OutgoingMail.objects.get(to="aigul@mail.kz").state == OutgoingMail.State.PENDING
        assert not mail.outbox  # nothing leaves before the publication commits
    assert OutgoingMail.objects.get(to="aigul@mail.kz").state == OutgoingMail.State.SENT
    assert [m.to for m in mail.outbox].count(["aigul@mail.kz"]) == 1


def test_a_refused_publication_queues_no_answer(held, authors, secretary):
    form_the_list(held, by=secretary)
    decide_all(held, by=secretary)  # no position written: step 7 is refused
    with pytest.raises(ActionRefused):
        workflow.publish_position(held, by=secretary)
    assert not Proposal.objects.filter(answer_queued_at__isnull=False).exists()
    assert not OutgoingMail.objects.filter(to="aigul@mail.kz").exists()


def test_a_position_entered_as_history_mails_nobody_now(held, authors, secretary):
    form_the_list(held, by=secretary)
    assert answers.answer_authors(held, by=secretary, at=timezone.now() - datetime.timedelta(days=30)) == 0
    assert not Proposal.objects.filter(answer_queued_at__isnull=False).exists()


def test_a_position_recorded_afterwards_leaves_the_answers_for_the_secretary_to_mail_from_the_inbox(
    client, held, authors, secretary, monkeypatch
):
    monkeypatch.setattr(answers, "HISTORY", datetime.timedelta(days=-1))  # as if dated days back
    publish(held, secretary)
    assert not OutgoingMail.objects.filter(to="aigul@mail.kz").exists()
    client.force_login(secretary)
    inbox = url("workspace:inbox", "ru", slug=held.slug)
    assert "ещё не отправлен" in page_text(client.get(inbox))  # 4 authors owed a mail: kk, ru, off-topic, …

    response = client.post(url("workspace:mail_answers", "ru", slug=held.slug))

    assert response.status_code == 302
    assert OutgoingMail.objects.filter(to="aigul@mail.kz").count() == 1
    assert "ещё не отправлен" not in page_text(client.get(inbox))
    client.post(url("workspace:mail_answers", "ru", slug=held.slug))
    assert OutgoingMail.objects.filter(to="aigul@mail.kz").count() == 1  # never twice


# ---------------------------------------------------------------------------------------------------------
# Answered by phone


def test_authors_with_only_a_phone_are_listed_to_answer_by_phone_with_the_number_for_the_secretary(
    client, published, authors, secretary
):
    client.force_login(secretary)
    text = page_text(client.get(url("workspace:inbox", "ru", slug=published.slug)))
    section = text.split("Ответить по телефону", 1)[1].split("</section>", 1)[0]
    assert authors["phone"].reference in section and PHONE in section
    for name in ("kk", "ru", "spam", "silent", "off_topic"):
        assert authors[name].reference not in section


def test_a_member_sees_who_is_to_be_answered_but_not_the_phone_number(client, published, authors, council):
    client.force_login(staff_of(council, Membership.Role.MEMBER))
    text = page_text(client.get(url("workspace:inbox", "ru", slug=published.slug)))
    assert authors["phone"].reference in text and PHONE not in text
    assert "Отметить ответ" not in text


def test_marking_an_author_answered_records_the_date_and_logs_it_once(client, published, authors, secretary):
    client.force_login(secretary)
    phone = authors["phone"]
    today = timezone.localdate()
    address = url("workspace:proposal_answered", "kk", slug=published.slug, reference=phone.reference)
    inbox = url("workspace:inbox", "kk", slug=published.slug)
    response = client.post(address, {"answered_on": today.isoformat(), "next": inbox})
    assert response.status_code == 302 and response.url == inbox
    phone.refresh_from_db()
    assert phone.answered_by_phone_on == today
    event = phone.events.get(action=ProposalEvent.Action.ANSWERED)
    assert event.by == secretary and today.strftime("%d.%m.%Y") in event.note

    client.post(address, {"answered_on": today.isoformat()})  # a second click changes nothing
    assert phone.events.filter(action=ProposalEvent.Action.ANSWERED).count() == 1
    section = page_text(client.get(inbox)).split("Телефон арқылы жауап беру", 1)[1].split("</section>", 1)[0]
    assert phone.reference in section and f'datetime="{today.isoformat()}"' in section
    assert 'name="answered_on"' not in section


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "The date cannot be in the future."), (-1, "earlier than the publication of the position")],
)
def test_the_answer_is_dated_neither_in_the_future_nor_before_the_publication(
    published, authors, secretary, days, message
):
    with pytest.raises(ActionRefused, match=re.escape(message)):
        services.mark_answered(
            authors["phone"], by=secretary, answered_on=timezone.localdate() + datetime.timedelta(days=days)
        )
    authors["phone"].refresh_from_db()
    assert authors["phone"].answered_by_phone_on is None
    assert not authors["phone"].events.filter(action=ProposalEvent.Action.ANSWERED).exists()


@pytest.mark.parametrize("name", ["kk", "spam", "silent"])
def test_only_an_author_who_asked_and_gave_a_phone_is_marked_answered_by_phone(published, authors, secretary, name):
    with pytest.raises(ActionRefused, match="gave a phone number"):
        services.mark_answered(authors[name], by=secretary)


def test_no_author_is_marked_answered_before_the_position_is_published(held, authors, secretary):
    with pytest.raises(ActionRefused, match="once the council's position is published"):
        services.mark_answered(authors["phone"], by=secretary)


def test_a_member_cannot_mark_an_author_answered(client, published, authors, council):
    member = staff_of(council, Membership.Role.MEMBER)
    with pytest.raises(ActionRefused):
        services.mark_answered(authors["phone"], by=member)
    client.force_login(member)
    address = url("workspace:proposal_answered", "kk", slug=published.slug, reference=authors["phone"].reference)
    assert client.post(address, {"answered_on": timezone.localdate().isoformat()}).status_code == 403
    authors["phone"].refresh_from_db()
    assert authors["phone"].answered_by_phone_on is None


def test_another_councils_secretary_finds_no_such_proposal(client, published, authors):
    client.force_login(secretary_of(CouncilFactory()))
    reference = authors["phone"].reference
    address = url("workspace:proposal_answered", "kk", slug=published.slug, reference=reference)
    assert client.post(address, {"answered_on": timezone.localdate().isoformat()}).status_code == 404
    assert client.get(url("workspace:proposal", "kk", slug=published.slug, reference=reference)).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# The results page


def test_the_results_page_says_how_many_authors_were_answered(client, published, authors, secretary):
    publish_schedule_of(published, by=secretary)
    address = url("consultations:results", "ru", slug=published.slug)
    text = page_text(client.get(address))
    # How many asked, and how many of them were answered: "answered 5" alone would not say whether anyone waits.
    assert "6 авторов попросили ответа (письмом или по телефону); общественный совет ответил: 5." in text
    services.mark_answered(authors["phone"], by=secretary)
    text = page_text(client.get(address))
    assert "6 авторов попросили ответа (письмом или по телефону); общественный совет ответил: 6." in text
    assert PHONE not in text and "aigul@mail.kz" not in text
    kk = page_text(client.get(url("consultations:results", "kk", slug=published.slug)))
    assert "6 автор жауап сұрады (хатпен немесе телефон арқылы); қоғамдық кеңес жауап берді: 6." in kk


def test_a_mail_that_finally_failed_is_not_counted_as_an_answer(published, authors):
    OutgoingMail.objects.filter(pk=answer_of(authors["kk"]).pk).update(state=OutgoingMail.State.FAILED)
    assert answers.answer_counts(published) == {"asked": 6, "answered": 4}


def test_the_results_page_says_nothing_of_answers_when_nobody_asked(client):
    consultation = consultation_at(State.POSITION_PUBLISHED)
    publish_schedule_of(consultation, by=secretary_of(consultation.schedule.council))
    text = page_text(client.get(url("consultations:results", "ru", slug=consultation.slug)))
    assert "совет ответил" not in text and "попросил" not in text
