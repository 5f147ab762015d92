"""Deliveries on each channel, against local servers speaking the real protocols: success, the faults, the
retries with backoff, the failure shown, and what a worker that stopped mid-call leaves behind."""

import datetime
import hashlib
import hmac
import time

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from consultations import workflow
from consultations.models import Consultation
from publications import channels, delivery
from publications.models import Announcement, Delivery, Subscription, WebhookEndpoint
from publications.services import create_announcement, publish_on_portal
from tests.factories import CouncilFactory, RegionFactory, secretary_of
from tests.public_fixtures import published_at
from tests.publications.servers import TelegramAPI, WebhookReceiver

pytestmark = pytest.mark.django_db
TOKEN = "123456:test-token"
SECRET = "shared-secret-of-the-partner"


@pytest.fixture
def telegram(settings):
    with TelegramAPI(TOKEN) as api:
        settings.TELEGRAM_BOT_TOKEN = TOKEN
        settings.TELEGRAM_CHAT_ID = "@qogam_news"
        settings.TELEGRAM_API_URL = api.url
        yield api


@pytest.fixture
def receiver():
    with WebhookReceiver(SECRET) as server:
        WebhookEndpoint.objects.create(name="Медиа серіктес", url=f"{server.url}/hooks/qogam", secret=SECRET)
        yield server


@pytest.fixture
def fast(settings, monkeypatch):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    settings.DELIVERY_BACKOFF_SECONDS = 60
    monkeypatch.setattr(channels, "TIMEOUT", 0.5)


def announce(django_capture_on_commit_callbacks, **council_fields):
    consultation = published_at(Consultation.State.QUESTIONS_APPROVED, council=CouncilFactory(**council_fields))
    workflow.announce(consultation, by=secretary_of(consultation.schedule.council))
    return Announcement.objects.get(event=Announcement.Event.CONSULTATION_ANNOUNCED, subject_id=consultation.pk)


def run_due(announcement):
    """What the worker would do for each of the announcement's deliveries: try it once."""
    return {d.pk: delivery.deliver(d.pk) for d in announcement.deliveries.exclude(channel__in=["portal", "recorded"])}


def only(announcement):
    """Leave out of the test what publishing the schedule sent before (its own announcement)."""
    Delivery.objects.exclude(announcement=announcement).exclude(channel__in=["portal", "recorded"]).delete()


def test_announcing_writes_one_delivery_per_channel_and_target(telegram, receiver, fast):
    announcement = announce(None, telegram_chat_id="@akmola_council")
    rows = sorted(announcement.deliveries.values_list("channel", "target"))
    endpoint = WebhookEndpoint.objects.get()
    assert rows == [
        ("portal", ""),
        ("telegram", "@akmola_council"),
        ("telegram", "@qogam_news"),
        ("webhook", str(endpoint.pk)),
    ]


def test_each_channel_delivers_once_what_the_portal_shows(telegram, receiver, fast):
    announcement = announce(None)
    only(announcement)
    assert set(run_due(announcement).values()) == {"sent"}
    assert [m["chat_id"] for m in telegram.messages] == ["@qogam_news"]
    assert (
        announcement.title_kk in telegram.messages[0]["text"] and announcement.title_ru in telegram.messages[0]["text"]
    )
    (payload,) = receiver.processed.values()
    assert payload["event"] == "consultation.announced"
    assert payload["title"] == {"kk": announcement.title_kk, "ru": announcement.title_ru}
    assert payload["consultation"] == announcement.subject.slug and payload["council"] == announcement.council.slug
    headers = {k.lower(): v for k, v in receiver.requests[0]["headers"].items()}
    assert headers["x-qogam-event"] == "consultation.announced" and headers["x-qogam-delivery"] == payload["id"]
    assert (
        headers["x-qogam-signature"]
        == "sha256=" + hmac.new(SECRET.encode(), receiver.requests[0]["body"], hashlib.sha256).hexdigest()
    )
    assert set(run_due(announcement).values()) == {"skipped"}  # a second run sends nothing
    assert len(telegram.messages) == 1 and len(receiver.requests) == 1


def test_workers_are_woken_only_once_the_announcement_commits(
    telegram, fast, django_capture_on_commit_callbacks, monkeypatch
):
    woken = []
    monkeypatch.setattr(delivery, "wake", woken.append)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        announcement = announce(None)
        assert woken == []  # not while the transaction may still roll back
    rows = set(announcement.deliveries.exclude(channel="portal").values_list("pk", flat=True))
    assert rows and rows <= set(woken) and len(callbacks) >= len(rows)  # (the schedule's too, published here)


@pytest.mark.parametrize("fault", [500, 503, 429, ("sleep", 2)])
def test_a_webhook_fault_is_retried_with_backoff_then_fails_visibly(receiver, fast, fault):
    announcement = announce(None)
    only(announcement)
    row = announcement.deliveries.get(channel="webhook")
    receiver.behaviour = [fault] * 3
    before = timezone.now()
    assert delivery.deliver(row.pk) == "retry"
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 1) and row.last_error
    assert row.next_attempt_at >= before + datetime.timedelta(seconds=59)
    assert delivery.deliver(row.pk) == "skipped"  # not due yet
    for _attempt, pause in ((2, 120), (3, None)):
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        outcome = delivery.deliver(row.pk)
        row.refresh_from_db()
        if pause:
            assert outcome == "retry" and row.next_attempt_at >= timezone.now() + datetime.timedelta(seconds=pause - 2)
    assert (outcome, row.state, row.attempts) == ("failed", "failed", 3)
    assert len(receiver.requests) == 3
    # A receiver that answered an error processed none; a slow one got all three and processed one (once it
    # has finished sleeping on them).
    if fault == ("sleep", 2):
        for _wait in range(50):
            if len(receiver.processed) and all(not t.is_alive() for t in receiver.httpd._threads or []):
                break
            time.sleep(0.1)
    assert len(receiver.processed) == (1 if fault == ("sleep", 2) else 0)


def test_an_unreachable_receiver_is_retried(fast):
    WebhookEndpoint.objects.create(name="Жоқ", url="http://127.0.0.1:9/hooks", secret=SECRET)
    announcement = announce(None)
    only(announcement)
    row = announcement.deliveries.get(channel="webhook")
    assert delivery.deliver(row.pk) == "retry"
    row.refresh_from_db()
    assert row.last_error.startswith("unreachable: ")
    assert row.error_message.startswith("The channel could not be reached.")


@pytest.mark.parametrize("fault", [500, ("sleep", 2)])
def test_a_telegram_post_without_a_clear_answer_is_not_repeated(telegram, fast, fault):
    """At most once: Telegram may have posted it, and has no idempotency key to drop a repeat."""
    announcement = announce(None)
    only(announcement)
    row = announcement.deliveries.get(channel="telegram")
    telegram.behaviour = [fault] * 3
    assert delivery.deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("outcome-unknown: ")
    assert "Check the channel" in row.error_message
    assert len(telegram.requests) == 1
    assert delivery.sweep()["sent"] == 0 and len(telegram.requests) == 1


def test_telegram_unreachable_or_busy_is_retried_then_posted_once(telegram, fast, settings):
    announcement = announce(None)
    only(announcement)
    row = announcement.deliveries.get(channel="telegram")
    real = settings.TELEGRAM_API_URL
    settings.TELEGRAM_API_URL = "http://127.0.0.1:9"  # nothing listens: the request never left
    assert delivery.deliver(row.pk) == "retry"
    settings.TELEGRAM_API_URL = real
    telegram.behaviour = [429]  # Telegram's "too many requests": not posted, try later
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(row.pk) == "retry"
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(row.pk) == "sent"
    assert len(telegram.messages) == 1


@pytest.mark.parametrize("fault", [("echo", 502), ("echo", 404), "no-scheme"])
def test_the_bot_token_never_reaches_what_is_stored_or_shown(telegram, fast, settings, fault):
    announcement = announce(None)
    only(announcement)
    row = announcement.deliveries.get(channel="telegram")
    if fault == "no-scheme":
        settings.TELEGRAM_API_URL = "api.telegram.org"  # a mistake in the settings: the error quotes the URL
    else:
        telegram.behaviour = [fault]  # a proxy's error page quoting the address, token and all
    assert delivery.deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert TOKEN not in row.last_error and TOKEN not in row.error_message
    if fault != "no-scheme":
        assert "/bot***/sendMessage" in row.last_error


def test_an_unexpected_error_is_logged_and_retried_where_a_repeat_is_harmless(receiver, fast, monkeypatch):
    announcement = announce(None)
    only(announcement)
    row = announcement.deliveries.get(channel="webhook")
    monkeypatch.setattr(channels.Webhook, "body", lambda self, announcement, key: 1 / 0)
    assert delivery.deliver(row.pk) == "retry"
    row.refresh_from_db()
    assert row.state == "pending" and row.last_error == "unexpected"


def test_a_worker_that_outlived_its_lease_stops_and_leaves_the_row_to_its_successor(fast, monkeypatch):
    monkeypatch.setattr(channels, "EMAIL_BATCH", 2)
    row = mailing(6)
    real = locmem.EmailBackend.send_messages
    calls = []

    def slow(self, messages):
        calls.append(messages)
        if len(calls) == 2:  # meanwhile the lease ran out and another worker claimed the row
            Delivery.objects.filter(pk=row.pk).update(state="pending", next_attempt_at=None)
            assert delivery.deliver(row.pk) == "sent"
        return real(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", slow)
    assert delivery.deliver(row.pk) == "skipped"  # the first worker noticed at its next batch and stopped
    row.refresh_from_db()
    assert row.state == "sent"
    addresses = [m.to[0] for m in mail.outbox]
    # The successor sent all six; the first sent its first batch (and the mail in hand) before stopping.
    assert sorted(set(addresses)) == [f"s{n}@mail.kz" for n in range(6)]
    assert len(addresses) <= 6 + 2


def test_a_permanent_fault_fails_at_once_and_the_secretary_can_retry(client, telegram, fast):
    announcement = announce(None)
    only(announcement)
    row = announcement.deliveries.get(channel="telegram")
    telegram.behaviour = [400]
    assert delivery.deliver(row.pk) == "failed"
    client.force_login(secretary_of(announcement.council))
    page = client.get(f"/kk/workspace/consultations/{announcement.subject.slug}/").content.decode()
    assert "failure asked by the test" in page and f"/deliveries/{row.pk}/retry/" in page
    assert client.post(f"/kk/workspace/deliveries/{row.pk}/retry/").status_code == 302
    row.refresh_from_db()
    assert row.state == "pending"
    assert delivery.deliver(row.pk) == "sent" and len(telegram.messages) == 1


def test_another_councils_secretary_cannot_retry(client, telegram, fast):
    announcement = announce(None)
    only(announcement)
    row = announcement.deliveries.get(channel="telegram")
    telegram.behaviour = [400]
    delivery.deliver(row.pk)
    client.force_login(secretary_of(CouncilFactory()))
    assert client.post(f"/kk/workspace/deliveries/{row.pk}/retry/").status_code == 404


def test_a_webhook_whose_worker_died_mid_call_is_sent_again_and_processed_once(receiver, fast, settings):
    announcement = announce(None)
    only(announcement)
    row = announcement.deliveries.get(channel="webhook")
    # The worker sent it, then died before recording it: the row stays "sending" until its lease runs out.
    Delivery.objects.filter(pk=row.pk).update(
        state="sending", attempts=1, next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    channels.Webhook().send(
        announcement, row.target, key=row.idempotency_key, resume_after="", progress=lambda reached: None
    )
    outcome = delivery.sweep()
    assert outcome["requeued"] == 1 and outcome["sent"] == 1
    assert len(receiver.requests) == 2 and len(receiver.processed) == 1  # sent twice, processed once
    assert Delivery.objects.get(pk=row.pk).state == "sent"


def test_a_telegram_post_whose_worker_died_is_not_posted_again(telegram, fast):
    announcement = announce(None)
    only(announcement)
    row = announcement.deliveries.get(channel="telegram")
    Delivery.objects.filter(pk=row.pk).update(
        state="sending", attempts=1, next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert delivery.sweep()["unknown"] == 1
    row.refresh_from_db()
    assert row.state == "failed" and row.last_error == "outcome-unknown"
    assert telegram.messages == []  # at most once: the secretary checks the channel and retries by hand


def test_history_entered_afterwards_is_not_pushed_to_the_channels(telegram):
    council = CouncilFactory()
    old = create_announcement(
        council=council, event="news.published", subject=None, title_kk="T", title_ru="T", text_kk="T", text_ru="T"
    )
    publish_on_portal(old, at=timezone.now() - datetime.timedelta(days=30))
    assert not old.deliveries.exclude(channel="portal").exists()


# ---------------------------------------------------------------------------------------------------------
# Mail to subscribers


def subscribe(email, language="kk", **scope):
    return Subscription.objects.create(email=email, language=language, confirmed_at=timezone.now(), **scope)


def mailing(subscribers: int) -> Delivery:
    """An announcement's mail delivery to `subscribers` confirmed addresses s0@mail.kz, s1@mail.kz…"""
    for n in range(subscribers):
        subscribe(f"s{n}@mail.kz")
    announcement = announce(None)
    only(announcement)
    return announcement.deliveries.get(channel="email")


def test_mail_goes_to_matching_confirmed_subscribers_in_their_language(fast):
    region = RegionFactory()
    council = CouncilFactory(region=region)
    everything = subscribe("all@mail.kz", "ru")
    by_region = subscribe("region@mail.kz", scope="region", region=region)
    by_council = subscribe("council@mail.kz", scope="council", council=council)
    subscribe("other@mail.kz", scope="council", council=CouncilFactory())
    Subscription.objects.create(email="unconfirmed@mail.kz", language="kk")
    subscribe("gone@mail.kz").__class__.objects.filter(email="gone@mail.kz").update(unsubscribed_at=timezone.now())
    consultation = published_at(Consultation.State.QUESTIONS_APPROVED, council=council)
    workflow.announce(consultation, by=secretary_of(council))
    announcement = Announcement.objects.get(event="consultation.announced")
    row = announcement.deliveries.get(channel="email")
    Delivery.objects.exclude(pk=row.pk).filter(channel="email").delete()
    assert delivery.deliver(row.pk) == "sent"
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {everything.email, by_region.email, by_council.email}
    assert (
        consultation.title_ru in sent["all@mail.kz"].subject and consultation.title_kk in sent["region@mail.kz"].subject
    )
    assert str(by_council.token) in sent["council@mail.kz"].body
    assert sent["council@mail.kz"].extra_headers["List-Unsubscribe"].endswith(f"/unsubscribe/{by_council.token}/>")


def test_mail_sending_resumes_after_the_last_batch_sent(fast, monkeypatch):
    monkeypatch.setattr(channels, "EMAIL_BATCH", 2)
    row = mailing(5)
    sent_before_failure = []
    real = locmem.EmailBackend.send_messages

    def flaky(self, messages):
        if len(sent_before_failure) >= 2:
            raise OSError("SMTP connection lost")
        sent_before_failure.extend(messages)
        return real(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", flaky)
    assert delivery.deliver(row.pk) == "retry"
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", real)
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(row.pk) == "sent"
    addresses = [m.to[0] for m in mail.outbox]
    assert sorted(addresses) == [f"s{n}@mail.kz" for n in range(5)]  # each once


def test_the_mail_channel_reports_its_progress_through_the_callable_it_is_given(fast, monkeypatch):
    """The channel knows nothing of the delivery's row: it tells whoever sends it how far it got, batch by
    batch, and starts after where it is told an earlier attempt got."""
    monkeypatch.setattr(channels, "EMAIL_BATCH", 2)
    row = mailing(5)
    pks = list(channels.Email().subscribers(row.announcement).order_by("pk").values_list("pk", flat=True))
    reported = []
    mail.outbox.clear()
    last = channels.Email().send(
        row.announcement, row.target, key=row.idempotency_key, resume_after="", progress=reported.append
    )
    assert reported == [str(pks[1]), str(pks[3]), str(pks[4])] and last == str(pks[4])
    assert len(mail.outbox) == 5
    reported.clear()
    mail.outbox.clear()
    channels.Email().send(
        row.announcement, row.target, key=row.idempotency_key, resume_after=str(pks[2]), progress=reported.append
    )
    assert [m.to[0] for m in mail.outbox] == ["s3@mail.kz", "s4@mail.kz"] and reported == [str(pks[4])]
    row.refresh_from_db()
    assert row.state == "pending" and row.external_id == ""  # the row is the caller's business


def test_what_the_progress_callable_raises_stops_the_mailing(fast, monkeypatch):
    monkeypatch.setattr(channels, "EMAIL_BATCH", 2)
    row = mailing(5)
    mail.outbox.clear()

    def stop(reached):
        raise delivery.LeaseLost(row.pk)

    with pytest.raises(delivery.LeaseLost):
        channels.Email().send(row.announcement, row.target, key=row.idempotency_key, resume_after="", progress=stop)
    assert len(mail.outbox) == 2  # the first batch, then nothing more


def test_an_address_the_mail_server_refuses_is_skipped_not_blocking_the_others(fast, monkeypatch):
    import smtplib

    row = mailing(3)
    real = locmem.EmailBackend.send_messages

    def refusing(self, messages):
        if messages[0].to == ["s1@mail.kz"]:
            raise smtplib.SMTPRecipientsRefused({"s1@mail.kz": (550, b"No such user")})
        return real(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refusing)
    assert delivery.deliver(row.pk) == "sent"
    assert sorted(m.to[0] for m in mail.outbox) == ["s0@mail.kz", "s2@mail.kz"]


def test_a_temporary_refusal_by_the_mail_server_is_retried_from_that_address(fast, monkeypatch):
    import smtplib

    row = mailing(3)
    real = locmem.EmailBackend.send_messages
    greylisted = {"s1@mail.kz"}

    def greylisting(self, messages):
        if messages[0].to[0] in greylisted:
            raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (451, b"Greylisted, try later")})
        return real(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", greylisting)
    assert delivery.deliver(row.pk) == "retry"
    assert [m.to[0] for m in mail.outbox] == ["s0@mail.kz"]
    greylisted.clear()
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(row.pk) == "sent"
    assert [m.to[0] for m in mail.outbox] == ["s0@mail.kz", "s1@mail.kz", "s2@mail.kz"]  # each once


def test_an_address_following_a_council_and_its_region_gets_one_mail(fast):
    council = CouncilFactory(region=RegionFactory())
    subscribe("both@mail.kz", scope="council", council=council)
    subscribe("both@mail.kz", scope="region", region=council.region)
    subscribe("both@mail.kz")
    consultation = published_at(Consultation.State.QUESTIONS_APPROVED, council=council)
    workflow.announce(consultation, by=secretary_of(council))
    row = Announcement.objects.get(event="consultation.announced").deliveries.get(channel="email")
    mail.outbox.clear()
    assert delivery.deliver(row.pk) == "sent"
    assert [m.to[0] for m in mail.outbox] == ["both@mail.kz"]


def test_a_title_with_a_line_break_is_one_line_in_the_subject(fast):
    subscribe("s@mail.kz")
    announcement = announce(None)
    only(announcement)
    Announcement.objects.filter(pk=announcement.pk).update(title_kk="Бірінші\r\nBcc: victim@mail.kz")
    row = announcement.deliveries.get(channel="email")
    mail.outbox.clear()
    assert delivery.deliver(row.pk) == "sent"
    assert mail.outbox[0].subject == "Бірінші Bcc: victim@mail.kz" and mail.outbox[0].bcc == []


# ---------------------------------------------------------------------------------------------------------
# Announcements written for later


def test_the_scheduled_announcement_waits_for_its_time(monkeypatch):
    from consultations import tasks

    consultation = published_at(Consultation.State.QUESTIONS_APPROVED)
    secretary = secretary_of(consultation.schedule.council)
    at = timezone.now() + datetime.timedelta(hours=2)
    workflow.schedule_announcement(consultation, by=secretary, publish_at=at)
    assert tasks.publish_due_announcements() == 0
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.QUESTIONS_APPROVED
    assert not Announcement.objects.filter(event="consultation.announced", published_at__isnull=False).exists()
    later = timezone.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(tasks.timezone, "now", lambda: later)
    assert tasks.publish_due_announcements() == 1
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.ANNOUNCED
    entry = consultation.transitions.get(to_state="announced")
    assert entry.by is None
    assert Announcement.objects.filter(event="consultation.announced").count() == 1
