"""Corrections: the secretary or chair corrects a proposal's language and question — never its text — until
the position is published, and the proposal's history in the workspace shows who changed what, and when."""

import re

import pytest

from common.errors import ActionRefused
from consultations import workflow
from consultations.models import Consultation
from councils.models import Membership
from proposals import services
from proposals.models import ProposalEvent
from tests.factories import CouncilFactory, add_proposal, consultation_at, secretary_of, staff_of, url

pytestmark = pytest.mark.django_db
State = Consultation.State


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def consultation():
    return consultation_at(State.HELD, listed_proposals=0)


@pytest.fixture
def council(consultation):
    return consultation.schedule.council


@pytest.fixture
def secretary(council):
    return secretary_of(council)


@pytest.fixture
def proposal(consultation, secretary):
    # Written in Russian, entered as Kazakh, with no question: what the secretary corrects.
    return add_proposal(consultation, by=secretary, language="kk", text="Продлить работу библиотек до 21:00.")


@pytest.fixture
def question(consultation):
    return consultation.questions.get()


def test_the_secretary_corrects_the_language_and_the_question_and_the_change_is_logged(proposal, secretary, question):
    assert services.correct_proposal(proposal, by=secretary, language="ru", question=question)
    proposal.refresh_from_db()
    assert proposal.language == "ru" and proposal.question == question
    assert proposal.text == "Продлить работу библиотек до 21:00."
    event = proposal.events.get(action=ProposalEvent.Action.CORRECTED)
    assert event.by == secretary and event.at is not None
    # English has no question text: the note shows the Kazakh one, the default.
    assert event.note == "Language: Kazakh → Russian. Question: no question → «Сұрақ?»."


def test_the_chair_corrects_too(proposal, council, question):
    chair = staff_of(council, Membership.Role.CHAIR)
    services.correct_proposal(proposal, by=chair, language="kk", question=question)
    assert proposal.events.get(action=ProposalEvent.Action.CORRECTED).by == chair


def test_the_same_correction_twice_changes_nothing_the_second_time(proposal, secretary):
    assert services.correct_proposal(proposal, by=secretary, language="ru", question=None)
    assert not services.correct_proposal(proposal, by=secretary, language="ru", question=None)
    assert proposal.events.filter(action=ProposalEvent.Action.CORRECTED).count() == 1


def test_the_question_must_be_one_of_the_same_consultations(proposal, secretary):
    other = consultation_at(State.HELD, listed_proposals=0).questions.get()
    with pytest.raises(ActionRefused, match="Choose one of this consultation's questions"):
        services.correct_proposal(proposal, by=secretary, language="ru", question=other)
    proposal.refresh_from_db()
    assert proposal.language == "kk" and proposal.question is None
    assert not proposal.events.filter(action=ProposalEvent.Action.CORRECTED).exists()


def test_the_language_must_be_kazakh_or_russian(proposal, secretary):
    with pytest.raises(ActionRefused, match="Choose the language"):
        services.correct_proposal(proposal, by=secretary, language="en", question=None)


def test_a_member_or_another_councils_secretary_cannot_correct(proposal, council):
    for user in (staff_of(council, Membership.Role.MEMBER), secretary_of(CouncilFactory())):
        with pytest.raises(ActionRefused, match="Only the council's secretary or chair"):
            services.correct_proposal(proposal, by=user, language="ru", question=None)
    proposal.refresh_from_db()
    assert proposal.language == "kk"


def test_corrections_stop_once_the_position_is_published():
    consultation = consultation_at(State.POSITION_PUBLISHED)
    secretary = secretary_of(consultation.schedule.council)
    proposal = consultation.proposals.get()
    with pytest.raises(ActionRefused, match="until the position is published"):
        services.correct_proposal(proposal, by=secretary, language="ru", question=None)
    proposal.refresh_from_db()
    assert proposal.language == "kk"


def test_a_proposal_is_corrected_after_the_list_is_formed_and_before_the_position():
    consultation = consultation_at(State.PROPOSALS_COMPILED)
    secretary = secretary_of(consultation.schedule.council)
    proposal = consultation.proposals.get()
    assert services.correct_proposal(proposal, by=secretary, language="ru", question=None)


# ---------------------------------------------------------------------------------------------------------
# The workspace page


def test_the_workspace_shows_a_proposal_with_its_history(client, consultation, proposal, secretary):
    services.include_in_list([proposal], by=secretary)
    client.force_login(secretary)
    inbox = page_text(client.get(url("workspace:inbox", "ru", slug=consultation.slug)))
    address = url("workspace:proposal", "ru", slug=consultation.slug, reference=proposal.reference)
    assert f'href="{address}"' in inbox
    text = page_text(client.get(address))
    history = text.split('id="history-heading"', 1)[1]
    assert "Внесено сотрудником" in history and "Включено в перечень" in history
    assert secretary.get_username() in history


def test_the_secretary_corrects_on_the_proposals_page(client, consultation, proposal, secretary, question):
    client.force_login(secretary)
    address = url("workspace:proposal", "ru", slug=consultation.slug, reference=proposal.reference)
    response = client.post(address, {"language": "ru", "question": question.pk, "text": "Другой текст"})
    assert response.status_code == 302 and response.url == address
    proposal.refresh_from_db()
    assert proposal.language == "ru" and proposal.question == question
    assert proposal.text == "Продлить работу библиотек до 21:00."  # the form has no text to change
    text = page_text(client.get(address))
    assert f"Предложение {proposal.reference} исправлено." in text
    history = text.split('id="history-heading"', 1)[1]
    assert "Исправлено" in history and "Язык: Казахский → Русский. Вопрос: вопрос не указан → «Вопрос?»." in history


def test_a_question_of_another_consultation_is_refused_on_the_page(client, consultation, proposal, secretary):
    other = consultation_at(State.HELD, listed_proposals=0).questions.get()
    client.force_login(secretary)
    address = url("workspace:proposal", "ru", slug=consultation.slug, reference=proposal.reference)
    response = client.post(address, {"language": "ru", "question": other.pk})
    assert response.status_code == 200 and "Выберите корректный вариант" in page_text(response)
    proposal.refresh_from_db()
    assert proposal.language == "kk" and proposal.question is None


def test_the_page_offers_no_correction_once_the_position_is_published_and_refuses_one(client):
    consultation = consultation_at(State.POSITION_PUBLISHED)
    secretary = secretary_of(consultation.schedule.council)
    proposal = consultation.proposals.get()
    client.force_login(secretary)
    address = url("workspace:proposal", "kk", slug=consultation.slug, reference=proposal.reference)
    assert 'id="correct-heading"' not in page_text(client.get(address))
    response = client.post(address, {"language": "ru", "question": ""})
    assert response.status_code == 200
    assert "ұстаным жарияланғанға дейін ғана түзетіледі" in page_text(response)
    proposal.refresh_from_db()
    assert proposal.language == "kk"


def test_a_member_reads_the_proposal_without_the_contact_and_cannot_correct(client, consultation, council):
    secretary = secretary_of(council)
    proposal = add_proposal(consultation, by=secretary, contact="+7 701 234 56 78", wants_answer=True)
    client.force_login(staff_of(council, Membership.Role.MEMBER))
    address = url("workspace:proposal", "ru", slug=consultation.slug, reference=proposal.reference)
    text = page_text(client.get(address))
    assert proposal.reference in text and "+7 701 234 56 78" not in text
    assert 'id="correct-heading"' not in text
    assert client.post(address, {"language": "ru", "question": ""}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.language == "kk"


def test_another_councils_proposal_answers_404(client, proposal, consultation):
    client.force_login(secretary_of(CouncilFactory()))
    address = url("workspace:proposal", "ru", slug=consultation.slug, reference=proposal.reference)
    assert client.get(address).status_code == 404
    assert client.post(address, {"language": "ru", "question": ""}).status_code == 404
    # Nor through a consultation of their own: the reference is looked up within the consultation.
    own = consultation_at(State.HELD, listed_proposals=0)
    client.force_login(secretary_of(own.schedule.council))
    address = url("workspace:proposal", "ru", slug=own.slug, reference=proposal.reference)
    assert client.get(address).status_code == 404
    proposal.refresh_from_db()
    assert proposal.language == "kk"


def test_a_cancelled_consultations_proposals_are_not_corrected(consultation, proposal, secretary):
    workflow.cancel(consultation, by=secretary, reason_kk="Себебі", reason_ru="Причина")
    with pytest.raises(ActionRefused, match="cancelled"):
        services.correct_proposal(proposal, by=secretary, language="ru", question=None)
