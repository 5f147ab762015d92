"""The pages of a consultation's results (issue 16, large consultations): read from where the page before ended
(common/keyset.py), every proposal in the list shown once, in the order they came, whatever the address says."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import Consultation
from proposals.models import Proposal
from tests.keyset_pages import joined, read_page
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State
PAGE_SIZE = 50
REFERENCE = re.compile(r'<h3 class="meta"><span[^>]*>(QG-[0-9-]+)</span>')


def add_listed(consultation, count, *, start=0, moderation=Proposal.Moderation.LISTED):
    """`count` proposals, two by two received at the same moment (the id then orders them)."""
    question = consultation.questions.first()
    base = timezone.now() - datetime.timedelta(days=3)
    listed = moderation == Proposal.Moderation.LISTED
    Proposal.objects.bulk_create(
        Proposal(
            consultation=consultation, reference=f"QG-2099-{consultation.pk % 100:02d}{start + n:04d}",
            text=f"Ұсыныс {n}", language="kk", channel="mail", moderation=moderation, question=question,
            submitted_at=base + datetime.timedelta(minutes=(start + n) // 2),
            decision="not_taken" if listed else "", decision_reasons_kk="Себеп" if listed else "",
            decision_reasons_ru="Причина" if listed else "", set_aside_reason="" if listed else "off_topic",
        )
        for n in range(count)
    )  # fmt: skip


@pytest.fixture
def results():
    """A published consultation with 2 listed proposals from the workflow, 120 more and 7 set aside."""
    consultation = published_at(State.POSITION_PUBLISHED, listed_proposals=2)
    add_listed(consultation, 120)
    add_listed(consultation, 7, start=500, moderation=Proposal.Moderation.SET_ASIDE)
    return consultation


def in_order(consultation) -> list[str]:
    listed = consultation.proposals.filter(moderation=Proposal.Moderation.LISTED)
    return list(listed.order_by("submitted_at", "id").values_list("reference", flat=True))


def get(client, address):
    references, links, _html = read_page(client, address, REFERENCE)
    return references, links


def walk(client, address, rel):
    """The pages met following the `rel` links from `address`, each as its list of references."""
    pages = []
    while address:
        references, links = get(client, address)
        pages.append(references)
        address = links.links.get(rel) and address.split("?")[0] + links.links[rel].split("#")[0]
        assert len(pages) < 10, "the links go round in circles"
    return pages


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_walking_the_results_forward_and_back_shows_every_proposal_of_the_list_once_in_order(client, results, language):
    address = f"/{language}/consultations/{results.slug}/results/"
    forward = walk(client, address, "next")
    assert [len(page) for page in forward] == [50, 50, 22]
    assert joined(forward) == in_order(results)

    back = walk(client, address + "?last=1", "prev")
    assert joined(reversed(back)) == in_order(results)
    # from the last page reached by "next", "previous" gives the same pages back
    last_forward = address + "?after=" + forward[1][-1]
    assert walk(client, last_forward, "prev") == list(reversed(forward))


def test_the_pagination_is_a_labelled_navigation_with_first_and_last_pages_in_both_languages(client, results):
    _refs, links = get(client, f"/ru/consultations/{results.slug}/results/")
    assert links.label == "Страницы"
    assert set(links.links) == {"next", "Следующая страница", "Последняя страница"}
    assert links.links["Последняя страница"] == "?last=1#proposals-heading"
    middle = links.links["next"].split("#")[0]
    _refs, links = get(client, f"/kk/consultations/{results.slug}/results/{middle}")
    assert links.label == "Беттер"
    assert {"prev", "next", "Бірінші бет", "Алдыңғы бет", "Келесі бет", "Соңғы бет"} == set(links.links)
    assert links.links["Бірінші бет"] == "?#proposals-heading"


def test_the_page_counts_the_whole_list_on_every_page(client, results):
    total = len(in_order(results))
    for query in ("", "?last=1", f"?after={in_order(results)[60]}"):
        html = client.get(f"/ru/consultations/{results.slug}/results/{query}").content.decode()
        assert f"{total} предложени" in html


def another_consultations_reference():
    other = published_at(State.POSITION_PUBLISHED, listed_proposals=1)
    return other.proposals.get().reference


@pytest.mark.parametrize("param", ["after", "before"])
@pytest.mark.parametrize(
    "value",
    ["garbage", "' OR 1=1 --", "QG-2026-00001'); DROP TABLE proposals_proposal; --", "9" * 40, "-1",
     "x" * 5000, "%F0%9F%92%A5", "another", "set_aside", ""],
)  # fmt: skip
def test_a_hostile_place_in_the_list_gives_the_first_page(client, results, param, value):
    if value == "another":
        value = another_consultations_reference()
    elif value == "set_aside":  # a proposal of the consultation, but not in the list
        value = results.proposals.filter(moderation=Proposal.Moderation.SET_ASIDE).first().reference
    references, links = get(client, f"/kk/consultations/{results.slug}/results/?{param}={value}")
    assert references == in_order(results)[:PAGE_SIZE]
    assert "prev" not in links.links


@pytest.mark.parametrize("query", ["page=2", "page=850", "page=last", "page=-1", "page=abc"])
def test_an_old_numbered_page_address_shows_the_first_page_and_is_not_carried_on(client, results, query):
    references, links = get(client, f"/ru/consultations/{results.slug}/results/?{query}")
    assert references == in_order(results)[:PAGE_SIZE]
    assert "page=" not in links.links["next"]


def test_past_the_end_of_the_list_the_page_is_empty_and_leads_back(client, results):
    references, links = get(client, f"/ru/consultations/{results.slug}/results/?after={in_order(results)[-1]}")
    assert references == []
    assert links.links["prev"] == "?last=1#proposals-heading"
    references, links = get(client, f"/ru/consultations/{results.slug}/results/?before={in_order(results)[0]}")
    assert references == []
    assert links.links["next"] == "?#proposals-heading"


def count_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_page_of_the_results_keeps_its_query_budget_with_few_and_many_proposals(
    client, django_assert_max_num_queries, language
):
    consultation = published_at(State.POSITION_PUBLISHED, listed_proposals=2)
    address = f"/{language}/consultations/{consultation.slug}/results/"
    few = [count_queries(client, address + query) for query in ("", "?last=1", f"?after={in_order(consultation)[0]}")]
    add_listed(consultation, 300)
    middle = in_order(consultation)[150]
    many = [count_queries(client, address + query) for query in ("", "?last=1", f"?after={middle}")]
    assert few == many
    for query in ("", "?last=1", f"?after={middle}", f"?before={middle}", "?after=garbage", "?page=7"):
        with django_assert_max_num_queries(10):
            assert client.get(address + query).status_code == 200
