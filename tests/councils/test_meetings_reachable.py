"""Meetings within a citizen's reach: past meetings on the council page, the meeting behind steps 1 and 2, news
that lead to the most specific page, and personal receptions in the calendar."""

import datetime
import re
from html.parser import HTMLParser

import feedparser
import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations import services, workflow
from consultations.models import Consultation
from councils.models import Reception
from publications import announcements as publications_announcements
from publications.models import Announcement
from tests.factories import (
    CouncilFactory,
    MeetingFactory,
    MembershipFactory,
    members_of,
    quorate_meeting,
    secretary_of,
)
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State


class Page(HTMLParser):
    """The links of a page, each with the id of the section (or list) it sits in and its `rel`."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (section, href, rel)
        self.texts: dict[str, str] = {}
        self._sections: list[str] = []
        self._open: list[str] = []
        self._href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("section", "ol", "nav"):
            self._open.append(tag)
            self._sections.append(attrs.get("aria-labelledby") or attrs.get("class") or attrs.get("aria-label") or "")
        if tag == "a" and attrs.get("href"):
            self._href = attrs["href"]
            self.links.append((" ".join(self._sections), attrs["href"], attrs.get("rel") or ""))
            self.texts[attrs["href"]] = ""

    def handle_data(self, data):
        if self._href is not None:
            self.texts[self._href] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None
        if self._open and tag == self._open[-1]:
            self._open.pop()
            self._sections.pop()

    def hrefs(self, section: str) -> list[str]:
        return [href for where, href, _rel in self.links if section in where]


def get(client, url) -> tuple[str, Page]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    parsed = Page()
    parsed.feed(html)
    return html, parsed


def meeting_hrefs(parsed: Page, language="kk") -> list[str]:
    return [href for href in parsed.hrefs("meetings-heading") if re.fullmatch(rf"/{language}/meetings/\d+/", href)]


@pytest.fixture
def council_with_history():
    """A council with 12 past meetings (the oldest first in the database), two upcoming ones and a consultation."""
    council = CouncilFactory()
    today = timezone.localdate()
    past = [
        MeetingFactory(
            council=council, date=today - datetime.timedelta(days=200 - 10 * n), agenda_kk=f"Күн тәртібі {n}"
        )
        for n in range(12)
    ]
    upcoming = [MeetingFactory(council=council, date=today + datetime.timedelta(days=d)) for d in (3, 10)]
    return council, past, upcoming


# ---------------------------------------------------------------------------------------------------------
# The council page


def test_the_council_page_lists_past_meetings_newest_first_each_linking_its_page(client, council_with_history):
    council, past, upcoming = council_with_history
    html, parsed = get(client, f"/kk/councils/{council.slug}/")
    newest_ten = [f"/kk/meetings/{m.pk}/" for m in reversed(past[2:])]
    assert meeting_hrefs(parsed) == [f"/kk/meetings/{m.pk}/" for m in upcoming] + newest_ten
    assert "Өткен отырыстар" in html and "Қоғамдық кеңестің алдағы отырыстары" in html
    assert "Күн тәртібі 11" in html and "Күн тәртібі 0" not in html
    next_page = [href for _where, href, rel in parsed.links if rel == "next" and "meetings_page" in href]
    assert next_page == ["?meetings_page=2#past-meetings-heading"]

    html, parsed = get(client, f"/kk/councils/{council.slug}/{next_page[0].split('#')[0]}")
    assert meeting_hrefs(parsed) == [f"/kk/meetings/{m.pk}/" for m in upcoming] + [
        f"/kk/meetings/{m.pk}/" for m in reversed(past[:2])
    ]
    assert "2 беттің 2-беті" in html and "Күн тәртібі 0" in html
    assert [href for _where, href, rel in parsed.links if rel == "prev"] == ["?meetings_page=1#past-meetings-heading"]


def test_the_past_meetings_page_keeps_the_consultations_page_and_the_other_way_round(client, council_with_history):
    council, past, _upcoming = council_with_history
    for _ in range(11):  # two pages of consultations (10 a page)
        published_at(State.PLANNED, council=council)
    _html, parsed = get(client, f"/ru/councils/{council.slug}/?page=2&meetings_page=2")
    rels = {(rel, href) for _where, href, rel in parsed.links if rel in ("prev", "next")}
    assert ("prev", "?page=2&meetings_page=1#past-meetings-heading") in rels
    assert ("prev", "?page=1&meetings_page=2") in rels
    assert f"/ru/meetings/{past[0].pk}/" in meeting_hrefs(parsed, "ru")


@pytest.mark.parametrize("value", ["abc", "0", "-1", "2.5", "9999", "", "1'", "%D0%B1"])
def test_a_bad_meetings_page_gives_a_page_never_an_error(client, council_with_history, value):
    council, past, _upcoming = council_with_history
    _html, parsed = get(client, f"/kk/councils/{council.slug}/?meetings_page={value}")
    listed = meeting_hrefs(parsed)
    first_page = {f"/kk/meetings/{m.pk}/" for m in past[2:]}
    last_page = {f"/kk/meetings/{m.pk}/" for m in past[:2]}
    assert first_page <= set(listed) or last_page <= set(listed)


def test_a_nul_in_the_meetings_page_is_refused_cleanly(client, council_with_history):
    council, _past, _upcoming = council_with_history
    assert client.get(f"/kk/councils/{council.slug}/?meetings_page=%00").status_code == 400


def test_a_council_without_meetings_says_so(client):
    council = CouncilFactory()
    html, _parsed = get(client, f"/ru/councils/{council.slug}/")
    assert "Пока не опубликовано ни одного заседания." in html
    assert "?meetings_page" not in html


def test_a_past_meetings_page_shows_its_agenda_attendance_and_published_protocol(client):
    council = CouncilFactory()
    members = members_of(council, 3)
    meeting = MeetingFactory(council=council, agenda_ru="1. Об отчёте акимата", protocol_number="12")
    meeting.attendees.set(members)
    html, _parsed = get(client, f"/ru/councils/{council.slug}/")
    assert "протокол № 12" not in html  # not published yet
    meeting.protocol_published_at = timezone.now()
    meeting.protocol_file_ru = "meetings/protocol.pdf"
    meeting.save()
    html, parsed = get(client, f"/ru/councils/{council.slug}/")
    assert "протокол № 12" in html
    html, parsed = get(client, meeting_hrefs(parsed, "ru")[0])
    assert "1. Об отчёте акимата" in html and "3 из 3" in html and "кворум имелся" in html
    assert f"/ru/meetings/{meeting.pk}/protocol-ru.pdf" in [href for _w, href, _r in parsed.links]


def test_the_council_page_lists_a_reception_under_way_and_not_one_that_is_over(client):
    council = CouncilFactory()
    member = MembershipFactory(council=council, full_name_ru="Айгерим Сапарова")
    now = timezone.now()
    Reception.objects.create(
        member=member, starts_at=now - datetime.timedelta(minutes=30), ends_at=now + datetime.timedelta(hours=1),
        place_kk="Әкімдік, 101", place_ru="Акимат, 101",
    )  # fmt: skip
    Reception.objects.create(
        member=member, starts_at=now - datetime.timedelta(days=2), ends_at=now - datetime.timedelta(days=2, hours=-1),
        place_kk="Кітапхана", place_ru="Библиотека",
    )  # fmt: skip
    html, _parsed = get(client, f"/ru/councils/{council.slug}/")
    assert "Акимат, 101" in html and "Айгерим Сапарова" in html
    assert "Библиотека" not in html


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_council_page_makes_as_many_queries_with_many_meetings_and_receptions_as_with_few(client):
    council = CouncilFactory()
    member = MembershipFactory(council=council)
    today = timezone.localdate()
    MeetingFactory(council=council, date=today - datetime.timedelta(days=5), protocol_published_at=timezone.now())
    MeetingFactory(council=council, date=today + datetime.timedelta(days=5))
    Reception.objects.create(member=member, starts_at=timezone.now() + datetime.timedelta(days=1), place_ru="Офис")
    url = f"/kk/councils/{council.slug}/"
    few = count_queries(client, url)
    for n in range(25):
        meeting = quorate_meeting(council, date=today - datetime.timedelta(days=10 + n))
        meeting.protocol_published_at = timezone.now()
        meeting.save()
    for n in range(4):
        MeetingFactory(council=council, date=today + datetime.timedelta(days=6 + n))
        Reception.objects.create(
            member=MembershipFactory(council=council), starts_at=timezone.now() + datetime.timedelta(days=2 + n),
            place_ru="Офис",
        )  # fmt: skip
    assert count_queries(client, url) == few
    assert count_queries(client, url + "?meetings_page=3") == few


# ---------------------------------------------------------------------------------------------------------
# The seven steps


def timeline_link(parsed: Page, language="kk") -> list[str]:
    return [href for href in parsed.hrefs("timeline") if href.startswith(f"/{language}/meetings/")]


def test_the_timeline_links_the_meeting_that_decided_steps_1_and_2(client):
    consultation = published_at(State.HELD)
    meeting = consultation.transitions.get(to_state=State.DECIDED).meeting
    html, parsed = get(client, f"/kk/consultations/{consultation.slug}/")
    assert timeline_link(parsed) == [f"/kk/meetings/{meeting.pk}/"] * 2
    assert parsed.texts[f"/kk/meetings/{meeting.pk}/"] == "Қоғамдық кеңес отырысы"
    html, parsed = get(client, timeline_link(parsed)[0])
    assert meeting.agenda_kk in html
    # …and the meeting's page links back to the consultations it decided.
    assert parsed.hrefs("decided-heading") == [f"/kk/consultations/{consultation.slug}/"]
    assert "Бұл отырыстың хаттамасы әзірге жарияланған жоқ." in html


def test_a_meeting_does_not_name_a_consultation_whose_schedule_is_not_published(client):
    from tests.factories import consultation_at

    hidden = consultation_at(State.DECIDED)  # its schedule is neither approved nor published
    meeting = hidden.transitions.get(to_state=State.DECIDED).meeting
    html, parsed = get(client, f"/ru/meetings/{meeting.pk}/")
    assert parsed.hrefs("decided-heading") == [] and hidden.title_ru not in html


def test_a_step_taken_again_at_another_meeting_links_the_new_one(client):
    consultation = published_at(State.QUESTIONS_APPROVED)
    council = consultation.schedule.council
    by = secretary_of(council)
    first = consultation.transitions.get(to_state=State.DECIDED).meeting
    workflow.step_back(consultation, by=by, reason="Қате / Ошибка")
    second = quorate_meeting(council, date=timezone.localdate())
    workflow.approve_questions(consultation, by=by, meeting=second)
    _html, parsed = get(client, f"/ru/consultations/{consultation.slug}/")
    assert timeline_link(parsed, "ru") == [f"/ru/meetings/{first.pk}/", f"/ru/meetings/{second.pk}/"]


def test_a_consultation_not_yet_decided_links_no_meeting(client):
    consultation = published_at(State.PLANNED)
    _html, parsed = get(client, f"/kk/consultations/{consultation.slug}/")
    assert timeline_link(parsed) == []


# ---------------------------------------------------------------------------------------------------------
# News lead to the most specific page


def test_every_kind_of_news_links_the_most_specific_page_on_the_council_page_and_in_the_feeds(client):
    results = published_at(State.POSITION_PUBLISHED, listed_proposals=1)
    council = results.schedule.council
    by = secretary_of(council)
    running = published_at(State.HELD, council=council)
    position_news = services.write_news(
        results, by=by, title_kk="Кеңес өз ұстанымын жариялады", title_ru="Совет опубликовал свою позицию",
        text_kk="Ұстаным жарияланды.", text_ru="Позиция опубликована.",
    )  # fmt: skip
    running_news = services.write_news(
        running, by=by, title_kk="Ұсыныстар қабылдануда", title_ru="Идёт приём предложений",
        text_kk="Ұсыныстарыңызды жіберіңіз.", text_ru="Присылайте предложения.",
    )  # fmt: skip
    meeting = MeetingFactory(council=council, date=timezone.localdate() + datetime.timedelta(days=7))
    meeting_news = publications_announcements.publish_meeting(meeting, by=by)
    expected = {
        position_news.pk: f"/consultations/{results.slug}/results/",
        running_news.pk: f"/consultations/{running.slug}/",
        meeting_news.pk: f"/meetings/{meeting.pk}/",
    }
    by_event = {
        Announcement.Event.SCHEDULE_PUBLISHED: lambda subject: f"/councils/{council.slug}/#schedule-heading",
        Announcement.Event.CONSULTATION_ANNOUNCED: lambda subject: f"/consultations/{subject.slug}/",
        Announcement.Event.RESULTS_PUBLISHED: lambda subject: f"/consultations/{subject.slug}/results/",
    }
    for announcement in Announcement.objects.published().filter(council=council):
        if announcement.pk not in expected:
            expected[announcement.pk] = by_event[announcement.event](announcement.subject)
        assert announcement.path == expected[announcement.pk], announcement.event

    _html, parsed = get(client, f"/ru/councils/{council.slug}/")
    news_links = set(parsed.hrefs("news-heading"))
    assert f"/ru/consultations/{results.slug}/results/" in news_links
    assert f"/ru/meetings/{meeting.pk}/" in news_links
    feed = feedparser.parse(client.get(f"/ru/councils/{council.slug}/feeds/news.rss").content)
    links = {entry.title: entry.link for entry in feed.entries}
    assert links["Совет опубликовал свою позицию"].endswith(f"/ru/consultations/{results.slug}/results/")
    assert links["Идёт приём предложений"].endswith(f"/ru/consultations/{running.slug}/")
    for path in set(expected.values()):  # each page a news item leads to exists
        assert client.get(f"/ru{path}").status_code == 200, path


def test_a_finished_consultations_card_links_its_results(client):
    results = published_at(State.POSITION_PUBLISHED)
    running = published_at(State.HELD, council=results.schedule.council)
    for url in (f"/kk/councils/{results.schedule.council.slug}/", "/kk/consultations/", "/kk/"):
        _html, parsed = get(client, url)
        hrefs = {href for _where, href, _rel in parsed.links}
        assert f"/kk/consultations/{results.slug}/results/" in hrefs, url
        assert f"/kk/consultations/{running.slug}/results/" not in hrefs, url


# ---------------------------------------------------------------------------------------------------------
# Personal receptions in the calendar


def test_the_calendar_carries_personal_receptions_with_place_and_time_in_both_languages(client):
    council = CouncilFactory()
    other = CouncilFactory()
    member = MembershipFactory(council=council, full_name_kk="Бауыржан Ерланұлы", full_name_ru="Бауыржан Ерланович")
    starts = (timezone.now() + datetime.timedelta(days=4)).replace(microsecond=0, second=0)
    reception = Reception.objects.create(
        member=member, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
        place_kk="Әкімдік ғимараты, 214 кабинет", place_ru="Здание акимата, кабинет 214",
        topic_kk="Тұрғын үй мәселелері", topic_ru="Жилищные вопросы",
    )  # fmt: skip
    elsewhere = Reception.objects.create(
        member=MembershipFactory(council=other), starts_at=starts, link="https://meet.example.kz/room"
    )
    over = Reception.objects.create(
        member=member, starts_at=timezone.now() - datetime.timedelta(days=3), place_kk="Кітапхана",
        place_ru="Библиотека",
    )  # fmt: skip

    def events(url):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        return {str(e["uid"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}

    kk = events(f"/kk/councils/{council.slug}/calendar.ics")
    event = kk[f"reception-{reception.pk}@qogam"]
    assert str(event["summary"]) == "Азаматтарды жеке қабылдау: Бауыржан Ерланұлы"
    assert str(event["location"]) == "Әкімдік ғимараты, 214 кабинет"
    assert event.decoded("dtstart") == starts and event.decoded("dtend") == starts + datetime.timedelta(hours=2)
    assert "Тұрғын үй мәселелері" in str(event["description"])
    assert str(event["url"]).endswith(f"/kk/councils/{council.slug}/#receptions-heading")
    assert f"reception-{elsewhere.pk}@qogam" not in kk and f"reception-{over.pk}@qogam" not in kk

    ru = events(f"/ru/councils/{council.slug}/calendar.ics")
    event = ru[f"reception-{reception.pk}@qogam"]
    assert str(event["summary"]) == "Личный приём граждан: Бауыржан Ерланович"
    assert str(event["location"]) == "Здание акимата, кабинет 214"

    overall = events("/ru/calendar.ics")
    assert {f"reception-{reception.pk}@qogam", f"reception-{elsewhere.pk}@qogam"} <= set(overall)
    assert str(overall[f"reception-{elsewhere.pk}@qogam"]["location"]) == "https://meet.example.kz/room"
    assert f"reception-{over.pk}@qogam" not in overall


def test_the_calendar_makes_as_many_queries_with_many_receptions_as_with_few(client):
    council = CouncilFactory()
    Reception.objects.create(
        member=MembershipFactory(council=council), starts_at=timezone.now() + datetime.timedelta(days=1), place_ru="А"
    )
    url = f"/kk/councils/{council.slug}/calendar.ics"
    few = count_queries(client, url)
    for n in range(10):
        Reception.objects.create(
            member=MembershipFactory(council=council), starts_at=timezone.now() + datetime.timedelta(days=2 + n),
            place_ru="Б",
        )  # fmt: skip
    assert count_queries(client, url) == few
    assert count_queries(client, "/kk/calendar.ics") == count_queries(client, "/kk/calendar.ics")
