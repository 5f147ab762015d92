"""Public pages served to anonymous visitors from the cache (common/page_cache.py): what is kept, for whom, and
that a change shows at once."""

import re

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from common import page_cache
from consultations import workflow
from consultations.fields import write_state
from consultations.models import Consultation
from councils.models import Council
from tests.factories import (
    CouncilFactory,
    add_proposal,
    consultation_at,
    decide_all,
    secretary_of,
    write_position,
)
from tests.public_fixtures import publish, published_at

pytestmark = pytest.mark.django_db
State = Consultation.State


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def council():
    return CouncilFactory(name_kk="Алғашқы кеңес", name_ru="Первый совет")


def html(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------------
# Kept, and served without the database


def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query(client, council, django_assert_num_queries):
    first = client.get("/kk/councils/")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get("/kk/councils/")
    assert second.status_code == 200
    assert html(second) == html(first)
    assert "Алғашқы кеңес" in html(second)


@pytest.mark.parametrize(
    "address",
    ["/kk/", "/kk/consultations/", "/ru/consultations/?step=held", "/kk/feeds/news.rss", "/kk/calendar.ics"],
)
def test_every_public_page_kind_is_kept(client, address, django_assert_num_queries):
    published_at(State.HELD, listed_proposals=0)
    assert client.get(address).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(address).status_code == 200


def test_a_consultations_page_and_its_results_are_kept(client, django_assert_num_queries):
    consultation = published_at(State.POSITION_PUBLISHED, listed_proposals=2)
    for address in (f"/kk/consultations/{consultation.slug}/", f"/ru/consultations/{consultation.slug}/results/"):
        first = client.get(address)
        assert first.status_code == 200
        with django_assert_num_queries(0):
            assert html(client.get(address)) == html(first)


def test_kazakh_and_russian_pages_are_kept_apart(client, council):
    assert "Алғашқы кеңес" in html(client.get("/kk/councils/"))
    russian = html(client.get("/ru/councils/"))
    assert "Первый совет" in russian
    assert "Алғашқы кеңес" not in russian
    assert "Алғашқы кеңес" in html(client.get("/kk/councils/"))


def test_the_query_string_is_part_of_the_key_in_any_order(client, django_assert_num_queries):
    held = published_at(State.HELD, listed_proposals=0)
    planned = published_at(State.QUESTIONS_APPROVED)
    appeal = Consultation.Occasion.APPEAL.value
    only_held = html(client.get(f"/kk/consultations/?step=held&occasion={appeal}"))
    assert held.title_kk in only_held and planned.title_kk not in only_held
    with django_assert_num_queries(0):  # the same parameters in another order: the same page
        assert html(client.get(f"/kk/consultations/?occasion={appeal}&step=held")) == only_held
    other = html(client.get("/kk/consultations/?step=questions_approved"))
    assert planned.title_kk in other and held.title_kk not in other


def test_a_long_or_hostile_query_string_makes_a_key_of_the_usual_size(client):
    rf = RequestFactory()
    short = page_cache.page_key(rf.get("/kk/consultations/?q=a"), "1")
    hostile = page_cache.page_key(rf.get("/kk/consultations/", {"q": "ж" * 5000, "x\x7f": "'\"<>%00" * 300}), "1")
    assert len(hostile) == len(short) < 120
    assert client.get("/kk/consultations/", {"q": "ж" * 150, "page": "-1' OR 1=1"}).status_code == 200
    assert client.get("/kk/consultations/", {"q": "ж" * 150, "page": "-1' OR 1=1"}).status_code == 200


# ---------------------------------------------------------------------------------------------------------
# A change shows at once


def test_a_council_edited_as_in_the_admin_shows_at_once(client, council, django_capture_on_commit_callbacks):
    assert "Алғашқы кеңес" in html(client.get("/kk/councils/"))
    with django_capture_on_commit_callbacks(execute=True):
        council.name_kk = "Жаңа атау"
        council.save()  # what the admin's save does
    page = html(client.get("/kk/councils/"))
    assert "Жаңа атау" in page and "Алғашқы кеңес" not in page


def test_a_published_schedule_lists_its_consultation_at_once(client, django_capture_on_commit_callbacks):
    consultation = consultation_at(State.DECIDED)
    assert consultation.title_kk not in html(client.get("/kk/consultations/"))
    with django_capture_on_commit_callbacks(execute=True):
        publish(consultation)
    assert consultation.title_kk in html(client.get("/kk/consultations/"))


def test_a_published_position_shows_on_the_consultations_page_at_once(
    client, settings, django_capture_on_commit_callbacks
):
    consultation = published_at(State.PROPOSALS_COMPILED, listed_proposals=1)
    address = f"/kk/consultations/{consultation.slug}/"
    before = html(client.get(address))
    with django_capture_on_commit_callbacks(execute=True):
        by = secretary_of(consultation.schedule.council)
        decide_all(consultation, by=by)
        write_position(consultation)
        workflow.publish_position(consultation, by=by)
    cached = html(client.get(address))
    settings.PAGE_CACHE = False
    rendered = html(client.get(address))
    assert cached != before
    assert _without_timestamps(cached) == _without_timestamps(rendered)


def test_a_proposal_received_while_the_window_is_open_leaves_the_cached_pages(
    client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """No public page shows a proposal before the results: a busy intake keeps the cache."""
    consultation = published_at(State.HELD, listed_proposals=0)
    address = f"/kk/consultations/{consultation.slug}/"
    client.get(address)
    with django_capture_on_commit_callbacks(execute=True):
        add_proposal(consultation, by=secretary_of(consultation.schedule.council))
    with django_assert_num_queries(0):
        assert client.get(address).status_code == 200


def test_a_listed_proposal_corrected_after_the_results_shows_at_once(client, django_capture_on_commit_callbacks):
    consultation = published_at(State.POSITION_PUBLISHED, listed_proposals=1)
    address = f"/ru/consultations/{consultation.slug}/results/"
    proposal = consultation.proposals.get()
    assert proposal.text in html(client.get(address))
    with django_capture_on_commit_callbacks(execute=True):
        proposal.text = "Исправленный текст предложения"
        proposal.save()
    assert "Исправленный текст предложения" in html(client.get(address))


def _without_timestamps(text: str) -> str:
    return re.sub(r"\d{1,2}:\d{2}", "", text)


# ---------------------------------------------------------------------------------------------------------
# Never another visitor's page


def test_a_signed_in_visitor_is_neither_served_nor_stored(client, council, django_assert_max_num_queries):
    user = secretary_of(council)
    client.force_login(user)
    response = client.get("/kk/councils/")
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert "ETag" not in response
    with django_assert_max_num_queries(50) as queries:
        client.get("/kk/councils/")
    assert len(queries) > 0  # rendered again
    client.logout()
    with django_assert_max_num_queries(50) as queries:
        client.get("/kk/councils/")
    assert len(queries) > 0  # the signed-in page was not stored for anonymous visitors


def test_a_visitor_with_a_message_waiting_gets_their_own_page(client, council):
    client.get("/kk/councils/")  # kept
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[CookieStorage.cookie_name] = storage._encode([Message(constants.SUCCESS, "Жазылым расталды")])
    page = client.get("/kk/councils/")
    assert "Жазылым расталды" in html(page)
    assert "private" in page["Cache-Control"]
    assert "Жазылым расталды" not in html(client.get("/kk/councils/"))  # shown once, then the kept page


def test_no_cookie_or_csrf_token_is_kept_or_handed_to_another_visitor(client, council):
    first = client.get("/kk/councils/")
    assert not first.cookies
    other = client.__class__()
    other.cookies["csrftoken"] = "A" * 32
    second = other.get("/kk/councils/")
    assert not second.cookies
    assert "csrfmiddlewaretoken" not in html(second)


def test_a_page_that_uses_the_csrf_token_is_not_stored(rf, django_assert_max_num_queries):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    calls = []

    @page_cache.cached_page
    def form_page(request):
        calls.append(1)
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    for _ in range(2):
        request = rf.get("/kk/form/")
        request.user = _anonymous()
        response = form_page(request)
        assert "private" in response["Cache-Control"]
    assert len(calls) == 2


def test_a_page_that_sets_a_cookie_is_not_stored(rf):
    from django.http import HttpResponse

    calls = []

    @page_cache.cached_page
    def cookie_page(request):
        calls.append(1)
        response = HttpResponse("hello")
        response.set_cookie("mine", "secret")
        return response

    for _ in range(2):
        request = rf.get("/kk/cookie/")
        request.user = _anonymous()
        cookie_page(request)
    assert len(calls) == 2


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_a_post_is_never_answered_from_the_cache(client, council):
    client.get("/kk/councils/")
    assert client.post("/kk/councils/").status_code in (200, 403, 405)
    assert "ETag" not in client.post("/kk/councils/")


# ---------------------------------------------------------------------------------------------------------
# HTTP caches


def test_a_kept_page_has_an_etag_and_a_short_public_lifetime(client, council, settings):
    response = client.get("/kk/councils/")
    assert response["ETag"].startswith('"') and len(response["ETag"]) > 10
    assert response["Cache-Control"] == f"public, max-age={settings.PAGE_CACHE_MAX_AGE}"
    assert "Cookie" in response["Vary"]
    assert client.get("/kk/councils/")["ETag"] == response["ETag"]
    assert client.get("/ru/councils/")["ETag"] != response["ETag"]


def test_a_matching_if_none_match_is_answered_304_without_a_body(
    client, council, django_assert_num_queries, django_capture_on_commit_callbacks
):
    etag = client.get("/kk/councils/")["ETag"]
    with django_assert_num_queries(0):
        response = client.get("/kk/councils/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert client.get("/kk/councils/", HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304
    assert client.get("/kk/councils/", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        Council.objects.get(pk=council.pk).save()
    assert client.get("/kk/councils/", HTTP_IF_NONE_MATCH=etag).status_code == 200  # changed since


def test_only_a_kept_page_answers_304(client, council):
    """`If-None-Match: *` (or a stale tag) never turns a missing page or one not yet kept into a 304."""
    assert client.get("/kk/councils/no-such-council/", HTTP_IF_NONE_MATCH="*").status_code == 404
    assert client.get("/kk/councils/", HTTP_IF_NONE_MATCH="*").status_code == 200  # rendered, then kept
    assert client.get("/kk/councils/", HTTP_IF_NONE_MATCH="*").status_code == 304


def test_with_the_setting_off_pages_are_rendered_each_time(client, council, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE = False
    client.get("/kk/councils/")
    with django_assert_max_num_queries(50) as queries:
        response = client.get("/kk/councils/")
    assert len(queries) > 0
    assert "ETag" not in response


def test_a_message_read_without_marking_it_shown():
    """The check for waiting messages leaves them for the page that shows them."""
    request = RequestFactory().get("/")
    request.session = {}
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)
    request._messages.add(constants.INFO, "Сәлем")
    assert page_cache._messages_waiting(request)
    assert [str(m) for m in get_messages(request)] == ["Сәлем"]


# ---------------------------------------------------------------------------------------------------------
# The list's menus of regions and councils


def test_the_council_menu_is_computed_once_per_version(client, council, django_assert_max_num_queries):
    client.get("/kk/consultations/")
    with django_assert_max_num_queries(50) as queries:
        page = html(client.get("/kk/consultations/?step=held"))  # another page: rendered, its menus kept
    assert not [q for q in queries if "councils_council" in q["sql"] and 'FROM "councils_council"' in q["sql"]]
    assert not [q for q in queries if 'FROM "councils_region"' in q["sql"]]
    assert f'<option value="{council.slug}">Алғашқы кеңес</option>' in page


def test_a_new_council_is_in_the_menu_at_once(client, council, django_capture_on_commit_callbacks):
    client.get("/kk/consultations/")
    with django_capture_on_commit_callbacks(execute=True):
        added = CouncilFactory(name_kk="Жаңа кеңес")
    assert f'<option value="{added.slug}">Жаңа кеңес</option>' in html(client.get("/kk/consultations/?step=held"))


def test_the_menus_keep_their_languages_and_the_chosen_council(client, council):
    client.get("/kk/consultations/")
    russian = html(client.get(f"/ru/consultations/?council={council.slug}"))
    assert f'<option value="{council.slug}" selected>Первый совет</option>' in russian
    assert re.search(r'<option value="">[^<]+</option>', russian)  # "All councils", not chosen
    assert re.search(r'<label for="id_council"\s*>[^<]+</label>', russian)
    assert re.search(r'<optgroup label="[^"]+">', russian)


def test_a_head_request_is_answered_from_the_cache(client, council, django_assert_num_queries):
    client.get("/kk/councils/")
    with django_assert_num_queries(0):
        assert client.head("/kk/councils/").status_code == 200


def test_a_language_switch_carrying_what_was_typed_is_neither_served_nor_stored(client):
    client.get("/ru/consultations/")  # kept, with an empty search field
    switched = client.get("/ru/consultations/?switch_language=ru&q=словосочетание")
    assert 'value="словосочетание"' in html(switched)
    assert "private" in switched["Cache-Control"]
    assert "словосочетание" not in html(client.get("/ru/consultations/"))


# ---------------------------------------------------------------------------------------------------------
# Values kept per council (the compliance matrix's verdicts)


class Computed:
    """`remember_per_council`'s compute, counting the councils it is asked for."""

    def __init__(self):
        self.asked = []

    def __call__(self, pks):
        self.asked.append(sorted(pks))
        return {pk: f"value of {pk}" for pk in pks}

    def look(self, councils) -> dict:
        return page_cache.remember_per_council("test", [c.pk for c in councils], self, timeout=60)


@pytest.fixture
def two_councils(django_capture_on_commit_callbacks):
    """Two councils' consultations, their writes committed (what they changed is not pending)."""
    with django_capture_on_commit_callbacks(execute=True):
        return consultation_at(State.DECIDED), consultation_at(State.DECIDED)


def test_a_write_of_one_councils_content_computes_that_council_again_and_no_other(
    two_councils, django_capture_on_commit_callbacks
):
    first, second = two_councils
    councils = [first.schedule.council, second.schedule.council]
    compute = Computed()
    assert compute.look(councils) == {c.pk: f"value of {c.pk}" for c in councils}
    compute.look(councils)
    assert compute.asked == [sorted(c.pk for c in councils)]  # the second look read both from the cache
    with django_capture_on_commit_callbacks(execute=True):
        first.questions.create(position=9, text_kk="Сұрақ", text_ru="Вопрос")  # a part of a consultation
    compute.look(councils)
    with django_capture_on_commit_callbacks(execute=True):
        write_state(second, "state", State.ANNOUNCED)  # a step: an UPDATE, no signal
    compute.look(councils)
    assert compute.asked[1:] == [[councils[0].pk], [councils[1].pk]]


def test_a_write_whose_council_is_not_known_computes_every_council_again(
    two_councils, django_capture_on_commit_callbacks
):
    from consultations.models import CompliancePolicy

    councils = [c.schedule.council for c in two_councils]
    compute = Computed()
    compute.look(councils)
    with django_capture_on_commit_callbacks(execute=True):
        CompliancePolicy.current().save()  # the policy's numbers: every council's verdicts
    compute.look(councils)
    assert compute.asked == [sorted(c.pk for c in councils)] * 2


def test_an_edit_in_the_admin_computes_every_council_again(two_councils, django_capture_on_commit_callbacks):
    """The admin may move a meeting (or a member) to another council, which changes both councils' quorums: the
    council it left must be judged again, though the save names only the council it went to."""
    from django.contrib.admin.models import CHANGE, LogEntry

    from councils.models import Meeting

    first, second = two_councils
    councils = [first.schedule.council, second.schedule.council]
    meeting = Meeting.objects.filter(council=councils[0]).first()
    compute = Computed()
    compute.look(councils)
    with django_capture_on_commit_callbacks(execute=True):
        Meeting.objects.filter(pk=meeting.pk).update(council=councils[1])  # the admin's save, unseen here
        LogEntry.objects.log_actions(secretary_of(councils[0]).pk, [meeting], CHANGE, single_object=True)
    compute.look(councils)
    assert compute.asked == [sorted(c.pk for c in councils)] * 2


def test_an_edit_in_the_admin_of_what_no_public_page_shows_keeps_everything(
    two_councils, django_capture_on_commit_callbacks
):
    """An account's password mail or a deactivation (workspace/admin.py) is logged too: it changes no verdict."""
    from django.contrib.admin.models import CHANGE, LogEntry

    councils = [c.schedule.council for c in two_councils]
    user = secretary_of(councils[0])
    compute = Computed()
    compute.look(councils)
    with django_capture_on_commit_callbacks(execute=True):
        LogEntry.objects.log_actions(user.pk, [user], CHANGE, single_object=True)
    compute.look(councils)
    assert compute.asked == [sorted(c.pk for c in councils)]


def test_a_rolled_back_write_is_not_what_loses_a_later_change(two_councils, django_capture_on_commit_callbacks):
    from django.db import transaction

    first, _second = two_councils
    councils = [first.schedule.council]
    compute = Computed()
    compute.look(councils)
    with pytest.raises(RuntimeError), transaction.atomic():
        page_cache.bump(first)
        raise RuntimeError
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.bump(first)
    compute.look(councils)
    assert compute.asked == [[councils[0].pk]] * 2


def test_a_councils_version_evicted_from_the_cache_never_brings_back_a_value_kept_before_a_write(
    two_councils, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    first, _second = two_councils
    councils = [first.schedule.council]
    version_key = page_cache.COUNCIL_VERSION_KEY.format(councils[0].pk)
    compute = Computed()
    cache.delete(version_key)  # never written, or evicted
    compute.look(councils)
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.bump(first)
    compute.look(councils)
    cache.delete(version_key)  # evicted again (the value kept first is not)
    compute.look(councils)
    assert compute.asked == [[councils[0].pk]] * 3
