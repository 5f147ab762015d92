"""The open-data API as a program reads it: /api/v1/ lists and objects, both languages, cursor pages, conditional
GETs, CORS, the throttle, and the OpenAPI schema with its docs served from the site."""

import datetime
import json
from email.utils import format_datetime, parsedate_to_datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import Consultation
from councils.models import Membership
from proposals.models import Proposal
from tests.factories import (
    CouncilFactory,
    MembershipFactory,
    add_proposal,
    closed_window,
    consultation_at,
    planned_consultation,
    quorate_meeting,
    secretary_of,
)
from tests.public_fixtures import published_at

from .conftest import publish_results

pytestmark = pytest.mark.django_db


def http_date(moment: datetime.datetime) -> str:
    return format_datetime(moment, usegmt=True)


State = Consultation.State


def get(client, path, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


def walk(client, path) -> list[dict]:
    """Every object of a list, page after page, following `next`."""
    objects = []
    while path:
        page = get(client, path)
        objects += page["results"]
        path = page["next"]
    return objects


def test_the_index_names_every_list_and_each_answers(client):
    index = get(client, "/api/v1/")
    assert set(index) >= {"regions", "councils", "schedules", "consultations", "meetings", "announcements", "schema"}
    for name, address in index.items():
        if name not in ("schema", "docs", "statistics"):
            assert "results" in get(client, address.removeprefix("http://testserver"))


def test_a_consultation_carries_both_languages_and_only_published_schedules_show(client):
    shown = published_at(State.ANNOUNCED)
    draft = planned_consultation()  # its schedule is not published: not on the portal, not in the API
    slugs = [c["slug"] for c in walk(client, "/api/v1/consultations/")]
    assert shown.slug in slugs and draft.slug not in slugs
    item = get(client, f"/api/v1/consultations/{shown.slug}/")
    assert item["title"] == {"kk": shown.title_kk, "ru": shown.title_ru}
    assert item["step"] == {"code": "announced", "kk": "Азаматтар хабардар етілді", "ru": "Граждане проинформированы"}
    assert item["council"]["slug"] == shown.schedule.council.slug
    assert item["questions"][0]["text"] == {"kk": "Сұрақ?", "ru": "Вопрос?"}
    assert item["url"] == {
        "kk": f"http://testserver/kk/consultations/{shown.slug}/",
        "ru": f"http://testserver/ru/consultations/{shown.slug}/",
    }
    assert item["results"] is None
    assert client.get(f"/api/v1/consultations/{draft.slug}/").status_code == 404


def test_the_list_filters_as_the_portal_does_and_a_bad_value_is_a_400_in_the_callers_language(client):
    announced = published_at(State.ANNOUNCED)
    cancelled = published_at(State.CANCELLED)
    assert [c["slug"] for c in get(client, "/api/v1/consultations/?step=cancelled")["results"]] == [cancelled.slug]
    council = announced.schedule.council
    by_council = get(client, f"/api/v1/consultations/?council={council.slug}&year={announced.schedule.year}")
    assert [c["slug"] for c in by_council["results"]] == [announced.slug]
    words = announced.title_ru.split()[-1]
    assert announced.slug in [c["slug"] for c in get(client, f"/api/v1/consultations/?q={words}")["results"]]

    response = client.get("/api/v1/consultations/?step=bogus&year=abc", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"step", "year"}
    assert "Выберите корректный вариант" in errors["step"][0]
    kazakh = client.get("/api/v1/consultations/?step=bogus", HTTP_ACCEPT_LANGUAGE="kk").json()
    assert "Выберите" not in kazakh["step"][0]


def test_results_give_the_position_the_recommendation_and_each_listed_proposal_with_its_decision(client, results):
    consultation = results["consultation"]
    assert get(client, f"/api/v1/consultations/{consultation.slug}/")["results"].endswith(
        f"/api/v1/consultations/{consultation.slug}/results/"
    )
    body = get(client, f"/api/v1/consultations/{consultation.slug}/results/")
    assert body["position"]["ru"] == "Совет рассмотрел предложения и публикует свою позицию."
    assert body["recommendation"]["points"][0]["text"] == {"kk": "Жобаны пысықтау.", "ru": "Доработать проект."}
    assert body["listed"] == 3
    proposals = walk(client, body["proposals"].removeprefix("http://testserver"))
    by_reference = {p["reference"]: p for p in proposals}
    assert set(by_reference) == {results[k].reference for k in ("named", "hidden", "organisation")}
    assert by_reference[results["named"].reference]["author"] == "Ержан Named-Citizen"
    assert by_reference[results["hidden"].reference]["author"] == ""
    assert by_reference[results["organisation"].reference]["author"] == "«Жасыл қала» қоғамдық бірлестігі"
    named = by_reference[results["named"].reference]
    assert named["decision"]["code"] == Proposal.Decision.TAKEN
    assert named["decision_reasons"] == {"kk": "Ұсыныс орынды.", "ru": "Предложение обоснованно."}
    assert named["recommendation_points"] == [1]
    assert not {"contact", "consent_given_at", "hide_name", "author_name"} & set(named)


def test_proposals_are_not_given_before_the_position_is_published(client):
    held = published_at(State.HELD)
    assert client.get(f"/api/v1/consultations/{held.slug}/results/").status_code == 404
    assert client.get(f"/api/v1/consultations/{held.slug}/proposals/").status_code == 404


def test_cursor_pages_walk_every_proposal_once_at_a_constant_number_of_queries(client):
    consultation = consultation_at(State.HELD, listed_proposals=0, **closed_window())
    by = secretary_of(consultation.schedule.council)
    for n in range(7):
        add_proposal(consultation, by=by, moderation=Proposal.Moderation.LISTED, text=f"Ұсыныс {n}")
    publish_results(consultation)
    path, seen, counts = f"/api/v1/consultations/{consultation.slug}/proposals/?page_size=3", [], []
    while path:
        with CaptureQueriesContext(connection) as queries:
            page = get(client, path)
        counts.append(len(queries))
        seen += [p["text"] for p in page["results"]]
        path = page["next"]
    assert seen == [f"Ұсыныс {n}" for n in range(7)]
    assert len(counts) == 3 and len(set(counts)) == 1 and counts[0] <= 4
    assert client.get(f"/api/v1/consultations/{consultation.slug}/proposals/?cursor=bogus").status_code == 404


def test_a_list_costs_the_same_queries_for_one_object_or_many(client, django_assert_max_num_queries):
    for _ in range(3):
        published_at(State.ANNOUNCED)
        quorate_meeting(CouncilFactory())
    for path in ("/api/v1/consultations/", "/api/v1/meetings/", "/api/v1/schedules/", "/api/v1/councils/"):
        with django_assert_max_num_queries(3):
            assert len(get(client, path)["results"]) >= 3


def test_a_meeting_shows_its_quorum_once_its_protocol_is_published(client, today):
    council = CouncilFactory()
    meeting = quorate_meeting(council, members=4)
    MembershipFactory(council=council, role=Membership.Role.MEMBER)  # a member who did not come
    [item] = get(client, f"/api/v1/meetings/?council={council.slug}")["results"]
    assert item["quorum"] is None and item["protocol"] is None
    meeting.protocol_number = "7"
    meeting.protocol_published_at = meeting.created_at
    meeting.save()
    [item] = get(client, f"/api/v1/meetings/?council={council.slug}")["results"]
    quorum = meeting.quorum()
    assert item["quorum"] == {
        "members": quorum.members, "present": quorum.present, "needed": quorum.needed, "reached": quorum.reached,
    }  # fmt: skip
    assert item["protocol_number"] == "7"


def test_an_unchanged_answer_is_a_304_by_etag(client):
    published_at(State.ANNOUNCED)
    response = client.get("/api/v1/consultations/")
    etag = response["ETag"]
    again = client.get("/api/v1/consultations/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    published_at(State.ANNOUNCED)
    assert client.get("/api/v1/consultations/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_last_modified_follows_the_content_version(client, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE = True
    council = CouncilFactory()
    last_modified = parsedate_to_datetime(client.get("/api/v1/councils/")["Last-Modified"])
    assert client.get("/api/v1/councils/", HTTP_IF_MODIFIED_SINCE=http_date(last_modified)).status_code == 304
    earlier = last_modified - datetime.timedelta(hours=1)
    assert client.get("/api/v1/councils/", HTTP_IF_MODIFIED_SINCE=http_date(earlier)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        council.save()
    assert parsedate_to_datetime(client.get("/api/v1/councils/")["Last-Modified"]) >= last_modified


def test_any_site_may_read_the_api_but_not_the_pages(client):
    response = client.get("/api/v1/councils/", HTTP_ORIGIN="https://data.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/councils/", HTTP_ORIGIN="https://data.example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 200
    assert (
        "GET" in preflight["Access-Control-Allow-Methods"] and "POST" not in preflight["Access-Control-Allow-Methods"]
    )
    assert "Access-Control-Allow-Origin" not in client.get("/kk/councils/", HTTP_ORIGIN="https://data.example.org")
    assert client.post("/api/v1/councils/").status_code == 405


def test_a_client_over_its_rate_is_told_when_to_come_back(client, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    for _ in range(3):
        assert client.get("/api/v1/regions/").status_code == 200
    refused = client.get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Запрос" in refused.json()["detail"]  # DRF's own Russian catalogue
    other = client.get("/api/v1/regions/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_the_schema_describes_every_list_and_the_docs_load_nothing_from_elsewhere(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/councils/", "/api/v1/consultations/", "/api/v1/consultations/{slug}/results/",
        "/api/v1/consultations/{slug}/proposals/", "/api/v1/meetings/", "/api/v1/announcements/",
        "/api/v1/schedules/", "/api/v1/regions/",
    ):  # fmt: skip
        assert "get" in schema["paths"][path], path
    parameters = {p["name"] for p in schema["paths"]["/api/v1/consultations/"]["get"]["parameters"]}
    assert parameters >= {"q", "region", "council", "level", "occasion", "step", "year", "quarter", "cursor"}
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "https://" not in html and "http://cdn" not in html
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js"):
        assert f"/static/drf_spectacular_sidecar/swagger-ui-dist/{asset}" in html


def test_errors_under_the_api_are_json_in_the_callers_language_and_the_site_keeps_its_pages(client):
    missing = client.get("/api/v1/no-such-list/", HTTP_ACCEPT_LANGUAGE="ru")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert missing.json()["detail"]
    nul = client.get("/api/v1/consultations/?q=a%00b")
    assert nul.status_code == 400 and nul["Content-Type"] == "application/json"
    assert client.get("/api/v1/consultations/no-such-consultation/").json()["detail"]
    page = client.get("/kk/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert client.get("/kk/consultations/?q=a%00b")["Content-Type"].startswith("text/html")


def test_the_statistics_which_move_with_the_clock_are_never_answered_by_date(client, settings):
    settings.PAGE_CACHE = True
    CouncilFactory()
    assert "Last-Modified" in client.get("/api/v1/councils/")
    statistics = client.get("/api/v1/statistics/")
    assert statistics.status_code == 200 and "Last-Modified" not in statistics
    assert client.get("/api/v1/statistics/", HTTP_IF_MODIFIED_SINCE="Sun, 06 Dec 2099 00:00:00 GMT").status_code == 200
