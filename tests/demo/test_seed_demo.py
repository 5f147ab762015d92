"""seed_demo: realistic, complete, and safe to run twice."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from consultations.models import Consultation, ConsultationTransition, Document, QuarterlySchedule
from councils.models import Council, Meeting, Membership, Region
from proposals.models import Proposal
from publications.models import Announcement, Delivery

pytestmark = pytest.mark.django_db
MODELS = [
    Region,
    Council,
    Membership,
    Meeting,
    QuarterlySchedule,
    Consultation,
    ConsultationTransition,
    Proposal,
    Announcement,
    Delivery,
    Document,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS} | {"User": get_user_model().objects.count()}


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    """Where the demo's documents are written (the tests' own media folder changes with each test)."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def queued_tasks():
    """The names of the Celery tasks sent while the demo is seeded (the tests' settings have a broker)."""
    from celery.signals import before_task_publish

    sent = []

    def record(sender=None, **kwargs):
        sent.append(sender)

    before_task_publish.connect(record, weak=False)
    yield sent
    before_task_publish.disconnect(record)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, demo_media, queued_tasks):
    """Seed once for the module (a minute of work), and undo it afterwards."""
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media):
        call_command("seed_demo", "--force", verbosity=0)
        first = counts()
        call_command("seed_demo", "--force", verbosity=0)
        second = counts()
        yield first, second
        from django.db import connection

        with connection.cursor() as cursor:
            tables = ", ".join(connection.introspection.django_table_names(only_existing=True))
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        call_command("migrate", verbosity=0)  # post_migrate puts back content types, permissions and roles
        import importlib

        from django.apps import apps

        importlib.import_module("proposals.migrations.0002_first_consent_text").create(apps, None)


def test_running_it_twice_changes_nothing(seeded):
    first, second = seeded
    assert first == second
    assert first["Consultation"] > 200 and first["Proposal"] > 2000


def test_seeding_queues_no_pdf_render_the_documents_wait_for_their_first_download(seeded, queued_tasks, client):
    """On the production stack a seeding queued 964 renders ahead of citizens' mail."""
    from consultations.models import RenderedDocument

    documents = RenderedDocument.objects.filter(is_published=True)
    assert documents.count() > 200 and not documents.exclude(state="pending").exists()
    assert [name for name in queued_tasks if "render" in name] == []
    document = documents.filter(consultation__isnull=False).first()
    from tests.factories import url

    response = client.get(url("consultations:document", "ru", slug=document.consultation.slug, kind=document.kind))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_every_council_of_the_reference_data_is_there_with_both_names(seeded):
    assert Council.objects.filter(level="central").count() >= 12
    assert Council.objects.filter(level="oblast").count() == 17
    assert set(Council.objects.filter(level="city").values_list("slug", flat=True)) == {
        "astana",
        "almaty",
        "shymkent",
    }
    assert Council.objects.get(slug="ulytau").name_kk == "Ұлытау облысының қоғамдық кеңесі"
    assert Council.objects.get(slug="ulytau").name_ru == "Общественный совет области Ұлытау"
    assert not Council.objects.filter(name_kk="").exists() and not Council.objects.filter(name_ru="").exists()


def test_every_state_and_every_occasion_is_present(seeded):
    assert set(Consultation.objects.values_list("state", flat=True)) == set(Consultation.State.values)
    assert set(Consultation.objects.values_list("occasion", flat=True)) == set(Consultation.Occasion.values)
    demo = Consultation.objects.filter(schedule__council__slug="akmola")
    assert set(demo.values_list("state", flat=True)) == set(Consultation.State.values)


def test_states_were_reached_through_the_workflow_with_their_dates(seeded):
    for consultation in Consultation.objects.exclude(state="planned").order_by("?")[:40]:
        log = list(consultation.transitions.order_by("recorded_at", "id"))
        assert log and log[-1].to_state == consultation.state
        dates = [entry.occurred_on for entry in log]
        assert dates == sorted(dates)


def test_proposals_are_in_both_languages_with_decisions(seeded):
    assert set(Proposal.objects.values_list("language", flat=True)) == {"kk", "ru"}
    published = Proposal.objects.filter(consultation__state="position_published", moderation="listed")
    assert published.exists() and not published.filter(decision="").exists()
    assert set(Proposal.objects.values_list("channel", flat=True)) >= {"portal", "consultation", "social"}
    per_consultation = [c.proposals.count() for c in Consultation.objects.filter(state="position_published")[:50]]
    assert min(per_consultation) >= 1 and max(per_consultation) <= 40


def test_draft_acts_have_their_draft_and_explanatory_note_as_real_files(seeded, demo_media, settings):
    from councils import uploads

    settings.MEDIA_ROOT = demo_media
    acts = Consultation.objects.filter(occasion="draft_act")
    assert acts.exists()
    assert not acts.exclude(documents__kind="draft_act").exists()
    assert not acts.exclude(documents__kind="explanatory_note").exists()
    assert not Document.objects.exclude(consultation__occasion="draft_act").exists()
    assert Document.objects.filter(kind="presentation").exists()
    assert not Document.objects.filter(title_kk="").exists() and not Document.objects.filter(title_ru="").exists()
    for document in Document.objects.order_by("?")[:10]:
        with document.file.open("rb") as file:
            assert uploads.detect(file).content_type == document.content_type
        assert 300 < document.size < 10_000 and document.size == document.file.size
        first_step = document.consultation.transitions.order_by("occurred_on").first()
        if first_step:  # uploaded before the council decided to hold the consultation
            assert document.uploaded_at.date() < first_step.occurred_on


def test_the_demo_accounts_exist_with_their_roles(seeded):
    users = get_user_model().objects
    assert users.get(username="admin").is_superuser
    ministry = users.get(username="ministry")
    assert ministry.is_staff and not ministry.is_superuser and ministry.groups.filter(name="ministry").exists()
    assert Membership.objects.get(user__username="secretary").role == "secretary"
    assert Membership.objects.get(user__username="chair").council.slug == "akmola"
    assert Membership.objects.get(user__username="member").role == "member"
    assert Membership.objects.get(user__username="secretary2").council.slug == "almaty"
    assert users.get(username="secretary").check_password("qogam-demo-2026")


def test_it_refuses_to_make_accounts_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", verbosity=0)


def test_seeding_again_says_one_line_per_stage_then_the_address_and_the_accounts_last(seeded, settings):
    """`make demo` printed about 1,500 lines of whole mails before the address; now a few lines, mails none."""
    import io

    settings.SITE_URL = "http://127.0.0.1:8001"
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert len(lines) <= 8
    assert lines[-2].startswith("Qogam is at http://127.0.0.1:8001/")
    assert "secretary" in lines[-1] and "qogam-demo-2026" in lines[-1]
    assert not any(line.startswith(("Subject:", "From:", "To:")) for line in lines)


# ---------------------------------------------------------------------------------------------------------
# What a ministry sees: each council consults on its own region or sphere, with decisions that fit


def sphere_titles(council: Council) -> set[str]:
    from demo import texts

    if council.level == Council.Level.CENTRAL:
        topics = texts.topics_for(council.slug, None)
    else:
        topics = texts.topics_for("local", council.region.slug)
    return {topic["title"]["ru"] for topic in topics}


def test_every_council_consults_on_its_own_sphere_or_region(seeded):
    from demo import texts

    for council in Council.objects.select_related("region"):
        titles = set(Consultation.objects.filter(schedule__council=council).values_list("title_ru", flat=True))
        assert titles, council.slug
        own = titles & sphere_titles(council)
        assert own, council.slug
        # The rest is the quarterly reception of citizens, which every council holds.
        reception = texts.QUARTERLY_RECEPTION["title"]["ru"]
        assert all(title.startswith(reception) for title in titles - own), council.slug
    justice = set(Consultation.objects.filter(schedule__council__slug="justice").values_list("title_ru", flat=True))
    assert not any("лекарств" in title for title in justice)


def test_every_text_of_the_content_files_is_given_in_kazakh_and_russian():
    """The content files keep kk and ru side by side: no object has one language without the other."""
    import json
    from pathlib import Path

    from demo import texts

    def objects(value):
        if isinstance(value, dict):
            yield value
            yield from (o for v in value.values() for o in objects(v))
        elif isinstance(value, list):
            yield from (o for v in value for o in objects(v))

    files = sorted(Path(texts.CONTENT).glob("*.json"))
    assert files
    for file in files:
        for record in objects(json.loads(file.read_text(encoding="utf-8"))):
            if "kk" in record or "ru" in record:
                assert record.get("kk", "").strip() and record.get("ru", "").strip(), (file.name, record)


def test_no_local_topic_names_a_place_of_another_region(seeded):
    from demo import texts

    for topic in texts.TOPICS:
        if topic["sphere"] != "local":
            continue
        for region, places in texts.REGION_PLACES.items():
            if region == topic.get("region"):
                continue
            for text in texts.strings_of(topic):
                assert not any(place in text for place in places), (topic["title"]["ru"], region)
    # Akmola's list names neither Kyzylorda's villages nor Aktau's microdistricts.
    akmola = " ".join(
        Consultation.objects.filter(schedule__council__slug="akmola").values_list("description_ru", flat=True)
    )
    for place in [*texts.REGION_PLACES["kyzylorda"], *texts.REGION_PLACES["mangystau"]]:
        assert place not in akmola
    # Nor do another region's organisations write to it.
    authors = set(Proposal.objects.filter(consultation__schedule__council__slug="akmola").values_list("organisation"))
    assert not {name for (name,) in authors} & set(texts.ORGANISATION_REGIONS)


def test_decisions_and_answers_fit_the_council_and_the_occasion(seeded):
    from django.db.models import Count

    from consultations.models import RecommendationPoint

    local = Proposal.objects.exclude(consultation__schedule__council__level="central").exclude(decision="")
    assert local.exists() and not local.filter(decision_reasons_ru__icontains="министерств").exists()
    not_acts = Proposal.objects.exclude(consultation__occasion="draft_act").exclude(decision="")
    assert not_acts.exists()
    assert not not_acts.filter(decision_reasons_ru__contains="НПА").exists()
    assert not not_acts.filter(decision_reasons_ru__icontains="рекомендац").exists()
    # The same proposal twice in one consultation gets the same decision.
    decided = Proposal.objects.exclude(decision="").values("consultation", "text")
    assert not decided.annotate(decisions=Count("decision", distinct=True)).filter(decisions__gt=1).exists()
    answered = RecommendationPoint.objects.exclude(answer="")
    assert answered.exists()
    assert not answered.exclude(recommendation__consultation__schedule__council__level="central").filter(
        answer_reasons_ru__icontains="приказ"
    )


def test_most_councils_keep_the_rules_and_a_few_do_not(seeded):
    from django.utils import timezone

    from common.quarters import quarter_of
    from consultations import compliance

    year, quarter = quarter_of(timezone.localdate())
    past = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    verdicts = [cq.verdict for cq in compliance.review(Council.objects.all(), [past])]
    assert verdicts.count("compliant") >= 0.7 * len(verdicts)
    assert verdicts.count("non_compliant") >= 1


def test_the_demo_staff_have_addresses_for_reminders_and_password_resets(seeded):
    users = get_user_model().objects
    assert users.get(username="secretary").email == "secretary@akmola.qogam.example"
    assert users.get(username="chair").email == "chair@akmola.qogam.example"
    assert users.get(username="secretary2").email == "secretary@almaty.qogam.example"
    assert not users.filter(email="").exists()
    assert not Council.objects.exclude(email__endswith=".qogam.example").exists()


def test_the_pages_a_ministry_opens_answer(seeded, ministry):
    from django.db.models import F

    from tests.factories import url

    assert ministry.get("/admin/compliance/").status_code == 200
    for language in ("kk", "ru"):
        for council in Council.objects.all():
            assert ministry.get(url("councils:detail", language, slug=council.slug)).status_code == 200
        for state in Consultation.State.values:
            public = Consultation.objects.filter(revision__lte=F("schedule__published_revision"))
            consultation = public.filter(state=state).order_by("?").first()
            assert ministry.get(url("consultations:detail", language, slug=consultation.slug)).status_code == 200
            if state == "position_published":
                page = url("consultations:results", language, slug=consultation.slug)
                assert ministry.get(page).status_code == 200


def test_site_url_drives_the_absolute_links_of_feeds_and_calendars(seeded, client, settings):
    """`make demo PORT=8001` passes SITE_URL=http://127.0.0.1:8001: the links name that port."""
    import subprocess
    from pathlib import Path

    from tests.factories import url

    settings.SITE_URL = "http://127.0.0.1:8001"
    feed = client.get(url("news-rss", "ru")).content.decode()
    assert "http://127.0.0.1:8001/announcements/" in feed
    calendar = client.get(url("council-calendar", "ru", slug="akmola")).content.decode()
    assert "http://127.0.0.1:8001/" in calendar.replace("\r\n ", "")
    makefile = Path(__file__).resolve().parents[2] / "Makefile"
    shown = subprocess.run(
        ["make", "-n", "-f", str(makefile), "demo", "PORT=8001"], capture_output=True, text=True, check=False
    ).stdout
    assert "SITE_URL=http://127.0.0.1:8001" in shown and "demo_server 127.0.0.1:8001" in shown


def test_the_demo_server_ends_with_the_address_and_the_accounts(settings):
    """`make demo` serves with demo_server: once it listens, its last lines say where the demo is and who
    signs in, after Django's own start-up lines."""
    import io

    from demo.management.commands.demo_server import Command

    settings.SITE_URL = "http://127.0.0.1:8001"
    out = io.StringIO()
    server = Command(stdout=out)
    server.on_bind(8001)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert lines[-2].startswith("Qogam is at http://127.0.0.1:8001/")
    assert "secretary" in lines[-1] and "qogam-demo-2026" in lines[-1]


# ---------------------------------------------------------------------------------------------------------
# A busy consultation: groups of similar proposals (issue 18)


def test_a_busy_consultation_shows_sensible_groups_of_similar_proposals_in_both_languages(seeded, client):
    from demo import busy
    from proposals import grouping
    from tests.factories import url

    consultation = Consultation.objects.get(schedule__council__slug="akmola", similar_groups__number=1)
    assert consultation.state == "held"
    assert 250 <= consultation.proposals.count() <= 420
    groups = grouping.with_members(grouping.groups_of(consultation))
    assert len(groups) >= 8 and len(groups[0].listed) >= 10
    from proposals.models import ProposalVector

    if not ProposalVector.objects.filter(proposal__consultation=consultation).exists():
        return  # seeded with the n-grams (no model installed): groups, but the figures below are the model's
    assert sum(1 for g in groups if {p.language for p in g.listed} == {"kk", "ru"}) >= 4
    assert groups[0].key_words["kk"] and groups[0].key_words["ru"]

    def topic_of(text):
        for n, topic in enumerate(busy.TOPICS):
            if any(version in text for version in topic["kk"] + topic["ru"]):
                return n
        return None  # one of the distinct ones, or a proposal of the consultation's own from before

    # Most of each group's proposals are on one topic, whatever their language.
    import collections

    topics = [collections.Counter(t for p in g.listed if (t := topic_of(p.text)) is not None) for g in groups]
    on_topic = sum(max(counted.values(), default=0) for counted in topics)
    assert on_topic / sum(sum(counted.values()) for counted in topics) >= 0.9
    # What the topics do not say stays alone or in small groups (the model pairs a few distinct ones).
    assert all(len(g.listed) <= 3 for g in groups if all(topic_of(p.text) is None for p in g.listed))

    client.force_login(Membership.objects.get(user__username="secretary").user)
    response = client.get(url("workspace:proposal_groups", "ru", slug=consultation.slug))
    assert response.status_code == 200 and "Группа 1:" in response.content.decode()


def test_a_task_run_in_the_demos_request_logs_nothing():
    """The demo runs tasks in the request (no broker): sending a citizen's confirmation mail there once wrote
    kombu's "No hostname was supplied" warning and a Celery line per task into the demo's quiet log. A task of its
    own, reading no table, so that no demo database is needed."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django; django.setup()\n"
        "from qogam.celery import app\n"
        "@app.task\n"
        "def ping():\n"
        "    return 'pong'\n"
        "print(ping.apply_async(retry=False).get())\n"
    )
    demo = {"DEBUG": "1", "SECRET_KEY": "demo-only-not-secret", "DATABASE_URL": "", "REDIS_URL": ""}
    ran = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **demo, "DJANGO_SETTINGS_MODULE": "qogam.settings", "PYTHONWARNINGS": "ignore"},
        capture_output=True, text=True, timeout=60, check=False, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "pong"  # the task ran, in this process
    assert ran.stderr == ""


def test_the_authors_who_asked_were_answered_when_the_position_was_published(seeded, today):
    """The demo's earlier quarters answered their authors when each position was published, as the workflow does:
    their results pages once said "15 authors asked for an answer; the council has answered: 0". (This quarter's
    positions are published through the workflow: one entered as history leaves its answers for the secretary to
    mail from the inbox, which the demo shows.)"""
    from consultations import answers

    quarter = (today.year, (today.month - 1) // 3 + 1)
    published = [
        consultation
        for consultation in Consultation.objects.filter(state=Consultation.State.POSITION_PUBLISHED).select_related(
            "schedule"
        )
        if (consultation.schedule.year, consultation.schedule.quarter) < quarter
    ]
    counts = {consultation.slug: answers.answer_counts(consultation) for consultation in published}
    assert sum(count["asked"] for count in counts.values()) >= 100
    assert not {slug: count for slug, count in counts.items() if count["answered"] != count["asked"]}
