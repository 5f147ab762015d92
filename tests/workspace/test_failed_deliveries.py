"""The dashboard lists the failed deliveries of every announcement of the councils the user acts for —
the schedule's, a meeting's, news — not only a consultation's, each with its error and a retry button."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from councils.models import Membership
from publications.models import Announcement, Delivery
from publications.services import create_announcement
from tests.factories import (
    CouncilFactory,
    MembershipFactory,
    planned_consultation,
    publish_schedule_of,
    staff_of,
    url,
)
from workspace.views import FAILED_DELIVERIES_SHOWN

pytestmark = pytest.mark.django_db
ERROR = "Bad Request: chat not found"


@pytest.fixture
def telegram(settings):
    """Telegram enabled: publishing writes its deliveries (no worker runs: the test's transaction never
    commits, so none is woken)."""
    settings.TELEGRAM_BOT_TOKEN = "123456:test-token"
    settings.TELEGRAM_CHAT_ID = "@qogam_news"


@pytest.fixture
def council():
    return CouncilFactory()


@pytest.fixture
def secretary(council):
    return staff_of(council)


def fail(delivery: Delivery, error: str = ERROR, *, at: datetime.datetime | None = None) -> Delivery:
    """What a worker leaves after a permanent failure."""
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.FAILED, attempts=1, last_error=error, updated_at=at or timezone.now()
    )
    delivery.refresh_from_db()
    return delivery


def failed_schedule_post(council, secretary) -> Delivery:
    """The schedule's publication, whose Telegram post failed."""
    publish_schedule_of(planned_consultation(council, by=secretary), by=secretary)
    announcement = Announcement.objects.get(council=council, event=Announcement.Event.SCHEDULE_PUBLISHED)
    return fail(announcement.deliveries.get(channel=Delivery.Channel.TELEGRAM, target="@qogam_news"))


def news(council, n: int, *, subject=None) -> Announcement:
    return create_announcement(
        council=council,
        event=Announcement.Event.CONSULTATION_ANNOUNCED if subject else Announcement.Event.NEWS_PUBLISHED,
        subject=subject,
        title_kk=f"Жаңалық {n}",
        title_ru=f"Новость {n}",
        text_kk="Мәтін",
        text_ru="Текст",
    )


def failed_news(council, n: int, *, subject=None, at: datetime.datetime | None = None) -> Delivery:
    delivery = Delivery.objects.create(
        announcement=news(council, n, subject=subject), channel=Delivery.Channel.WEBHOOK, target="1"
    )
    return fail(delivery, f"HTTP 410 from the receiver ({n})", at=at)


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(url("workspace:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def retry_form(page: str, delivery: Delivery) -> str | None:
    action = re.escape(url("workspace:retry_delivery", pk=delivery.pk))
    found = re.search(rf'<form method="post" action="{action}".*?</form>', page, re.S)
    return found and found.group(0)


def test_a_failed_post_of_the_schedule_is_on_its_secretarys_dashboard_and_retrying_sends_it_again(
    telegram, council, secretary
):
    delivery = failed_schedule_post(council, secretary)
    client = Client(enforce_csrf_checks=True)
    page = dashboard(client, secretary)
    assert delivery.announcement.title_kk in page and ERROR in page
    form = retry_form(page, delivery)
    assert form and 'name="csrfmiddlewaretoken"' in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    response = client.post(
        url("workspace:retry_delivery", pk=delivery.pk),
        {"csrfmiddlewaretoken": token, "next": url("workspace:dashboard")},
    )

    assert response.status_code == 302 and response.url == url("workspace:dashboard")
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (Delivery.State.PENDING, 0)
    assert retry_form(dashboard(client, secretary), delivery) is None


def test_news_and_a_consultations_announcement_are_listed_and_only_the_consultation_links_to_its_page(
    client, council, secretary
):
    consultation = planned_consultation(council, by=secretary)
    news = failed_news(council, 1)
    announced = failed_news(council, 2, subject=consultation)
    page = dashboard(client, secretary)
    assert retry_form(page, news) and retry_form(page, announced)
    consultation_page = url("workspace:consultation", slug=consultation.slug)
    assert f'<a href="{consultation_page}">{announced.announcement.title_kk}</a>' in page
    assert f">{news.announcement.title_kk}</a>" not in page


def test_another_councils_secretary_does_not_see_them(telegram, council, secretary):
    delivery = failed_schedule_post(council, secretary)
    page = dashboard(Client(), staff_of(CouncilFactory()))
    assert retry_form(page, delivery) is None and ERROR not in page
    assert 'id="failed-deliveries-heading"' not in page


def test_a_member_who_may_read_but_not_act_does_not_see_them(telegram, council, secretary):
    delivery = failed_schedule_post(council, secretary)
    member = staff_of(council, Membership.Role.MEMBER)
    page = dashboard(Client(), member)
    assert council.name_kk in page  # the member reads the council's dashboard…
    assert retry_form(page, delivery) is None and ERROR not in page  # …but is shown nothing to retry
    assert 'id="failed-deliveries-heading"' not in page


def test_without_failures_there_is_no_section(client, council, secretary):
    announcement = news(council, 1)
    Delivery.objects.create(announcement=announcement, channel=Delivery.Channel.TELEGRAM, target="@a")
    Delivery.objects.create(
        announcement=announcement,
        channel=Delivery.Channel.WEBHOOK,
        target="1",
        state=Delivery.State.SENT,
        sent_at=timezone.now(),
    )
    assert 'id="failed-deliveries-heading"' not in dashboard(client, secretary)


def test_the_most_recent_are_listed_and_all_are_counted_in_the_same_number_of_queries_for_1_and_30(
    client, telegram, council, secretary, django_assert_max_num_queries
):
    client.force_login(secretary)
    consultation = planned_consultation(council, by=secretary)
    failed_schedule_post(council, secretary)
    client.get(url("workspace:dashboard"))  # warm the caches (content types, session)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("workspace:dashboard")).status_code == 200

    now = timezone.now()
    oldest = failed_news(council, 0, at=now - datetime.timedelta(days=30))
    newest = [
        failed_news(council, n, subject=consultation if n % 2 else None, at=now - datetime.timedelta(minutes=n))
        for n in range(1, 29)
    ]
    assert Delivery.objects.filter(state=Delivery.State.FAILED).count() == 30
    with django_assert_max_num_queries(len(one)), CaptureQueriesContext(connection) as thirty:
        response = client.get(url("workspace:dashboard"))
    assert len(thirty) == len(one)

    page = response.content.decode()
    assert response.context["failed_total"] == 30
    assert len(re.findall(r"/deliveries/\d+/retry/", page)) == FAILED_DELIVERIES_SHOWN
    assert retry_form(page, newest[0]) and retry_form(page, oldest) is None


def test_a_chair_of_one_council_and_member_of_another_sees_only_the_first_councils(client):
    chaired, read_only = CouncilFactory(), CouncilFactory()
    user = staff_of(chaired, Membership.Role.CHAIR)
    MembershipFactory(council=read_only, user=user, role=Membership.Role.MEMBER)
    mine, not_mine = failed_news(chaired, 1), failed_news(read_only, 2)
    page = dashboard(client, user)
    assert read_only.name_kk in page
    assert retry_form(page, mine) and retry_form(page, not_mine) is None
