"""With a real Celery worker process, a Redis server of the test's own and the test database: announcements
reach every channel once; a worker killed mid-delivery; Redis down when a citizen submits a proposal."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from consultations import workflow
from consultations.models import Consultation
from proposals.models import Proposal
from publications.models import Announcement, Delivery, OutgoingMail, Subscription, WebhookEndpoint
from qogam.celery import app
from tests.factories import secretary_of, url, use_broker
from tests.public_fixtures import published_at
from tests.publications.servers import SMTPServer, TelegramAPI, WebhookReceiver, free_port

pytestmark = [pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "777:worker-token"
SECRET = "partner-secret"


def wait_for(condition, timeout=40.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {what}")


class RedisServer:
    """A redis-server of the test's own, so that it can be stopped without touching the machine's."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.answers, 10, "redis to start")

    def answers(self):
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


class Worker:
    """`celery -A qogam worker` in another process, on the test database; serving every queue unless told
    which one (`-Q`)."""

    def __init__(self, env: dict, log: Path, queue: str = ""):
        self.env, self.log, self.queue, self.process = env, log, queue, None

    def start(self, wait: bool = True):
        self.log.write_text("")
        only = ["-Q", self.queue, "-n", f"{self.queue}@%h"] if self.queue else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "qogam", "worker", "-P", "solo", *only,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT, env=self.env, stdout=self.log.open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        if wait:
            self.wait_until_ready()

    def wait_until_ready(self):
        wait_for(lambda: "ready." in self.log.read_text(), 60, "the worker to start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def outside(settings):
    """The world the worker talks to, and the settings this process shares with it."""
    with TelegramAPI(TOKEN) as telegram, WebhookReceiver(SECRET) as receiver, SMTPServer() as smtp:
        settings.TELEGRAM_BOT_TOKEN = TOKEN
        settings.TELEGRAM_CHAT_ID = "@qogam_news"
        settings.TELEGRAM_API_URL = telegram.url
        yield {"telegram": telegram, "receiver": receiver, "smtp": smtp}


def worker_env(redis_server, outside, settings) -> dict:
    """The environment of a worker process: the test database, the test's Redis and outside world."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qogam.settings",
        "DEBUG": "0",
        "SECRET_KEY": "worker-test-key",
        "SITE_URL": "http://testserver",
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_server.url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_CHAT_ID": "@qogam_news",
        "TELEGRAM_API_URL": outside["telegram"].url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(outside["smtp"].port),
        "DELIVERY_LEASE_SECONDS": "2",
        "DELIVERY_BACKOFF_SECONDS": "1",
        "CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }


@contextlib.contextmanager
def publishing_to(redis_server, settings):
    """This process publishes its tasks to the test's Redis, where the workers take them."""
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.task_always_eager = False
    use_broker(redis_server.url)
    settings.REDIS_URL = redis_server.url
    yield
    use_broker(previous[0])
    app.conf.task_always_eager = previous[1]


@pytest.fixture
def worker(redis_server, outside, tmp_path, settings):
    with publishing_to(redis_server, settings):
        process = Worker(worker_env(redis_server, outside, settings), tmp_path / "worker.log")
        process.start()
        yield process
        process.stop()  # before the test database is dropped


def announce_consultation(receiver):
    consultation = published_at(Consultation.State.QUESTIONS_APPROVED)
    WebhookEndpoint.objects.create(name="Media", url=f"{receiver.url}/hooks", secret=SECRET)
    workflow.announce(consultation, by=secretary_of(consultation.schedule.council))
    return Announcement.objects.get(event="consultation.announced", subject_id=consultation.pk)


def test_an_announcement_reaches_every_channel_once(worker, outside):
    telegram, receiver, smtp = outside["telegram"], outside["receiver"], outside["smtp"]
    Subscription.objects.create(email="citizen@mail.kz", language="ru", confirmed_at=timezone.now())
    announcement = announce_consultation(receiver)
    external = announcement.deliveries.exclude(channel="portal")
    assert sorted(external.values_list("channel", flat=True)) == ["email", "telegram", "webhook"]
    wait_for(lambda: not external.exclude(state="sent").exists(), what="the deliveries to be sent")

    posts = [m for m in telegram.messages if announcement.title_kk in m["text"]]
    hooks = [p for p in receiver.processed.values() if p["event"] == "consultation.announced"]
    mails = [m for m in smtp.messages if m[1] == announcement.title_ru]
    assert (len(posts), len(hooks), len(mails)) == (1, 1, 1)
    assert mails[0][0] == ["citizen@mail.kz"] and "/unsubscribe/" in mails[0][2]
    assert receiver.bad_signatures == 0
    # The portal shows it too, in the feed.
    from django.test import Client

    assert announcement.title_ru in Client().get(url("news-rss", "ru")).content.decode()


def test_a_webhook_interrupted_by_a_killed_worker_completes_after_restart_and_is_processed_once(worker, outside):
    receiver = outside["receiver"]
    consultation = published_at(Consultation.State.QUESTIONS_APPROVED)
    WebhookEndpoint.objects.create(name="Media", url=f"{receiver.url}/hooks", secret=SECRET)
    receiver.behaviour = [("sleep", 6)]  # the call hangs while the worker is killed
    workflow.announce(consultation, by=secretary_of(consultation.schedule.council))
    row = Delivery.objects.get(channel="webhook", announcement__event="consultation.announced")
    wait_for(lambda: len(receiver.requests) >= 1, what="the webhook call to start")
    worker.kill()
    assert Delivery.objects.get(pk=row.pk).state == "sending"

    worker.start()
    time.sleep(2.5)  # the lease runs out
    from publications.tasks import sweep_deliveries

    sweep_deliveries.apply_async()  # what beat does every minute
    wait_for(lambda: Delivery.objects.get(pk=row.pk).state == "sent", what="the delivery to complete")
    keys = {r["headers"].get("X-Qogam-Delivery") for r in receiver.requests}
    assert keys == {str(row.idempotency_key)}
    assert len(receiver.processed) == 1  # sent more than once, processed exactly once


def test_a_telegram_post_interrupted_by_a_killed_worker_is_never_posted_twice(worker, outside):
    telegram = outside["telegram"]
    consultation = published_at(Consultation.State.QUESTIONS_APPROVED)
    wait_for(
        lambda: not Delivery.objects.filter(channel="telegram").exclude(state="sent").exists(),
        what="the schedule's post",
    )
    telegram.requests.clear()
    telegram.behaviour = [("sleep", 6)]
    workflow.announce(consultation, by=secretary_of(consultation.schedule.council))
    row = Delivery.objects.get(channel="telegram", announcement__event="consultation.announced")
    wait_for(lambda: len(telegram.requests) >= 1, what="the post to start")
    assert Delivery.objects.get(pk=row.pk).state == "sending"
    worker.kill()
    worker.start()
    time.sleep(2.5)
    from publications.tasks import sweep_deliveries

    sweep_deliveries.apply_async()
    wait_for(lambda: Delivery.objects.get(pk=row.pk).state == "failed", what="the delivery to be settled")
    time.sleep(1)
    assert len(telegram.requests) == 1  # at most once: never posted a second time
    assert Delivery.objects.get(pk=row.pk).last_error == "outcome-unknown"


def test_with_redis_down_a_proposal_is_saved_and_its_mail_goes_out_once_redis_is_back(
    worker, outside, redis_server, client, settings, migration_data
):
    smtp = outside["smtp"]
    consultation = published_at(Consultation.State.HELD, listed_proposals=0)
    redis_server.stop()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    }
    use_broker(redis_server.url)
    response = client.post(
        url("proposals:propose", slug=consultation.slug),
        {"author_name": "Алия", "author_kind": "citizen", "contact": "aliya@mail.kz", "consent": "on",
         "text": "Redis жоқ кезде де ұсыныс сақталады.", "token": str(uuid.uuid4())},
    )  # fmt: skip
    assert response.status_code == 302
    proposal = Proposal.objects.get(channel="portal")
    assert client.get(response.url).status_code == 200
    assert OutgoingMail.objects.get().state == "pending"
    assert smtp.messages == []

    redis_server.start()  # same port: the worker reconnects
    use_broker(redis_server.url)
    from publications.tasks import sweep_outgoing_mail

    wait_for(lambda: _try_send(sweep_outgoing_mail), 30, "the broker to take the sweep")
    wait_for(lambda: OutgoingMail.objects.get().state == "sent", what="the mail to be sent")
    assert [m for m in smtp.messages if proposal.reference in m[1]] and len(smtp.messages) == 1


def _try_send(task) -> bool:
    try:
        task.apply_async(retry=False)
        return True
    except Exception:
        use_broker(app.conf.broker_url)
        return False
