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
    planned_consultation,
    secretary_of,
    url,
)

pytestmark = pytest.mark.django_db

State = Consultation.State

# The budgets: what each page costs today, with a little room. Query counts that grow with the rows fail the
# few-versus-many comparison whatever the budget.
DASHBOARD_BUDGET = 9
CONSULTATION_BUDGET = 13
INBOX_BUDGET = 7


def page_queries(client, address, budget):
    """The page's queries, once the caches are warm (content types, the session), within `budget`; and the page."""
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert len(sql) <= budget, "\n\n".join(sql)
    return sql, response.content.decode()


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

    few, page = page_queries(client, url("workspace:dashboard"), DASHBOARD_BUDGET)
    assert held.title_kk in page and first.name_kk in page

    others = [council_with_consultations(secretary, 3) for _ in range(3)]
    more = consultation_at(State.HELD, council=others[0][0], by=secretary, listed_proposals=2)
    add_proposal(more, by=secretary)
    many, page = page_queries(client, url("workspace:dashboard"), DASHBOARD_BUDGET)
    assert Consultation.objects.filter(schedule__council__memberships__user=secretary).count() == 12
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
    moderations = [Proposal.Moderation.NEW, Proposal.Moderation.LISTED, Proposal.Moderation.SET_ASIDE]
    for n in range(count):
        add_proposal(consultation, by=secretary, moderation=moderations[n % 3], author_name=f"Автор {n}")
    assert consultation.proposals.count() == 30


def test_a_consultations_page_makes_the_same_number_of_queries_for_3_and_30_proposals(client, held):
    address = url("workspace:consultation", slug=held.slug)
    few, page = page_queries(client, address, CONSULTATION_BUDGET)
    assert held.title_kk in page

    add_many(held)
    secretary = secretary_of(held.schedule.council)
    # More log entries: a step back and the step taken again.
    workflow.step_back(held, by=secretary, reason="Қате / Ошибка")
    held.refresh_from_db()
    workflow.open_intake(held, by=secretary)
    assert held.transitions.count() >= 6
    many, page = page_queries(client, address, CONSULTATION_BUDGET)
    assert len(many) == len(few), "\n\n".join(many)


def test_the_inbox_makes_the_same_number_of_queries_for_3_and_30_proposals(client, held):
    address = url("workspace:inbox", slug=held.slug)
    few, page = page_queries(client, address, INBOX_BUDGET)
    assert all(p.reference in page for p in held.proposals.all())

    add_many(held)
    many, page = page_queries(client, address, INBOX_BUDGET)
    assert all(p.reference in page for p in held.proposals.all())
    assert "Автор 26" in page
    assert len(many) == len(few), "\n\n".join(many)
