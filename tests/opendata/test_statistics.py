"""Participation statistics: the figures on a small built dataset, the public pages (kk, ru) with their SVG
charts and tables, the API's same figures, one council's scope, and a bounded number of queries."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.deadlines import schedule_due
from consultations.models import CompliancePolicy, Consultation, QuarterlySchedule, Recommendation
from opendata import statistics
from proposals.models import Proposal
from publications.models import Announcement, Delivery
from tests.factories import CouncilFactory, add_proposal, consultation_at, ministry_staff, secretary_of

pytestmark = pytest.mark.django_db
State = Consultation.State
Channel = Proposal.Channel


def _close(consultation: Consultation, days_ago: int) -> None:
    Consultation.objects.filter(pk=consultation.pk).update(
        window_closes_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


@pytest.fixture
def dataset():
    """Council A: a published position (2 listed proposals, one without reasons; the intake closed 10 days
    before), a held consultation with 5 proposals and one with none (both closed), one still open (1 proposal,
    not counted); answers to two recommendations; its schedule published on time. Council B: a published
    position with 3 proposals."""
    a, b = CouncilFactory(), CouncilFactory()
    published = consultation_at(State.POSITION_PUBLISHED, council=a, listed_proposals=2)
    Proposal.objects.filter(pk=published.proposals.order_by("pk")[0].pk).update(
        decision_reasons_kk="", decision_reasons_ru=""
    )
    _close(published, 10)
    held = consultation_at(State.HELD, council=a, listed_proposals=0)
    by = secretary_of(a)
    for channel in (Channel.MAIL, Channel.SOCIAL, Channel.SOCIAL, Channel.CONSULTATION, Channel.MAIL):
        add_proposal(held, by=by, channel=channel)
    _close(held, 1)
    empty = consultation_at(State.HELD, council=a, listed_proposals=0)
    _close(empty, 1)
    still_open = consultation_at(State.HELD, council=a, listed_proposals=0)
    add_proposal(still_open, by=by, channel=Channel.SOCIAL)
    today = timezone.localdate()
    sent = today - datetime.timedelta(days=60)
    Recommendation.objects.create(consultation=held, sent_on=sent, answer_received_on=sent + datetime.timedelta(1))
    Recommendation.objects.create(consultation=empty, sent_on=sent)  # no answer: overdue
    # The schedule was published on the portal and in Telegram on its quarter's first day.
    schedule = published.schedule
    first_day = datetime.datetime.combine(schedule.starts_on, datetime.time(12), tzinfo=timezone.get_current_timezone())
    announcements = Announcement.objects.filter(  # one for each revision
        subject_type=ContentType.objects.get_for_model(QuarterlySchedule), subject_id=schedule.pk
    )
    announcements.update(published_at=first_day)
    announcement = announcements.first()
    Delivery.objects.create(
        announcement=announcement,
        channel=Delivery.Channel.TELEGRAM,
        target="@council",
        state=Delivery.State.SENT,
        sent_at=first_day,
    )
    other = consultation_at(State.POSITION_PUBLISHED, council=b, listed_proposals=3)
    return {"a": a, "b": b, "published": published, "other": other}


def _scope(**fields):
    return statistics.Scope(quarters=statistics.last_quarters(), **fields)


def test_last_quarters_run_back_across_a_year():
    assert statistics.last_quarters(today=datetime.date(2026, 2, 1)) == ((2025, 2), (2025, 3), (2025, 4), (2026, 1))
    assert statistics.quarters_of(2025, None) == ((2025, 1), (2025, 2), (2025, 3), (2025, 4))
    assert statistics.quarters_of(2025, 3) == ((2025, 3),)


def test_a_councils_figures(dataset):
    stats = statistics.compute(_scope(council=dataset["a"]))
    assert (stats.consultations, stats.proposals) == (3, 7)  # 2 + 5 + 0; the open one not counted
    assert stats.mean_proposals == pytest.approx(7 / 3) and stats.median_proposals == 2
    assert {c.code: c.proposals for c in stats.channels} == {
        "portal": 0, "consultation": 1, "reception": 0, "mail": 4, "social": 2,
    }  # fmt: skip
    assert (stats.listed, stats.decided_with_reasons, stats.decided_share) == (2, 1, 0.5)
    assert (stats.positions, stats.mean_days_to_position, stats.median_days_to_position) == (1, 10, 10)
    answers = stats.answers
    assert (answers.in_time, answers.late, answers.overdue, answers.waiting) == (1, 0, 1, 0)
    assert stats.answers_in_time_share == 0.5


def test_schedules_on_time_follow_the_compliance_deadline(dataset):
    stats = statistics.compute(_scope(council=dataset["a"]))
    today = timezone.localdate()
    policy = CompliancePolicy.current()
    due = sum(today > schedule_due(year, quarter, policy) for year, quarter in statistics.last_quarters())
    # The current quarter's schedule was published on its first day; the earlier quarters had none.
    current_is_due = today > schedule_due(*statistics.last_quarters()[-1], policy)
    assert stats.schedules_on_time == 1
    assert stats.schedules_due == (due if current_is_due else due + 1)


def test_the_whole_portal_counts_every_council_and_a_council_only_its_own(dataset):
    portal = statistics.compute(_scope())
    assert (portal.consultations, portal.proposals, portal.positions) == (4, 10, 2)
    other = statistics.compute(_scope(council=dataset["b"]))
    assert (other.consultations, other.proposals, other.listed, other.decided_with_reasons) == (1, 3, 3, 3)
    assert statistics.compute(statistics.Scope(quarters=((2021, 1),))).consultations == 0


def test_the_number_of_queries_does_not_grow_with_the_consultations(dataset, django_assert_max_num_queries):
    statistics.compute(_scope())  # the process's first look fills Django's content-type cache (one query)
    with CaptureQueriesContext(connection) as before:
        statistics.compute(_scope())
    for _ in range(3):
        consultation_at(State.POSITION_PUBLISHED, council=dataset["b"], listed_proposals=2)
    with django_assert_max_num_queries(len(before)):
        assert statistics.compute(_scope()).positions == 5
    assert len(before) <= 10


def _figures(html: str, chart: str) -> list[tuple[str, str]]:
    """The rows of a chart's table: (label, value)."""
    table = re.search(rf'aria-labelledby="{chart}-figures">(.*?)</table>', html, re.S).group(1)
    return re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', table)


@pytest.mark.parametrize(
    ("language", "title", "channel"),
    [("kk", "Қатысу статистикасы", "Пошта арқылы"), ("ru", "Статистика участия", "По почте")],
)
def test_the_portal_page_shows_each_chart_with_its_table(client, dataset, language, title, channel):
    response = client.get(f"/{language}/statistics/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert len(svgs) == 6
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "style=" not in svg
    assert html.count("<caption") == 6 and 'scope="col"' in html
    assert (channel, "7") in _figures(html, "channels")  # 4 of council A, 3 of council B
    assert "style=" not in html.split("<main", 1)[1]


def test_a_councils_page_shows_only_its_figures_and_is_linked_from_the_council(client, dataset):
    a = dataset["a"]
    assert f'href="/ru/councils/{a.slug}/statistics/"' in client.get(f"/ru/councils/{a.slug}/").content.decode()
    html = client.get(f"/ru/councils/{a.slug}/statistics/").content.decode()
    assert a.name_ru in html
    assert ("По почте", "4") in _figures(html, "channels")  # council B's mail is not counted
    assert ("Среднее", "2,3") in _figures(html, "per-consultation")
    assert client.get("/ru/councils/no-such-council/statistics/").status_code == 404


def test_the_footer_links_the_statistics(client, dataset):
    assert 'href="/kk/statistics/"' in client.get("/kk/").content.decode()


def test_a_bad_filter_is_dropped_on_the_page_and_a_400_in_the_api(client, dataset):
    assert client.get("/kk/statistics/?year=abc&quarter=9").status_code == 200
    assert client.get("/api/v1/statistics/?year=abc").status_code == 400
    assert client.get("/api/v1/statistics/?council=no-such-council").status_code == 400


def test_the_api_gives_the_same_figures(client, dataset):
    a = dataset["a"]
    stats = statistics.compute(_scope(council=a))
    body = client.get(f"/api/v1/statistics/?council={a.slug}").json()
    assert body["scope"]["council"]["slug"] == a.slug
    assert body["per_consultation"] == {
        "consultations": 3, "proposals": 7, "mean": pytest.approx(7 / 3), "median": 2.0,
    }  # fmt: skip
    mail = next(c for c in body["channels"] if c["channel"]["code"] == "mail")
    assert mail == {"channel": {"code": "mail", "kk": "пошта арқылы", "ru": "по почте"}, "proposals": 4}
    assert body["decisions"] == {"listed": 2, "decided_with_reasons": 1, "share": 0.5}
    assert body["days_to_position"] == {"positions": 1, "mean": 10.0, "median": 10.0}
    assert body["state_body_answers"] == {"in_time": 1, "late": 0, "overdue": 1, "waiting": 0, "share_in_time": 0.5}
    assert body["schedules"]["on_time"] == stats.schedules_on_time == 1
    assert body["schedules"]["due"] == stats.schedules_due
    assert body["url"]["kk"] == f"http://testserver/kk/councils/{a.slug}/statistics/"
    assert "statistics" in client.get("/api/v1/").json()
    year = timezone.localdate().year
    assert client.get(f"/api/v1/statistics/?year={year - 3}&quarter=1").json()["scope"]["quarters"] == [
        f"{year - 3}-Q1"
    ]


def test_the_schema_documents_the_statistics(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/statistics/"]["get"]["parameters"]}
    assert {"council", "year", "quarter"} <= parameters


def test_the_ministry_sees_the_statistics_in_the_admin(client, dataset):
    assert client.get("/admin/statistics/").status_code == 302  # to the sign-in
    client.force_login(ministry_staff())
    matrix = client.get("/admin/compliance/").content.decode()
    assert 'href="/admin/statistics/"' in matrix
    html = client.get("/admin/statistics/").content.decode()
    assert html.count('role="img"') == 6


def test_a_period_with_nothing_to_count_says_so_instead_of_drawing(client, dataset):
    html = client.get("/ru/statistics/?year=2021").content.decode()
    assert html.count("За этот период считать нечего.") == 5
    # Every active council was expected to publish its schedules, late or not: those are still counted.
    assert html.count("<svg") == 1 and 'aria-labelledby="schedules-name' in html
    assert html.count("<caption") == 6  # the tables still say what would be counted
