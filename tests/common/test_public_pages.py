"""The public pages, in both languages: status, key content, the language switch, filters, query budgets."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from consultations.models import Consultation
from councils.models import Reception
from proposals.models import Proposal
from tests.factories import CouncilFactory, MembershipFactory, add_proposal, staff_of
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.switch = {}
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "a" and attrs.get("hreflang"):
            self.switch[attrs["hreflang"]] = attrs["href"]


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    links = Links()
    links.feed(html)
    return html, links


@pytest.fixture
def results():
    return published_at(State.POSITION_PUBLISHED, occasion=Consultation.Occasion.DRAFT_ACT, listed_proposals=2)


@pytest.fixture
def open_consultation():
    return published_at(State.HELD, listed_proposals=0)


# ---------------------------------------------------------------------------------------------------------
# Languages


def test_the_root_sends_a_visitor_to_their_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru").url == "/ru/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="kk,ru;q=0.8").url == "/kk/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en").url == "/kk/"


@pytest.mark.parametrize(("language", "other"), [("kk", "ru"), ("ru", "kk")])
def test_every_page_is_in_its_language_with_a_switch_to_the_same_page(client, results, language, other):
    council = results.schedule.council
    reference = results.proposals.first().reference
    paths = [
        "",
        "consultations/?step=position_published&level=oblast",
        f"consultations/{results.slug}/",
        f"consultations/{results.slug}/results/",
        "councils/",
        f"councils/{council.slug}/",
        f"proposals/{reference}/",
    ]
    for path in paths:
        _html, links = page(client, f"/{language}/{path}")
        assert links.html_lang == language
        assert links.switch[other] == f"/{other}/{path}", path


def test_content_is_shown_in_the_pages_language_and_falls_back_to_the_other(client, results):
    html, _ = page(client, f"/ru/consultations/{results.slug}/")
    assert results.title_ru in html and results.title_kk not in html
    Consultation.objects.filter(pk=results.pk).update(title_ru="")
    html, _ = page(client, f"/ru/consultations/{results.slug}/")
    assert results.title_kk in html


def test_dates_are_written_in_the_pages_language(client, open_consultation):
    closes = timezone.localtime(open_consultation.window_closes_at)
    months_kk = [
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ]
    months_ru = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ]
    kk, _ = page(client, f"/kk/consultations/{open_consultation.slug}/")
    ru, _ = page(client, f"/ru/consultations/{open_consultation.slug}/")
    assert f"{closes.day} {months_kk[closes.month - 1]} {closes.year} ж." in kk
    assert f"{closes.day} {months_ru[closes.month - 1]} {closes.year} г." in ru


def test_an_unknown_page_is_a_translated_404(client):
    response = client.get("/ru/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()
    response = client.get("/kk/consultations/no-such-consultation/")
    assert response.status_code == 404
    assert "Бет табылмады" in response.content.decode()


# ---------------------------------------------------------------------------------------------------------
# Pages


def test_home_shows_open_consultations_coming_ones_and_results(client, results, open_consultation):
    coming = published_at(State.ANNOUNCED, window_opens_at=timezone.now() + datetime.timedelta(days=3),
                          window_closes_at=timezone.now() + datetime.timedelta(days=20))  # fmt: skip
    html, _ = page(client, "/kk/")
    sections = re.split(r'<section aria-labelledby="', html)
    assert open_consultation.title_kk in sections[1]
    assert coming.title_kk in sections[2]
    assert results.title_kk in sections[3]
    assert 'role="search"' in html


def test_the_consultation_page_shows_the_draft_act_questions_and_the_seven_steps(client, results):
    html, _ = page(client, f"/ru/consultations/{results.slug}/")
    for text in (results.act_title_ru, results.act_number, results.act_url, results.social_effect_ru, "Вопрос?"):
        assert text in html
    assert html.count('class="done') == 7
    assert f'href="/ru/consultations/{results.slug}/results/"' in html


def test_the_results_page_shows_the_position_recommendation_and_decisions_but_no_contact(client, results):
    proposal = results.proposals.first()
    Proposal.objects.filter(pk=proposal.pk).update(contact="secret.contact@mail.kz", author_name="Әлия Серікова")
    html, _ = page(client, f"/kk/consultations/{results.slug}/results/")
    assert results.position.text_kk in html
    assert "Жобаны пысықтау." in html  # the recommendation's point
    assert "Ескерілді" in html and "Ұсыныс орынды." in html
    assert "Әлия Серікова" in html
    assert "secret.contact@mail.kz" not in html


def test_an_author_who_asked_to_stay_anonymous_is_not_named(client, results):
    proposal = results.proposals.first()
    Proposal.objects.filter(pk=proposal.pk).update(author_name="Жасырын Адам", hide_name=True)
    html, _ = page(client, f"/kk/consultations/{results.slug}/results/")
    assert "Жасырын Адам" not in html


def test_results_are_not_shown_before_the_position_is_published(client, open_consultation):
    assert client.get(f"/kk/consultations/{open_consultation.slug}/results/").status_code == 404


def test_a_consultation_of_an_unpublished_schedule_is_not_found(client):
    from tests.factories import consultation_at

    consultation = consultation_at(State.DECIDED)
    assert client.get(f"/kk/consultations/{consultation.slug}/").status_code == 404


def test_the_council_directory_is_grouped_by_level_and_region(client, results):
    CouncilFactory(level="central", region=None, name_kk="Министрліктің қоғамдық кеңесі", name_ru="Совет министерства")
    html, _ = page(client, "/ru/councils/")
    assert "<h2>Центральные государственные органы</h2>" in html
    assert results.schedule.council.region.name_ru in html


def test_the_council_page_shows_its_schedule_receptions_meetings_and_news(client, results):
    council = results.schedule.council
    member = MembershipFactory(council=council, full_name_kk="Бауыржан Ерланұлы")
    Reception.objects.create(
        member=member,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place_kk="Кеңсе, 214",
        place_ru="Офис, 214",
    )
    html, _ = page(client, f"/kk/councils/{council.slug}/")
    assert results.title_kk in html
    assert "Бауыржан Ерланұлы" in html and "Кеңсе, 214" in html
    assert "Нәтижелер" in html or results.title_kk in html


def test_a_proposals_status_shows_no_text_before_the_results_and_nothing_personal(client, open_consultation):
    secretary = staff_of(open_consultation.schedule.council, role="chair")
    proposal = add_proposal(open_consultation, by=secretary, contact="hidden@mail.kz", text="Менің ұсынысымның мәтіні")
    html, _ = page(client, f"/kk/proposals/{proposal.reference}/")
    assert proposal.reference in html and open_consultation.title_kk in html
    assert "Менің ұсынысымның мәтіні" not in html and "hidden@mail.kz" not in html and "Айгүл" not in html


def test_a_proposals_status_shows_its_text_and_decision_once_results_are_published(client, results):
    proposal = results.proposals.first()
    html, _ = page(client, f"/ru/proposals/{proposal.reference}/")
    assert proposal.text in html and "Учтено" in html


# ---------------------------------------------------------------------------------------------------------
# The list and its filters


@pytest.fixture
def catalogue():
    """Consultations that differ in one filter each."""
    a = published_at(
        State.HELD,
        occasion="appeal",
        title_kk="Қоғамдық көлік маршруттары",
        title_ru="Маршруты общественного транспорта",
    )
    b = published_at(
        State.POSITION_PUBLISHED,
        occasion="draft_act",
        title_kk="Аулаларды абаттандыру",
        title_ru="Благоустройство дворов",
    )
    c_council = CouncilFactory(level="central", region=None, slug="health")
    c = published_at(
        State.ANNOUNCED,
        occasion="initiative",
        council=c_council,
        title_kk="Емханалар кестесі",
        title_ru="График поликлиник",
    )
    return a, b, c


def listed(client, query):
    html, _ = page(client, f"/ru/consultations/?{query}")
    return html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=маршруты", {0}),
        ("q=МАРШРУТТАРЫ", {0}),  # Kazakh and Russian letters fold whatever the case
        ("q=қоғамдық+көлік", {0}),
        ("step=held", {0}),
        ("step=position_published", {1}),
        ("occasion=draft_act", {1}),
        ("level=central", {2}),
        ("level=oblast", {0, 1}),
        ("council=health", {2}),
        ("occasion=appeal&step=held", {0}),
        ("occasion=appeal&step=announced", set()),
    ],
)
def test_each_filter_alone_and_combined(client, catalogue, query, expected):
    html = listed(client, query)
    shown = {n for n, c in enumerate(catalogue) if c.title_ru in html}
    assert shown == expected, query


def test_region_year_and_quarter_filters(client, catalogue):
    a, b, c = catalogue
    html = listed(client, f"region={a.schedule.council.region.slug}")
    assert a.title_ru in html and c.title_ru not in html and b.title_ru not in html
    year, quarter = a.schedule.year, a.schedule.quarter
    html = listed(client, f"year={year}&quarter={quarter}")
    assert all(x.title_ru in html for x in catalogue)
    html = listed(client, f"year={year - 1}")
    assert not any(x.title_ru in html for x in catalogue)
    assert "Найдено консультаций: 0" in html or "0 консультаций" in html


@pytest.mark.parametrize(
    "query",
    ["step=nonsense", "region=%3Cscript%3Ealert(1)%3C/script%3E", "year=abc", "year=99999999999999999999",
     "quarter=7", "council=' OR 1=1 --", "page=-1", "page=abc", "page=99999", "q=" + "x" * 5000,
     "level[]=oblast"],
)  # fmt: skip
def test_hostile_filter_values_give_a_corrected_list_never_an_error(client, catalogue, query):
    response = client.get(f"/ru/consultations/?{query}")
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


def test_a_nul_in_a_filter_is_a_bad_request_that_leads_back_to_the_list(client, catalogue):
    # No address of the portal carries a NUL: it is refused before a filter or a query reads it (issue 13).
    response = client.get("/ru/consultations/?occasion=%00")
    assert response.status_code == 400
    assert 'href="/ru/consultations/"' in response.content.decode()


def test_the_filters_stay_in_the_pagination_links(client):
    council = CouncilFactory()
    for _ in range(21):
        published_at(State.PLANNED, council=council)
    html = listed(client, f"council={council.slug}&step=planned")
    assert "21" in html
    assert f"?council={council.slug}&amp;step=planned&amp;page=2" in html


# ---------------------------------------------------------------------------------------------------------
# Query budgets: the same number of queries with few rows as with many


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_rows(consultation, extra_consultations=6, extra_proposals=12):
    council = consultation.schedule.council
    for _ in range(extra_consultations):
        published_at(State.POSITION_PUBLISHED, council=council, listed_proposals=2)
    secretary = consultation.schedule.council.memberships.filter(role="secretary").first().user
    if consultation.state == State.HELD:
        for _ in range(extra_proposals):
            add_proposal(consultation, by=secretary)


@pytest.mark.parametrize(
    "url",
    ["/kk/", "/kk/consultations/", "/kk/consultations/?level=oblast&step=position_published", "/ru/councils/",
     "/ru/councils/{council}/", "/kk/consultations/{slug}/", "/kk/consultations/{slug}/results/",
     "/kk/feeds/news.rss", "/ru/feeds/results.atom", "/kk/calendar.ics", "/kk/councils/{council}/calendar.ics"],
)  # fmt: skip
def test_a_page_makes_the_same_number_of_queries_with_few_and_many_rows(client, results, url):
    url = url.format(council=results.schedule.council.slug, slug=results.slug)
    few = count_queries(client, url)
    add_rows(results)
    many = count_queries(client, url)
    assert few == many, url


def test_the_results_page_of_a_consultation_with_many_proposals_keeps_its_query_count(client, results):
    url = f"/kk/consultations/{results.slug}/results/"
    few = count_queries(client, url)
    listed_proposal = results.proposals.first()
    clones = [
        Proposal(
            consultation=results, reference=f"QG-2026-9{n:05d}", text=f"Ұсыныс {n}", language="kk", channel="mail",
            moderation="listed", decision="not_taken", decision_reasons_kk="Себеп", decision_reasons_ru="Причина",
            question=listed_proposal.question,
        )
        for n in range(120)
    ]  # fmt: skip
    Proposal.objects.bulk_create(clones)
    assert count_queries(client, url) == few
    assert count_queries(client, url + "?page=3") == few


def test_a_meeting_is_public_with_its_agenda_and_its_protocol_once_published(client):
    from tests.factories import MeetingFactory, members_of

    council = CouncilFactory()
    members = members_of(council, 3)
    meeting = MeetingFactory(council=council, agenda_ru="1. Утверждение графика", protocol_number="7")
    meeting.attendees.set(members[:2])
    html, _ = page(client, f"/ru/meetings/{meeting.pk}/")
    assert "1. Утверждение графика" in html and "Номер протокола" not in html
    meeting.protocol_published_at = timezone.now()
    meeting.save()
    html, _ = page(client, f"/ru/meetings/{meeting.pk}/")
    assert "Номер протокола" in html and "2 из 3" in html and "кворум имелся" in html
    upcoming = MeetingFactory(council=council, date=timezone.localdate() + datetime.timedelta(days=5))
    html, _ = page(client, f"/kk/councils/{council.slug}/")
    assert f'href="/kk/meetings/{upcoming.pk}/"' in html


def test_the_server_error_page_speaks_both_languages(rf):
    from django.views.defaults import server_error

    html = server_error(rf.get("/kk/")).content.decode()
    assert "Қате орын алды" in html and "Произошла ошибка" in html


def test_an_intake_whose_planned_start_passed_unopened_is_not_promised_in_the_future_tense(client):
    late = published_at(State.ANNOUNCED)  # its window was to open yesterday; step 4 is not taken
    now = timezone.now()
    coming = published_at(
        State.ANNOUNCED,
        window_opens_at=now + datetime.timedelta(days=2),
        window_closes_at=now + datetime.timedelta(days=16),
    )
    for url in (f"/ru/consultations/{late.slug}/", f"/ru/consultations/{late.slug}/propose/"):
        html, _ = page(client, url)
        assert "Приём предложений должен был начаться" in html and "будут приниматься" not in html
    html, _ = page(client, f"/kk/consultations/{late.slug}/")
    assert "басталуы тиіс еді, бірақ қоғамдық кеңес оны әлі ашқан жоқ" in html
    html, _ = page(client, f"/ru/consultations/{coming.slug}/")
    assert "Предложения будут приниматься с" in html and "должен был начаться" not in html


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_browsers_find_the_feeds_and_the_icon(client, results, language):
    council = results.schedule.council
    home, _ = page(client, f"/{language}/")
    council_page, _ = page(client, f"/{language}/councils/{council.slug}/")

    feeds = re.compile(r'<link rel="alternate" type="application/(?:rss|atom)\+xml" href="([^"]+)"\s+title="[^"]+">')
    assert feeds.findall(home) == [f"/{language}/feeds/{kind}" for kind in
                                   ("news.rss", "news.atom", "results.rss", "results.atom")]  # fmt: skip
    assert len(feeds.findall(council_page)) == 4
    assert all(f"/councils/{council.slug}/feeds/" in link for link in feeds.findall(council_page))
    for link in feeds.findall(home) + feeds.findall(council_page):
        assert client.get(link).status_code == 200, link
    assert re.search(r'<link rel="icon" href="[^"]+favicon\.svg" type="image/svg\+xml">', home)


def test_the_latest_results_say_when_they_were_published(client, results):
    html, _ = page(client, "/ru/")
    results.refresh_from_db()
    with translation.override("ru"):
        published = formats.date_format(results.state_since, "DATE_FORMAT")
    assert f"Итоги опубликованы {published}" in re.sub(r"\s+", " ", html)
