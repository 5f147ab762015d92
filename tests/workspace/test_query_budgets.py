"""Query budgets of the workspace's pages: the dashboard, a consultation's page and its inbox make the same number
of queries with few rows as with many, and no more than their budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations import workflow
from consultations.models import Consultation
from councils.models import Membership
from proposals.models import Proposal
from tests.factories import (
    CouncilFactory,
    MembershipFactory,
    add_proposal,
    consultation_at,
    decide_all,
    planned_consultation,
    secretary_of,
    staff_of,
    url,
    write_position,
)

pytestmark = pytest.mark.django_db

State = Consultation.State

# The budgets: what each page costs, signed in (the session and the user included). A query per row would
# also fail the comparison of few rows with many, whatever the budget.
DASHBOARD_BUDGET = 9
CONSULTATION_BUDGET = 13
INBOX_BUDGET = 8  # and, while the proposals are worked on, the groups' status (when updated, what waits)
INBOX_PUBLISHED_BUDGET = 9  # and the authors to answer by phone, and those owed a mailed answer


def page_queries(client, address, budget):
    """The page's queries, once the caches are warm (content types, the session), within `budget`; and the
    response."""
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert len(sql) <= budget, "\n\n".join(sql)
    return sql, response


# ---------------------------------------------------------------------------------------------------------
# The dashboard


def council_with_consultations(secretary, count):
    council = CouncilFactory()
    MembershipFactory(council=council, user=secretary, role=Membership.Role.SECRETARY, kind="")
    consultations = [planned_consultation(council, by=secretary) for _ in range(count)]
    return council, consultations


def test_the_dashboard_makes_the_same_number_of_queries_for_2_and_12_consultations(client):
    first = CouncilFactory()
    secretary = secretary_of(first)
    client.force_login(secretary)
    held = consultation_at(State.HELD, council=first, by=secretary, listed_proposals=1)
    add_proposal(held, by=secretary)
    planned_consultation(first, by=secretary)

    few, response = page_queries(client, url("workspace:dashboard"), DASHBOARD_BUDGET)
    page = response.content.decode()
    assert held.title_kk in page and first.name_kk in page
    assert [len(row["consultations"]) for row in response.context["rows"]] == [2]
    assert response.context["rows"][0]["new_proposals"] == 1

    others = [council_with_consultations(secretary, 3) for _ in range(3)]
    more = consultation_at(State.HELD, council=others[0][0], by=secretary, listed_proposals=2)
    add_proposal(more, by=secretary)
    many, response = page_queries(client, url("workspace:dashboard"), DASHBOARD_BUDGET)
    page = response.content.decode()
    assert sum(len(row["consultations"]) for row in response.context["rows"]) == 12
    assert sum(row["new_proposals"] for row in response.context["rows"]) == 2
    for council, consultations in others:
        assert council.name_kk in page
        assert all(consultation.title_kk in page for consultation in consultations)
    assert more.title_kk in page
    assert len(many) == len(few), "\n\n".join(many)


# ---------------------------------------------------------------------------------------------------------
# A consultation's page and its inbox


@pytest.fixture
def held(client):
    """A held consultation with 3 proposals (listed, new, set aside), its secretary signed in."""
    consultation = consultation_at(State.HELD, listed_proposals=1)
    secretary = secretary_of(consultation.schedule.council)
    add_proposal(consultation, by=secretary)
    add_proposal(consultation, by=secretary, moderation=Proposal.Moderation.SET_ASIDE)
    client.force_login(secretary)
    return consultation


def add_many(consultation, count=27):
    secretary = secretary_of(consultation.schedule.council)
    question = consultation.questions.get()  # each row shows its question
    moderations = [Proposal.Moderation.NEW, Proposal.Moderation.LISTED, Proposal.Moderation.SET_ASIDE]
    for n in range(count):
        add_proposal(
            consultation, by=secretary, moderation=moderations[n % 3], author_name=f"Автор {n}", question=question
        )
    assert consultation.proposals.count() == 30


def test_a_consultations_page_makes_the_same_number_of_queries_for_3_and_30_proposals(client, held):
    address = url("workspace:consultation", slug=held.slug)
    few, response = page_queries(client, address, CONSULTATION_BUDGET)
    assert held.title_kk in response.content.decode()
    assert response.context["counts"] == {"new": 1, "listed": 1, "set_aside": 1, "undecided": 1}
    assert len(response.context["log"]) == 4

    add_many(held)
    secretary = secretary_of(held.schedule.council)
    # More log entries: a step back and the step taken again.
    workflow.step_back(held, by=secretary, reason="Қате / Ошибка")
    held.refresh_from_db()
    workflow.open_intake(held, by=secretary)
    many, response = page_queries(client, address, CONSULTATION_BUDGET)
    assert response.context["counts"] == {"new": 10, "listed": 10, "set_aside": 10, "undecided": 10}
    assert len(response.context["log"]) == 6
    assert [question.text for question in response.context["questions"]] == ["Сұрақ?"]
    assert len(many) == len(few), "\n\n".join(many)


@pytest.mark.parametrize("role", [Membership.Role.SECRETARY, Membership.Role.MEMBER])
def test_the_inbox_makes_the_same_number_of_queries_for_3_and_30_proposals(client, held, role):
    if role == Membership.Role.MEMBER:  # members read the inbox without the contacts
        client.force_login(staff_of(held.schedule.council, role))
    address = url("workspace:inbox", slug=held.slug)
    few, response = page_queries(client, address, INBOX_BUDGET)
    page = response.content.decode()
    assert all(p.reference in page for p in held.proposals.all())

    add_many(held)
    many, response = page_queries(client, address, INBOX_BUDGET)
    page = response.content.decode()
    assert all(p.reference in page for p in held.proposals.all())
    assert "Автор 26" in page
    assert len(many) == len(few), "\n\n".join(many)


PHONE = "+7 701 234 56 78"


def published_with_phone_authors(council, count):
    """A consultation whose position is published, with `count` listed proposals whose authors asked for an
    answer and gave only a phone number."""
    secretary = secretary_of(council)
    consultation = consultation_at(State.HELD, council=council, by=secretary, listed_proposals=0)
    for n in range(count):
        add_proposal(
            consultation, by=secretary, moderation=Proposal.Moderation.LISTED, wants_answer=True, contact=PHONE,
            author_name=f"Телефон {n}",
        )  # fmt: skip
    workflow.close_intake(consultation, by=secretary, reason_kk="Жеткілікті", reason_ru="Достаточно")
    workflow.compile_proposals(consultation, by=secretary)
    decide_all(consultation, by=secretary)
    write_position(consultation)
    workflow.publish_position(consultation, by=secretary)
    return consultation


def test_the_inbox_of_a_published_position_lists_3_or_30_authors_to_call_in_the_same_number_of_queries(client):
    council = CouncilFactory()
    client.force_login(secretary_of(council))
    few_authors = published_with_phone_authors(council, 3)
    many_authors = published_with_phone_authors(council, 30)

    few, response = page_queries(client, url("workspace:inbox", slug=few_authors.slug), INBOX_PUBLISHED_BUDGET)
    assert len(response.context["by_phone"]) == 3 and PHONE in response.content.decode()
    many, response = page_queries(client, url("workspace:inbox", slug=many_authors.slug), INBOX_PUBLISHED_BUDGET)
    assert len(response.context["by_phone"]) == 30 and "Телефон 29" in response.content.decode()
    assert len(many) == len(few), "\n\n".join(many)
