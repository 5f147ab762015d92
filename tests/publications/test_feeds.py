"""Feeds and calendars, parsed as a reader would parse them."""

import feedparser
import icalendar
import pytest

from consultations.models import Consultation
from tests.factories import CouncilFactory
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State


@pytest.fixture
def two_councils():
    results = published_at(State.POSITION_PUBLISHED, title_kk="Саябақтар", title_ru="Парки")
    other = published_at(State.HELD, council=CouncilFactory(), title_kk="Көлік", title_ru="Транспорт")
    return results, other


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return feedparser.parse(response.content)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_news_feed_carries_every_published_announcement_in_the_pages_language(client, two_councils, kind):
    _results, other = two_councils
    parsed = feed(client, f"/ru/feeds/news.{kind}")
    assert not parsed.bozo, parsed.bozo_exception
    titles = [entry.title for entry in parsed.entries]
    assert any("Парки" in t for t in titles) and any("Транспорт" in t for t in titles)
    assert all(not any(ch in t for ch in "әғқңөұүһі") for t in titles if "Парки" in t)
    links = [entry.link for entry in parsed.entries]
    assert any(link.endswith(f"/ru/consultations/{other.slug}/") for link in links)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_results_feed_carries_only_results(client, two_councils, kind):
    results, _other = two_councils
    parsed = feed(client, f"/kk/feeds/results.{kind}")
    assert [entry.link.split("/kk")[-1] for entry in parsed.entries] == [f"/consultations/{results.slug}/results/"]
    assert "Саябақтар" in parsed.entries[0].title


def test_a_councils_feed_carries_only_that_council(client, two_councils):
    _results, other = two_councils
    parsed = feed(client, f"/kk/councils/{other.schedule.council.slug}/feeds/news.rss")
    assert parsed.entries and all("Саябақтар" not in entry.title for entry in parsed.entries)
    assert client.get("/kk/councils/no-such-council/feeds/news.rss").status_code == 404


def test_the_calendar_lists_scheduled_consultations_per_council_and_overall(client, two_councils):
    results, other = two_councils
    overall = icalendar.Calendar.from_ical(client.get("/ru/calendar.ics").content)
    events = {str(e["uid"]): e for e in overall.walk("VEVENT")}
    assert f"{results.slug}@qogam" in events and f"{other.slug}@qogam" in events
    event = events[f"{other.slug}@qogam"]
    assert str(event["summary"]) == "Транспорт"
    assert event.decoded("dtstart") == other.starts_on
    own = icalendar.Calendar.from_ical(client.get(f"/kk/councils/{other.schedule.council.slug}/calendar.ics").content)
    assert [
        str(e["uid"]) for e in own.walk("VEVENT") if "@qogam" in str(e["uid"]) and "meeting" not in str(e["uid"])
    ] == [f"{other.slug}@qogam"]
    assert str(own.walk("VEVENT")[0]["summary"]) == "Көлік"
