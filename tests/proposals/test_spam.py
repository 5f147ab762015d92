"""Likely spam flagged in the inbox (issue 18): a link alone, the same text again and again from one address, a
text in neither Kazakh nor Russian. The secretary sets one aside in one click; the portal never does it alone."""

import re

import pytest

from consultations.models import Consultation
from councils.models import Membership
from proposals import spam
from proposals.models import Proposal
from tests.factories import add_proposal, consultation_at, secretary_of, staff_of, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text, expected",
    [
        ("https://casino.example/bonus", True),
        ("www.example.test/a www.example.test/b !!!", True),
        ("Смотрите https://example.test", True),
        ("Аялдамаға шатыр орнату керек, жоба мұнда: https://example.test/plan.pdf", False),
        ("Поставить скамейки в парке у школы № 12", False),
    ],
)
def test_a_link_alone_is_a_sign(text, expected):
    assert spam.link_only(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Please repair the road near the school as soon as possible", True),
        ("Lorem ipsum dolor sit amet, consectetur adipiscing elit", True),
        ("Мектеп жанындағы жолды жөндеу керек", False),
        ("Отремонтировать дорогу возле школы, улица Abay", False),
        ("OK 2026", False),  # too few letters to judge
    ],
)
def test_a_text_in_neither_language_is_a_sign(text, expected):
    assert spam.in_neither_language(text) is expected


@pytest.fixture
def held():
    return consultation_at(Consultation.State.HELD, listed_proposals=0)


def test_the_secretary_sees_the_signs_and_sets_one_aside_in_one_click(client, held):
    by = secretary_of(held.schedule.council)
    link = add_proposal(held, by=by, text="https://casino.example/bonus", contact="a@mail.kz")
    repeated = [add_proposal(held, by=by, text="Купите наши окна!", contact="ads@mail.kz") for _ in range(3)]
    foreign = add_proposal(held, by=by, text="Please repair the road near the school", contact="b@mail.kz")
    fine = add_proposal(held, by=by, text="Поставить скамейки в парке у школы", contact="c@mail.kz")
    client.force_login(by)
    html = client.get(url("workspace:inbox", "ru", slug=held.slug)).content.decode()
    flagged = set(re.findall(r'form="spam-(\d+)"', html))
    assert flagged == {str(p.pk) for p in (link, *repeated, foreign)}
    assert "Вероятно, спам" in html and "только ссылка" in html  # worded in the page's language

    response = client.post(
        url("workspace:sort", "ru", slug=held.slug),
        {"proposals": [link.pk], "action": "set_aside", "reason": "spam", "next": "/"},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.moderation == Proposal.Moderation.SET_ASIDE and link.set_aside_reason == "spam"
    assert Proposal.objects.filter(moderation=Proposal.Moderation.SET_ASIDE).count() == 1  # that one alone
    html = client.get(url("workspace:inbox", "ru", slug=held.slug)).content.decode()
    assert f'form="spam-{link.pk}"' not in html and f'form="spam-{fine.pk}"' not in html


def test_a_member_who_only_reads_sees_no_signs(client, held):
    add_proposal(held, by=secretary_of(held.schedule.council), text="https://casino.example/bonus")
    client.force_login(staff_of(held.schedule.council, role=Membership.Role.MEMBER))
    html = client.get(url("workspace:inbox", "kk", slug=held.slug)).content.decode()
    assert 'form="spam-' not in html
