"""The council page with its meetings (past ones paginated), receptions and news, in Chromium: audited, in both
languages, on a desktop and a 390 px phone."""

import datetime

import pytest
from django.utils import timezone

from consultations.models import Consultation
from councils.models import Reception
from tests.e2e.conftest import audit, empty_labels
from tests.factories import MeetingFactory, MembershipFactory, members_of
from tests.public_fixtures import published_at

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def council(migration_data):
    results = published_at(
        Consultation.State.POSITION_PUBLISHED, occasion=Consultation.Occasion.DRAFT_ACT,
        format=Consultation.Format.ONLINE, link="https://meet.gov.kz/kenes", venue_kk="", venue_ru="",  # no venue
    )  # fmt: skip
    council = results.schedule.council
    members = members_of(council, 3)
    today = timezone.localdate()
    for n in range(13):
        meeting = MeetingFactory(
            council=council,
            date=today - datetime.timedelta(days=30 + 14 * n),
            place_kk="Облыс әкімдігінің мәжіліс залы, Абай даңғылы, 33",
            place_ru="Зал заседаний акимата области, проспект Абая, 33",
            agenda_kk="1. Тоқсандық кестені бекіту туралы. 2. Қоғамдық сараптаманың нәтижелері туралы. "
            "3. Азаматтардың өтініштерін қарау туралы.",
            agenda_ru="1. Об утверждении квартального графика. 2. О результатах общественной экспертизы. "
            "3. О рассмотрении обращений граждан.",
            protocol_published_at=timezone.now() if n % 2 else None,
        )
        meeting.attendees.set(members)
    MeetingFactory(council=council, date=today + datetime.timedelta(days=6), place_ru="Акимат", place_kk="Әкімдік")
    Reception.objects.create(
        member=MembershipFactory(council=council),
        starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=2, hours=2),
        place_kk="Әкімдік ғимараты, 214 кабинет",
        place_ru="Здание акимата, кабинет 214",
        topic_kk="Тұрғын үй-коммуналдық шаруашылық мәселелері",
        topic_ru="Вопросы жилищно-коммунального хозяйства",
    )
    return council


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_council_page_with_its_meetings_fits_a_phone_and_passes_the_audit(browser, live_server, council, language):
    url = f"{live_server.url}/{language}/councils/{council.slug}/"
    page = browser.new_page()
    page.goto(url)
    audit(page, f"20-council-meetings-{language}")
    pages = {"kk": "Өткен отырыстардың беттері", "ru": "Страницы прошедших заседаний"}[language]
    page.get_by_role("navigation", name=pages).get_by_role("link").first.click()
    assert "meetings_page=2" in page.url
    audit(page, f"21-council-meetings-page-2-{language}")
    page.close()

    phone = browser.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(url)
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert empty_labels(phone) == []  # an online consultation's venue: no "Venue:" with nothing after it
    audit(phone, f"22-council-meetings-phone-{language}")
    phone.close()
