"""The pages of a consultation's inbox in the workspace (issue 16, large consultations): read from where the page
before ended (common/keyset.py), every proposal once and in the order they came, the filters kept from page to
page, whatever the address says."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import Consultation
from proposals.models import Proposal
from tests.factories import consultation_at, secretary_of, url
from tests.keyset_pages import joined, read_page

pytestmark = pytest.mark.django_db
State = Consultation.State
PAGE_SIZE = 50
REFERENCE = re.compile(r">(QG-[0-9-]+)</a><br>")
MODERATIONS = [Proposal.Moderation.NEW, Proposal.Moderation.LISTED, Proposal.Moderation.SET_ASIDE]


def add_many(consultation, count, *, start=0):
    """`count` proposals, new, listed and set aside in turn, in Kazakh and Russian, two by two received at the
    same moment (the id then orders them); every other one with an address to answer (the inbox then looks for
    repeats from one address among the new ones, a query of its own)."""
    base = timezone.now() - datetime.timedelta(days=3)

    def proposal(n):
        moderation = MODERATIONS[n % 3]
        return Proposal(
            consultation=consultation, reference=f"QG-2098-{consultation.pk % 100:02d}{start + n:04d}",
            text=f"Ұсыныс {n}", language="kk" if n % 2 else "ru", channel="mail", moderation=moderation,
            contact=f"author{start + n}@example.kz" if n % 2 else "",
            submitted_at=base + datetime.timedelta(minutes=(start + n) // 2),
            set_aside_reason="off_topic" if moderation == Proposal.Moderation.SET_ASIDE else "",
        )  # fmt: skip

    Proposal.objects.bulk_create(proposal(n) for n in range(count))


@pytest.fixture
def held(client):
    """A consultation open for proposals with 131 of them, its secretary signed in."""
    consultation = consultation_at(State.HELD, listed_proposals=1)
    add_many(consultation, 130)
    client.force_login(secretary_of(consultation.schedule.council))
    return consultation


def in_order(proposals) -> list[str]:
    return list(proposals.order_by("submitted_at", "id").values_list("reference", flat=True))


def get(client, address):
    return read_page(client, address, REFERENCE)


def walk(client, address, rel):
    pages = []
    while address:
        references, links, _html = get(client, address)
        pages.append(references)
        address = links.links.get(rel) and address.split("?")[0] + links.links[rel]
        assert len(pages) < 10, "the links go round in circles"
    return pages


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_walking_the_inbox_forward_and_back_shows_every_proposal_once_in_order(client, held, language):
    address = url("workspace:inbox", language, slug=held.slug)
    forward = walk(client, address, "next")
    assert [len(page) for page in forward] == [50, 50, 31]
    assert joined(forward) == in_order(held.proposals.all())
    assert walk(client, address + "?after=" + forward[1][-1], "prev") == list(reversed(forward))
    back = walk(client, address + "?last=1", "prev")
    assert joined(reversed(back)) == in_order(held.proposals.all())


def test_the_filters_are_kept_from_page_to_page(client, held):
    address = url("workspace:inbox", "ru", slug=held.slug)
    query = "?language=ru&channel=mail"
    _refs, links, _html = get(client, address + query)
    assert links.links["next"].startswith("?language=ru&channel=mail&after=")
    pages = walk(client, address + query, "next")
    assert [len(page) for page in pages] == [50, 15]
    assert joined(pages) == in_order(held.proposals.filter(language="ru"))
    _refs, links, _html = get(client, address + links.links["next"])
    assert links.links["prev"].startswith("?language=ru&channel=mail&before=")
    assert links.links["Первая страница"] == "?language=ru&channel=mail"
    assert walk(client, address + links.links["prev"], "prev") == [pages[0]]


def test_the_place_in_the_list_holds_when_the_proposal_named_has_left_the_filter(client, held):
    new = in_order(held.proposals.filter(moderation="new"))
    sorted_away = held.proposals.get(reference=new[20])
    Proposal.objects.filter(pk=sorted_away.pk).update(moderation="listed")
    address = url("workspace:inbox", "kk", slug=held.slug) + f"?moderation=new&after={sorted_away.reference}"
    references, _links, _html = get(client, address)
    assert references == new[21:]


def test_the_inbox_counts_what_the_filters_find_on_every_page(client, held):
    address = url("workspace:inbox", "ru", slug=held.slug)
    after = in_order(held.proposals.all())[70]
    for query in ("", "?last=1", f"?after={after}"):
        _refs, _links, html = get(client, address + query)
        assert "131 предложени" in html
    _refs, _links, html = get(client, address + f"?moderation=set_aside&after={after}")
    assert f"{held.proposals.filter(moderation='set_aside').count()} предложени" in html


def test_ticking_a_page_is_not_carried_to_the_next(client, held):
    _refs, links, html = get(client, url("workspace:inbox", "kk", slug=held.slug) + "?select=page")
    assert "checked" in html
    assert "select" not in links.links["next"]


@pytest.mark.parametrize("param", ["after", "before"])
@pytest.mark.parametrize(
    "value",
    ["garbage", "' OR 1=1 --", "QG-2026-00001'; DELETE FROM proposals_proposal; --", "9" * 40, "-1", "x" * 5000,
     "%F0%9F%92%A5", "another", ""],
)  # fmt: skip
def test_a_hostile_place_in_the_inbox_gives_the_first_page(client, held, param, value):
    if value == "another":
        other = consultation_at(State.HELD, listed_proposals=1)
        value = other.proposals.get().reference
    references, links, _html = get(client, url("workspace:inbox", "kk", slug=held.slug) + f"?{param}={value}")
    assert references == in_order(held.proposals.all())[:PAGE_SIZE]
    assert "prev" not in links.links


@pytest.mark.parametrize("query", ["page=2", "page=500", "page=last", "page=abc"])
def test_an_old_numbered_inbox_page_shows_the_first_page(client, held, query):
    references, links, _html = get(client, url("workspace:inbox", "ru", slug=held.slug) + f"?moderation=new&{query}")
    assert references == in_order(held.proposals.filter(moderation="new"))[:PAGE_SIZE]
    assert "page=" not in str(links.links)


def count_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_page_of_the_inbox_keeps_its_query_budget_with_few_and_many_proposals(
    client, django_assert_max_num_queries, language
):
    consultation = consultation_at(State.HELD, listed_proposals=1)
    add_many(consultation, 4, start=900)  # no page below is empty (an empty page from a row named takes a query more)
    client.force_login(secretary_of(consultation.schedule.council))
    address = url("workspace:inbox", language, slug=consultation.slug)
    first = in_order(consultation.proposals.all())[0]
    queries = ("", "?last=1", f"?after={first}", f"?moderation=listed&after={first}")
    client.get(address)  # the session read once
    few = [count_queries(client, address + query) for query in queries]
    add_many(consultation, 300)
    many = [count_queries(client, address + query) for query in queries]
    assert few == many
    every = in_order(consultation.proposals.all())
    middle, last = every[150], every[-1]
    for query in ("", "?last=1", f"?after={middle}", f"?before={middle}", f"?moderation=new&after={middle}",
                  "?after=garbage", f"?after={last}", "?page=7"):  # fmt: skip
        with django_assert_max_num_queries(10):
            assert client.get(address + query).status_code == 200
