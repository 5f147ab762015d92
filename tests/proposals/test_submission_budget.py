"""The queries of one proposal sent through the portal form: the whole request, middleware included, is held to
a budget, so that the form keeps up when a consultation draws a crowd (BENCHMARKS.md, "Submission")."""

import datetime
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from consultations.models import Consultation
from proposals.models import Proposal, ProposalEvent
from publications.models import OutgoingMail
from tests.factories import ConsentTextFactory
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State

QUERY_BUDGET = 8


@pytest.fixture
def consultation():
    return published_at(State.HELD, listed_proposals=0)


def form(consultation, **changes):
    data = {
        "author_name": "Айгүл Серікқызы",
        "author_kind": "citizen",
        "organisation": "",
        "contact": "",
        "text": "Аялдамаларға жылы күту павильондарын орнатуды ұсынамын.",
        "consent": "on",
        "token": str(uuid.uuid4()),
        "website": "",
    }
    question = consultation.questions.first()
    if question is not None:
        data["question"] = str(question.pk)
    return data | changes


def post(client, consultation, language, data, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    client.get(f"/{language}/consultations/{consultation.slug}/propose/")  # the form's page, as a browser would
    # What runs after the commit (the mail's sending, here in the test's process) is not the request's.
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(QUERY_BUDGET):
        return client.post(f"/{language}/consultations/{consultation.slug}/propose/", data)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_anonymous_proposal_is_stored_within_the_budget(
    client, consultation, language, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    data = form(consultation, hide_name="on")  # the name kept from the results, no contact
    response = post(
        client, consultation, language, data, django_assert_max_num_queries, django_capture_on_commit_callbacks
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == f"/{language}/proposals/{proposal.reference}/submitted/"
    assert (proposal.language, proposal.hide_name, proposal.contact) == (language, True, "")
    assert proposal.consent_text is not None and proposal.consent_given_at is not None
    assert proposal.consent_operator == proposal.consent_text.operator
    assert list(proposal.events.values_list("action", flat=True)) == [ProposalEvent.Action.SUBMITTED]
    assert not OutgoingMail.objects.exists()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_proposal_asking_for_an_answer_is_stored_and_confirmed_within_the_budget(
    client,
    consultation,
    language,
    tasks_in_process,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    data = form(consultation, contact="aigul@mail.kz", wants_answer="on")
    response = post(
        client, consultation, language, data, django_assert_max_num_queries, django_capture_on_commit_callbacks
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == f"/{language}/proposals/{proposal.reference}/submitted/"
    assert (proposal.language, proposal.wants_answer, proposal.contact) == (language, True, "aigul@mail.kz")
    assert proposal.question == consultation.questions.first()
    assert proposal.consent_text is not None and proposal.consent_given_at is not None
    confirmation = OutgoingMail.objects.get()
    assert (confirmation.to, confirmation.language, confirmation.kind) == (
        "aigul@mail.kz",
        language,
        OutgoingMail.Kind.PROPOSAL_CONFIRMATION,
    )
    assert proposal.reference in confirmation.body
    assert [message.to for message in mail.outbox] == [["aigul@mail.kz"]]


def test_references_follow_each_other_and_a_second_post_of_the_form_stores_nothing(
    client, consultation, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    first = form(consultation)
    for data in (first, form(consultation), first):
        post(client, consultation, "kk", data, django_assert_max_num_queries, django_capture_on_commit_callbacks)
    references = sorted(Proposal.objects.values_list("reference", flat=True))
    assert len(references) == 2
    assert int(references[1][-6:]) == int(references[0][-6:]) + 1


def test_a_new_consent_text_is_the_one_recorded_as_soon_as_it_is_in_force(
    client, consultation, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The text in force is kept in the cache between posts; saving a new one replaces it at once, and one
    saved ahead of its date waits for it."""
    post(
        client,
        consultation,
        "kk",
        form(consultation),
        django_assert_max_num_queries,
        django_capture_on_commit_callbacks,
    )
    ConsentTextFactory(version=2, effective_from=timezone.now())
    ConsentTextFactory(version=3, effective_from=timezone.now() + datetime.timedelta(days=1))
    post(
        client,
        consultation,
        "ru",
        form(consultation),
        django_assert_max_num_queries,
        django_capture_on_commit_callbacks,
    )
    versions = [proposal.consent_text.version for proposal in Proposal.objects.order_by("reference")]
    assert versions == [1, 2]
