"""Mail and deliveries have a Celery queue of their own: a backlog of PDF renders never holds them up. With
real worker processes, one per queue as production runs them, a Redis server of the test's own and the test
database."""

import re
import time
import uuid

import pytest

from consultations.models import Consultation, RenderedDocument
from consultations.tasks import render_document
from proposals.models import Proposal
from qogam.celery import app
from tests.factories import url
from tests.public_fixtures import published_at
from tests.publications.test_worker import (  # noqa: F401 (fixtures)
    ROOT,
    Worker,
    outside,
    publishing_to,
    redis_server,
    wait_for,
    worker_env,
)

pytestmark = [pytest.mark.django_db(transaction=True)]
RENDERS = 500


def queues() -> list[str]:
    """The queues the workers are started for (one worker each, as in docker-compose.yml)."""
    return list(app.amqp.queues)


@pytest.fixture
def workers(redis_server, outside, tmp_path, settings):  # noqa: F811
    with publishing_to(redis_server, settings):
        env = worker_env(redis_server, outside, settings)
        processes = [Worker(env, tmp_path / f"worker-{queue}.log", queue) for queue in queues()]
        for process in processes:
            process.start(wait=False)
        for process in processes:
            process.wait_until_ready()
        yield processes
        for process in processes:
            process.stop()  # before the test database is dropped


def test_a_confirmation_mail_goes_out_within_seconds_while_500_pdf_renders_wait(
    workers,
    outside,  # noqa: F811
    client,
    migration_data,
):
    consultation = published_at(Consultation.State.HELD, listed_proposals=0)
    published = RenderedDocument.objects.get(schedule=consultation.schedule, is_published=True)
    wait_for(lambda: RenderedDocument.objects.get(pk=published.pk).state == "ready", what="the schedule's PDF")
    # A bulk of real renders (a seeding, a quarter's publications) is queued ahead of the citizen's mail.
    documents = RenderedDocument.objects.bulk_create(
        RenderedDocument(kind=published.kind, language=published.language, schedule=published.schedule,
                         data=published.data)
        for _ in range(RENDERS)
    )  # fmt: skip
    for document in documents:
        render_document.delay(document.pk)
    wait_for(
        lambda: RenderedDocument.objects.filter(state__in=["rendering", "ready"], is_published=False).exists(),
        what="the renders to start",
    )

    started = time.monotonic()
    response = client.post(
        url("proposals:propose", slug=consultation.slug),
        {"author_name": "Алия", "author_kind": "citizen", "contact": "aliya@mail.kz", "consent": "on",
         "text": "Хат PDF кезегін күтпейді.", "token": str(uuid.uuid4())},
    )  # fmt: skip
    assert response.status_code == 302
    reference = Proposal.objects.get(channel="portal").reference
    smtp = outside["smtp"]
    wait_for(lambda: any(reference in m[1] for m in smtp.messages), 10, "the confirmation mail")
    assert time.monotonic() - started < 10
    # The renders were still waiting: the mail did not go out merely because they were done.
    assert RenderedDocument.objects.filter(state="pending").count() > RENDERS * 0.8


def test_the_compose_file_starts_a_worker_for_each_queue_and_the_worker_healthchecks_name_them():
    compose = (ROOT / "docker-compose.yml").read_text()
    commands = re.findall(r"command: (celery -A qogam worker .*)", compose)
    served = [re.search(r"-Q (\S+)", command).group(1) for command in commands if "-Q" in command]
    assert sorted(served) == sorted(queues())
    for queue in queues():
        assert f"-n {queue}@%h" in compose and f"-d {queue}@$$HOSTNAME" in compose


def test_every_task_of_the_portal_is_routed_on_purpose(settings):
    """A new task must be given its queue: mail routed behind renders would wait for minutes."""
    app.autodiscover_tasks(force=True)
    ours = {
        name for name in app.tasks if name.split(".")[0] in ("consultations", "publications", "proposals", "opendata")
    }
    assert ours and ours <= set(settings.CELERY_TASK_ROUTES)
    routes = {name: app.amqp.router.route({}, name)["queue"].name for name in ours}
    assert {name for name, queue in routes.items() if queue != "messages"} == {
        "consultations.tasks.render_document",
        "consultations.tasks.render_pending_documents",
        "proposals.tasks.embed_proposal",  # the model reads for a second or so: not in front of a mail
        "opendata.tasks.publish_open_data",
        "consultations.tasks.judge_compliance_ahead",  # a second of judging 300 councils after midnight
    }
