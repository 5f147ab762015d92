"""Subscribing to announcements by mail: double opt-in that a mail scanner cannot complete, one open
subscription per address and scope, no flood of confirmation mails, a page that tells nothing about the
address, and unsubscribing that ends everything sent to the address (one click from a mail program)."""

import datetime
import re
import uuid

import pytest
from django.core import mail
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from publications import subscriptions
from publications.models import OutgoingMail, Subscription
from tests.factories import CouncilFactory, RegionFactory

pytestmark = pytest.mark.django_db


def ask(client, email="citizen@mail.kz", language="kk", **fields):
    return client.post(f"/{language}/subscribe/", {"email": email, "scope": "all", **fields})


def confirmation_mails(email="citizen@mail.kz"):
    return OutgoingMail.objects.filter(to=email)


def csrf_token_of(page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def confirmed(email="citizen@mail.kz", **fields):
    return Subscription.objects.create(email=email, language="kk", confirmed_at=timezone.now(), **fields)


def templates_of(response) -> list[str]:
    return [template.name for template in response.templates]


# ---------------------------------------------------------------------------------------------------------
# Double opt-in: the link asks, the button confirms


def test_subscribing_takes_the_link_then_the_button(tasks_in_process, django_capture_on_commit_callbacks):
    council = CouncilFactory()
    client = Client(enforce_csrf_checks=True)
    form = client.get("/ru/subscribe/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/ru/subscribe/",
            {
                "email": " Citizen@Mail.KZ ",
                "scope": "council",
                "council": council.slug,
                "csrfmiddlewaretoken": csrf_token_of(form),
            },
        )
    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.language, subscription.council, subscription.confirmed_at) == (
        "citizen@mail.kz",
        "ru",
        council,
        None,
    )
    (message,) = mail.outbox
    assert message.to == ["citizen@mail.kz"] and "Qogam" in message.subject
    link = next(line for line in message.body.splitlines() if "/subscribe/confirm/" in line)
    path = link.split("testserver")[-1]

    page = client.get(path)
    assert page.status_code == 200 and "publications/subscription_confirm.html" in templates_of(page)
    assert '<html lang="ru">' in page.content.decode() and council.name_ru in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None

    done = client.post(path, {"csrfmiddlewaretoken": csrf_token_of(page)})
    assert done.status_code == 200 and "publications/subscription_done.html" in templates_of(done)
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None


def test_opening_the_confirmation_link_confirms_nothing(client):
    subscription = Subscription.objects.create(email="citizen@mail.kz", language="kk")
    for _scanner_visit in range(3):
        assert client.get(f"/kk/subscribe/confirm/{subscription.token}/").status_code == 200
        assert client.head(f"/kk/subscribe/confirm/{subscription.token}/").status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_the_confirm_button_needs_its_csrf_token():
    subscription = Subscription.objects.create(email="citizen@mail.kz", language="kk")
    response = Client(enforce_csrf_checks=True).post(f"/kk/subscribe/confirm/{subscription.token}/")
    assert response.status_code == 403
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_a_confirmation_link_used_twice_says_the_subscription_is_confirmed(client):
    subscription = confirmed()
    response = client.get(f"/kk/subscribe/confirm/{subscription.token}/")
    assert response.status_code == 200 and "publications/subscription_done.html" in templates_of(response)
    assert response.context["confirmed"] is True
    assert client.post(f"/kk/subscribe/confirm/{subscription.token}/").status_code == 200


# ---------------------------------------------------------------------------------------------------------
# Unsubscribing: the link asks, the button or a mail program's one-click POST acts


def test_opening_the_unsubscribe_link_ends_nothing(client):
    subscription = confirmed()
    for _scanner_visit in range(3):
        response = client.get(f"/kk/unsubscribe/{subscription.token}/")
        assert response.status_code == 200 and "publications/subscription_unsubscribe.html" in templates_of(response)
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None


def test_the_unsubscribe_button_posts_with_its_csrf_token():
    subscription = confirmed()
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/kk/unsubscribe/{subscription.token}/").status_code == 403
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None
    page = client.get(f"/kk/unsubscribe/{subscription.token}/")
    done = client.post(f"/kk/unsubscribe/{subscription.token}/", {"csrfmiddlewaretoken": csrf_token_of(page)})
    assert done.status_code == 200 and done.context["confirmed"] is False
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_mail_programs_one_click_post_unsubscribes_without_a_csrf_token(encoding):
    subscription = confirmed()
    client = Client(enforce_csrf_checks=True)  # mail programs have no cookie and send no token
    url = f"/ru/unsubscribe/{subscription.token}/"
    if encoding == "urlencoded":
        response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None


def test_unsubscribing_ends_every_subscription_of_the_address(client):
    region = RegionFactory()
    everything = confirmed()
    by_region = confirmed("Citizen@mail.kz", scope="region", region=region)
    waiting = Subscription.objects.create(
        email="citizen@mail.kz", language="ru", scope="council", council=CouncilFactory()
    )
    someone_else = confirmed("neighbour@mail.kz")
    response = client.post(f"/kk/unsubscribe/{everything.token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.filter(pk__in=[everything.pk, by_region.pk, waiting.pk]).open().exists()
    assert Subscription.objects.open().get() == someone_else
    # The page's promise holds: nothing is left to send to the address.
    assert "publications/subscription_done.html" in templates_of(response)
    assert not subscriptions.has_open_subscriptions(everything)


def test_an_unsubscribe_link_used_twice_says_the_address_is_unsubscribed(client):
    subscription = confirmed()
    subscriptions.unsubscribe(subscription)
    response = client.get(f"/kk/unsubscribe/{subscription.token}/")
    assert response.status_code == 200 and "publications/subscription_done.html" in templates_of(response)
    assert client.post(f"/kk/unsubscribe/{subscription.token}/", {"List-Unsubscribe": "One-Click"}).status_code == 200


# ---------------------------------------------------------------------------------------------------------
# Links that do not work


@pytest.mark.parametrize(
    "path",
    [
        "/ru/subscribe/confirm/{token}/",
        "/ru/unsubscribe/{token}/",
    ],
)
def test_an_unknown_link_shows_a_clear_page_in_the_pages_language(client, path):
    response = client.get(path.format(token=uuid.uuid4()))
    assert response.status_code == 404
    assert "publications/subscription_link_unknown.html" in templates_of(response)
    page = response.content.decode()
    assert '<html lang="ru">' in page and 'href="/ru/subscribe/"' in page
    one_click = client.post(path.format(token=uuid.uuid4()), {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 404


def test_the_confirmation_link_of_an_ended_subscription_does_not_work(client):
    subscription = confirmed()
    subscriptions.unsubscribe(subscription)
    for response in (
        client.get(f"/kk/subscribe/confirm/{subscription.token}/"),
        client.post(f"/kk/subscribe/confirm/{subscription.token}/"),
    ):
        assert response.status_code == 404
        assert "publications/subscription_link_unknown.html" in templates_of(response)
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None


def test_a_mangled_link_is_not_found_not_an_error(client):
    assert client.get("/kk/subscribe/confirm/not-a-token/").status_code == 404
    assert client.post("/kk/unsubscribe/12345/", {"List-Unsubscribe": "One-Click"}).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Asking again: one row, few mails, and a page that tells nothing


def test_asking_again_for_the_same_address_and_scope_writes_one_row_and_one_mail_a_day(client):
    for email in ("citizen@mail.kz", "Citizen@Mail.kz", "  CITIZEN@MAIL.KZ "):
        assert ask(client, email).status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.email == "citizen@mail.kz" and subscription.confirmation_sent_at is not None
    assert confirmation_mails().count() == 1

    Subscription.objects.update(confirmation_sent_at=timezone.now() - datetime.timedelta(hours=25))
    ask(client, language="ru")
    ask(client)
    assert Subscription.objects.count() == 1
    assert confirmation_mails().count() == 2
    # Re-sent with the same link, in the language of the page it was asked from.
    first, second = confirmation_mails().order_by("pk")
    assert str(subscription.token) in first.body and str(subscription.token) in second.body
    assert second.language == "ru"


def test_a_confirmed_address_gets_no_mail_when_it_asks_again(client):
    council = CouncilFactory()
    confirmed(scope="council", council=council)
    ask(client, "Citizen@mail.kz", scope="council", council=council.slug)
    assert Subscription.objects.count() == 1 and not OutgoingMail.objects.exists()


def test_another_scope_of_the_same_address_is_a_subscription_of_its_own(client):
    region = RegionFactory()
    ask(client)
    ask(client, scope="region", region=region.slug)
    ask(client, scope="region", region=region.slug)
    assert sorted(Subscription.objects.values_list("scope", flat=True)) == ["all", "region"]
    assert confirmation_mails().count() == 2


def test_the_page_is_the_same_for_a_new_a_waiting_and_a_confirmed_address(client):
    new = ask(client).content
    waiting = ask(client).content
    Subscription.objects.update(confirmed_at=timezone.now())
    subscribed = ask(client).content
    assert new == waiting == subscribed
    assert b"citizen@mail.kz" in new
    other = ask(client, "other@mail.kz").content
    assert other.replace(b"other@mail.kz", b"citizen@mail.kz") == new


def test_one_address_can_ask_only_a_few_times_a_day_from_any_network(client, monkeypatch):
    monkeypatch.setattr(subscriptions, "ADDRESS_LIMIT", 3)
    councils = CouncilFactory.create_batch(5)
    pages = []
    for number, council in enumerate(councils):
        response = client.post(
            "/kk/subscribe/",
            {"email": "victim@mail.kz", "scope": "council", "council": council.slug},
            REMOTE_ADDR=f"10.0.0.{number + 1}",
        )
        assert response.status_code == 200
        pages.append(response.content)
    assert Subscription.objects.count() == 3 and confirmation_mails("victim@mail.kz").count() == 3
    assert len(set(pages)) == 1  # the limit is not shown either
    ask(client, "someone.else@mail.kz")
    assert confirmation_mails("someone.else@mail.kz").count() == 1


def test_one_network_asking_too_often_is_refused_apart_from_proposals(client, settings):
    settings.PROPOSAL_RATE_LIMIT = (2, 600)
    for number in range(2):
        assert ask(client, f"s{number}@mail.kz").status_code == 200
    response = ask(client, "s2@mail.kz")
    assert response.status_code == 429 and response.context["too_many"]
    assert Subscription.objects.count() == 2


def test_the_rate_limiter_being_down_lets_a_subscription_through(monkeypatch):
    class CacheDown:
        def add(self, *args, **kwargs):
            raise ConnectionError("Redis is down")

    from common import ratelimit

    monkeypatch.setattr(ratelimit, "cache", CacheDown())
    assert subscriptions.request_subscription(email="citizen@mail.kz", language="kk", scope="all") == "created"


def test_the_database_keeps_one_open_subscription_per_address_and_scope():
    Subscription.objects.create(email="citizen@mail.kz", language="kk")
    Subscription.objects.create(email="citizen@mail.kz", language="kk", unsubscribed_at=timezone.now())
    with pytest.raises(IntegrityError):
        Subscription.objects.create(email="Citizen@Mail.kz", language="ru")


def test_the_service_says_what_happened_for_the_logs():
    council = CouncilFactory()

    def again():
        return subscriptions.request_subscription(
            email="citizen@mail.kz", language="kk", scope="council", council=council, region=RegionFactory()
        )

    assert again() == "created"
    assert again() == "waiting"
    Subscription.objects.update(confirmation_sent_at=timezone.now() - datetime.timedelta(days=2))
    assert again() == "resent"
    Subscription.objects.update(confirmed_at=timezone.now())
    assert again() == "confirmed"
    subscription = Subscription.objects.get()
    assert subscription.region is None  # a council's subscription keeps no region given by mistake


def test_a_subscription_needs_its_region_or_council(client):
    response = client.post("/kk/subscribe/", {"email": "a@mail.kz", "scope": "region"})
    assert response.status_code == 200 and not Subscription.objects.exists()


def test_confirmations_to_one_address_are_capped_a_day_in_the_database_when_redis_is_down(client, settings):
    """The cache's count per address fails open without Redis; the cap on mails is counted in the outbox."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    councils = CouncilFactory.create_batch(7)
    pages = set()
    for number, council in enumerate(councils):
        response = client.post(
            "/kk/subscribe/",
            {"email": "victim@mail.kz", "scope": "council", "council": council.slug},
            REMOTE_ADDR=f"10.0.2.{number}",
        )
        assert response.status_code == 200
        pages.add(response.content)
    assert confirmation_mails("victim@mail.kz").count() == 5
    assert len(pages) == 1  # the cap is not shown
    ask(client, "someone.else@mail.kz")
    assert confirmation_mails("someone.else@mail.kz").count() == 1
