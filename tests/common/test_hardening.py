"""What an attacker tried, and what now stops them."""

import datetime
import uuid

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from consultations import services, workflow
from consultations.models import Consultation, Document
from consultations.tasks import open_due_intakes
from councils.models import Council, Meeting
from proposals.models import Proposal
from tests.factories import (
    PASSWORD,
    CouncilFactory,
    MembershipFactory,
    UserFactory,
    add_proposal,
    consultation_at,
    secretary_of,
    staff_of,
    url,
)
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State


def test_a_staff_account_linked_to_a_council_still_cannot_act_or_read_there(ministry, ministry_user):
    council = CouncilFactory()
    MembershipFactory(council=council, user=ministry_user, role="secretary", kind="")
    assert not Council.objects.readable_by(ministry_user).exists()
    assert not Council.objects.acted_for_by(ministry_user).exists()
    assert ministry.get(url("workspace:council", council_slug=council.slug)).status_code == 404


def test_the_admin_offers_only_council_accounts_for_a_membership(ministry, ministry_user):
    UserFactory(username="council-person")
    page = ministry.get("/admin/councils/membership/add/").content.decode()
    assert ">council-person</option>" in page and f">{ministry_user.username}</option>" not in page


def test_ministry_staff_cannot_probe_contacts_through_admin_filters(ministry):
    consultation = consultation_at(State.HELD, listed_proposals=0)
    add_proposal(consultation, by=secretary_of(consultation.schedule.council), contact="secret@mail.kz")
    response = ministry.get("/admin/proposals/proposal/?contact__startswith=secret")
    assert response.status_code in (302, 400) or "secret@mail.kz" not in response.content.decode()
    assert "?e=1" in response.get("Location", "?e=1")


def test_the_sign_in_pause_holds_whatever_spaces_or_letter_forms_are_typed(client, settings):
    settings.SIGNIN_ATTEMPTS = 2
    user = staff_of(CouncilFactory())
    for _ in range(2):
        client.post(url("workspace:login"), {"username": user.username, "password": "wrong"})
    for variant in (f" {user.username}", f"{user.username} ", user.username.upper()):
        client.post(url("workspace:login"), {"username": variant, "password": PASSWORD})
        assert "_auth_user_id" not in client.session, variant


def test_saving_the_questions_again_keeps_the_proposals_answering_them():
    consultation = consultation_at(State.HELD)
    by = secretary_of(consultation.schedule.council)
    question = consultation.questions.get()
    proposal = add_proposal(consultation, by=by, question=question)
    workflow.step_back(consultation, by=by, reason="x")
    workflow.step_back(consultation, by=by, reason="x")
    workflow.step_back(consultation, by=by, reason="x")
    services.set_questions(consultation, by=by, questions=[("Сұрақ?", "Вопрос?"), ("Екінші?", "Второй?")])
    proposal.refresh_from_db()
    assert proposal.question_id == question.pk
    assert consultation.questions.count() == 2


def test_the_confirmation_page_is_only_for_who_submitted(client):
    consultation = published_at(State.HELD, listed_proposals=0)
    data = {"author_name": "Алия", "author_kind": "citizen", "contact": "a@mail.kz", "consent": "on",
            "text": "Ұсынысымның мәтіні осында.", "token": str(uuid.uuid4())}  # fmt: skip
    response = client.post(url("proposals:propose", slug=consultation.slug), data)
    assert client.get(response.url).status_code == 200
    stranger = client.__class__()
    assert stranger.get(response.url).status_code == 302  # sent on to the status page, which says no more


def test_a_proposal_arriving_after_the_intake_closed_early_is_refused():
    consultation = published_at(State.HELD, listed_proposals=0)
    stale = Consultation.objects.get(pk=consultation.pk)
    secretary = secretary_of(consultation.schedule.council)
    workflow.close_intake(consultation, by=secretary, reason_kk="Жеткілікті", reason_ru="Достаточно")
    workflow.compile_proposals(consultation, by=secretary)
    from common.errors import ActionRefused
    from proposals.models import ConsentText
    from proposals.services import submit_proposal

    with pytest.raises(ActionRefused):
        submit_proposal(stale, token=uuid.uuid4(), language="kk", text="Кеш келді", author_name="А",
                        consent_text=ConsentText.current())  # fmt: skip
    assert not Proposal.objects.filter(consultation=consultation).exists()


def test_feeds_carry_the_announcement_text_escaped(client):
    consultation = published_at(State.QUESTIONS_APPROVED)
    workflow.announce(consultation, by=secretary_of(consultation.schedule.council), text_kk="<script>alert(1)</script>")
    parsed = feedparser.parse(client.get(url("news-atom")).content)
    entry = next(e for e in parsed.entries if consultation.slug in e.link)
    assert "<script>" not in entry.summary


def test_a_year_out_of_range_is_not_found_rather_than_an_error(client):
    council = CouncilFactory()
    client.force_login(staff_of(council))
    assert (
        client.post(url("workspace:consultation_new", council_slug=council.slug, year=2101, quarter=1)).status_code
        == 404
    )


def test_files_are_served_only_once_public(client):
    council = CouncilFactory()
    meeting = Meeting.objects.create(council=council, date=timezone.localdate(), agenda_kk="Күн тәртібі")
    meeting.protocol_file_kk.save("p.pdf", ContentFile(b"%PDF-1.4 protocol"))
    assert client.get(url("meeting-protocol", pk=meeting.pk, language="kk")).status_code == 404
    meeting.protocol_published_at = timezone.now()
    meeting.save()
    assert client.get(url("meeting-protocol", pk=meeting.pk, language="kk")).status_code == 200
    draft = consultation_at(State.DECIDED)
    document = Document.objects.create(consultation=draft, title_kk="Жоба")
    document.file.save("draft.pdf", ContentFile(b"%PDF-1.4 draft"))
    assert client.get(url("consultations:attachment", slug=draft.slug, pk=document.pk)).status_code == 404
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_the_system_opens_intake_when_the_window_opens():
    now = timezone.now()
    due = published_at(State.ANNOUNCED, window_opens_at=now - datetime.timedelta(hours=1),
                       window_closes_at=now + datetime.timedelta(days=9))  # fmt: skip
    later = published_at(State.ANNOUNCED, window_opens_at=now + datetime.timedelta(days=2),
                         window_closes_at=now + datetime.timedelta(days=9))  # fmt: skip
    assert open_due_intakes() == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.state, later.state) == (State.HELD, State.ANNOUNCED)
    assert due.transitions.get(to_state=State.HELD).by is None
    assert open_due_intakes() == 0
