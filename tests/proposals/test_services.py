"""Receiving proposals, sorting them into the list, and the council's decisions."""

import datetime
import re
import uuid

import pytest
from django.utils import timezone

from common.errors import ActionRefused
from consultations.models import Consultation
from proposals import services
from proposals.models import Proposal, ProposalEvent
from tests.factories import ConsentTextFactory, CouncilFactory, add_proposal, consultation_at, staff_of

pytestmark = pytest.mark.django_db
State = Consultation.State


def submit(consultation, token=None, **fields):
    values = {
        "token": token or uuid.uuid4(),
        "language": "ru",
        "text": "Предлагаю продлить работу библиотек до 21:00.",
        "author_name": "Алия Ахметова",
        "consent_text": ConsentTextFactory(),
    } | fields
    return services.submit_proposal(consultation, **values)


def test_a_proposal_gets_a_public_reference_of_its_year():
    consultation = consultation_at(State.HELD, listed_proposals=0)
    proposal, created = submit(consultation)
    assert created
    assert re.fullmatch(rf"QG-{timezone.now().year}-\d{{6}}", proposal.reference)
    assert proposal.channel == Proposal.Channel.PORTAL and proposal.language == "ru"
    assert proposal.consent_given_at and proposal.consent_operator == proposal.consent_text.operator
    assert proposal.events.get().action == ProposalEvent.Action.SUBMITTED


def test_references_count_up_and_are_never_reused():
    assert services.allocate_references(2026, 2) == ["QG-2026-000001", "QG-2026-000002"]
    assert services.allocate_references(2026) == ["QG-2026-000003"]
    assert services.allocate_references(2027) == ["QG-2027-000001"]


def test_a_second_post_of_the_same_form_stores_nothing_and_returns_the_first():
    consultation = consultation_at(State.HELD, listed_proposals=0)
    token = uuid.uuid4()
    first, created = submit(consultation, token=token)
    again, created_again = submit(consultation, token=token)
    assert created and not created_again
    assert again == first
    assert consultation.proposals.count() == 1


@pytest.mark.parametrize("state", [State.ANNOUNCED, State.PROPOSALS_COMPILED])
def test_the_portal_takes_proposals_only_while_the_consultation_is_held(state):
    consultation = consultation_at(state)
    count = Proposal.objects.count()
    with pytest.raises(ActionRefused):
        submit(consultation)
    assert Proposal.objects.count() == count


def test_the_portal_takes_proposals_only_inside_the_window():
    consultation = consultation_at(State.HELD, listed_proposals=0)
    with pytest.raises(ActionRefused):
        submit(consultation, at=consultation.window_closes_at + datetime.timedelta(seconds=1))
    with pytest.raises(ActionRefused):
        submit(consultation, at=consultation.window_opens_at - datetime.timedelta(seconds=1))
    assert not consultation.proposals.exists()


def test_staff_enter_proposals_from_other_channels_with_who_entered_them():
    consultation = consultation_at(State.HELD, listed_proposals=0)
    secretary = consultation.schedule.council.memberships.get(role="secretary").user
    proposal = services.enter_proposal(
        consultation,
        by=secretary,
        channel=Proposal.Channel.SOCIAL,
        language="kk",
        text="Жаяу жүргіншілер жолы керек.",
    )
    assert (proposal.channel, proposal.entered_by) == (Proposal.Channel.SOCIAL, secretary)
    assert proposal.events.get().by == secretary


def test_staff_cannot_enter_a_proposal_as_if_from_the_portal_or_after_the_list_is_formed():
    held = consultation_at(State.HELD, listed_proposals=0)
    secretary = held.schedule.council.memberships.get(role="secretary").user
    with pytest.raises(ActionRefused):
        services.enter_proposal(held, by=secretary, channel="portal", language="kk", text="x")
    compiled = consultation_at(State.PROPOSALS_COMPILED)
    with pytest.raises(ActionRefused):
        services.enter_proposal(
            compiled,
            by=compiled.schedule.council.memberships.get(role="secretary").user,
            channel="mail",
            language="kk",
            text="x",
        )


def test_another_councils_secretary_cannot_enter_or_sort_proposals():
    consultation = consultation_at(State.HELD, listed_proposals=0)
    secretary = consultation.schedule.council.memberships.get(role="secretary").user
    proposal = add_proposal(consultation, by=secretary)
    stranger = staff_of(CouncilFactory())
    with pytest.raises(ActionRefused):
        services.enter_proposal(consultation, by=stranger, channel="mail", language="kk", text="x")
    with pytest.raises(ActionRefused):
        services.include_in_list([proposal], by=stranger)
    proposal.refresh_from_db()
    assert proposal.moderation == Proposal.Moderation.NEW


def test_a_duplicate_points_at_the_proposal_it_repeats():
    consultation = consultation_at(State.HELD, listed_proposals=0)
    secretary = consultation.schedule.council.memberships.get(role="secretary").user
    original = add_proposal(consultation, by=secretary, moderation="listed")
    repeat = add_proposal(consultation, by=secretary)
    with pytest.raises(ActionRefused, match="repeats"):
        services.set_aside([repeat], by=secretary, reason="duplicate")
    services.set_aside([repeat], by=secretary, reason="duplicate", duplicate_of=original, note="Қайталанған")
    repeat.refresh_from_db()
    assert (repeat.moderation, repeat.set_aside_reason, repeat.duplicate_of) == (
        "set_aside",
        "duplicate",
        original,
    )


def test_bulk_decision_with_the_same_reasons_and_a_history_row_each():
    consultation = consultation_at(State.PROPOSALS_COMPILED, listed_proposals=3)
    secretary = consultation.schedule.council.memberships.get(role="secretary").user
    proposals = list(consultation.proposals.all())
    assert (
        services.decide(proposals, by=secretary, decision="partly_taken", reasons_kk="Ішінара.", reasons_ru="Частично.")
        == 3
    )
    assert set(consultation.proposals.values_list("decision", "decision_reasons_ru")) == {("partly_taken", "Частично.")}
    assert ProposalEvent.objects.filter(action="decided", by=secretary).count() == 3


def test_a_decision_needs_its_reasons_in_both_languages():
    consultation = consultation_at(State.PROPOSALS_COMPILED)
    secretary = consultation.schedule.council.memberships.get(role="secretary").user
    with pytest.raises(ActionRefused, match="Kazakh and in Russian"):
        services.decide(
            list(consultation.proposals.all()),
            by=secretary,
            decision="not_taken",
            reasons_kk="Себеп",
            reasons_ru="",
        )
    assert not consultation.proposals.exclude(decision="").exists()
