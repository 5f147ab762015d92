"""common/keyset.py on its own: pages of any queryset by any unique field, a hostile place ignored."""

import pytest
from django.http import QueryDict

from common.keyset import keyset_page
from consultations.models import Consultation
from tests.factories import consultation_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals():
    consultation = consultation_at(Consultation.State.HELD, listed_proposals=5)
    return consultation.proposals.all()


def page_of(proposals, query, **kwargs):
    return keyset_page(proposals, QueryDict(query), per_page=2, cursor="pk", **kwargs)


def test_pages_by_primary_key_go_forward_and_back_through_every_row(proposals):
    ordered = list(proposals.order_by("submitted_at", "pk"))
    first = page_of(proposals, "")
    assert first.object_list == ordered[:2] and first.has_next and not first.has_previous
    second = page_of(proposals, f"after={first.next_params['after']}")
    assert second.object_list == ordered[2:4] and second.has_previous and second.has_next
    third = page_of(proposals, f"after={second.next_params['after']}")
    assert third.object_list == ordered[4:] and not third.has_next
    assert page_of(proposals, f"before={third.previous_params['before']}").object_list == ordered[2:4]
    last = page_of(proposals, "last=1")
    assert last.object_list == ordered[3:] and last.has_previous and not last.has_next


@pytest.mark.parametrize("value", ["9" * 40, "-5", "1.5", "abc", "", "0x10"])
def test_a_primary_key_that_is_no_row_gives_the_first_page(proposals, value):
    page = page_of(proposals, f"after={value}")
    assert page.object_list == list(proposals.order_by("submitted_at", "pk"))[:2]
    assert not page.has_previous


def test_a_row_outside_the_anchors_gives_the_first_page(proposals):
    ordered = list(proposals.order_by("submitted_at", "pk"))
    page = page_of(proposals, f"after={ordered[2].pk}", anchors=proposals.exclude(pk=ordered[2].pk))
    assert page.object_list == ordered[:2]


def test_a_page_from_a_row_named_is_one_query(proposals, django_assert_num_queries):
    """The row's keys and what lies on its other side are read in the page's own query (the inbox of a 50,000-
    proposal consultation keeps to its ten queries); only an empty page asks again."""
    ordered = list(proposals.order_by("submitted_at", "pk"))
    with django_assert_num_queries(1):
        after = page_of(proposals, f"after={ordered[1].pk}")
    assert after.object_list == ordered[2:4] and after.has_previous and after.has_next
    with django_assert_num_queries(1):
        before = page_of(proposals, f"before={ordered[2].pk}")
    assert before.object_list == ordered[:2] and not before.has_previous and before.has_next


def test_a_page_past_either_end_links_back_into_the_list(proposals):
    ordered = list(proposals.order_by("submitted_at", "pk"))
    past_the_end = page_of(proposals, f"after={ordered[-1].pk}")
    assert past_the_end.object_list == [] and not past_the_end.has_next
    assert past_the_end.has_previous and past_the_end.previous_params == {"last": "1"}
    before_the_start = page_of(proposals, f"before={ordered[0].pk}")
    assert before_the_start.object_list == [] and not before_the_start.has_previous
    assert before_the_start.has_next and before_the_start.next_params == {}
