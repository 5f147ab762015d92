"""Groups of similar proposals, kept (issue 18, part 2): the portal places proposals in groups as they are
compared, keeping the groups made; the secretary sees them in the inbox and includes, sets aside, decides or splits
a group in one action. Nothing is done to a proposal of a group without the secretary's click."""

import re

import pytest
from django.core import mail

from consultations import workflow
from consultations.models import Consultation
from councils.models import Membership
from proposals import grouping, services
from proposals.models import Proposal, ProposalEvent, SimilarGroup
from tests.factories import (
    add_proposal,
    consultation_at,
    secretary_of,
    staff_of,
    url,
    write_position,
)

pytestmark = pytest.mark.django_db
State = Consultation.State

ROAD_RU = "Отремонтировать дорогу по улице Абая, на ней глубокие ямы после зимы."
ROAD_RU_AGAIN = "На улице Абая после зимы асфальт в ямах, дорогу нужно срочно отремонтировать."
ROAD_RU_THANKS = "Отремонтировать дорогу по улице Абая, на ней глубокие ямы после зимы. Спасибо."
ROAD_KK = "Абай көшесіндегі жолды жөндеу керек, қыстан кейін жолда терең шұңқырлар бар. Абая улица ямы."
WATER_RU = "Провести центральный водопровод в посёлок Береке, жители до сих пор возят воду из колодцев."
WATER_RU_AGAIN = "Провести водопровод в посёлок Береке: жители до сих пор возят воду из колодцев."
TREES_RU = "Посадить деревья вдоль улицы Абая."
SCHOOL_KK = "Нұрсая шағын ауданында жаңа мектеп салу керек, қазіргі мектеп үш ауысыммен жұмыс істейді."


@pytest.fixture
def held():
    return consultation_at(State.HELD, listed_proposals=0)


@pytest.fixture
def secretary(held):
    return secretary_of(held.schedule.council)


def enter(consultation, by, *texts, language="ru", **fields):
    return [add_proposal(consultation, by=by, language=language, text=text, **fields) for text in texts]


def fresh(*proposals):
    for proposal in proposals:
        proposal.refresh_from_db()
    return proposals


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---------------------------------------------------------------------------------------------------------
# Placing proposals in groups


def test_grouping_keeps_the_groups_made_and_places_a_new_proposal(held, secretary):
    road, water, road_again, school = enter(held, secretary, ROAD_RU, WATER_RU, ROAD_RU_AGAIN, SCHOOL_KK)
    update = grouping.update_groups(held)
    assert (update.compared, update.joined, update.new_groups) == (4, 1, 1)
    group = SimilarGroup.objects.get()
    assert group.number == 1 and group.leader == road
    fresh(road, water, road_again, school)
    assert road.similar_group == group and road.similarity == 1.0
    assert road_again.similar_group == group and 0 < road_again.similarity < 1
    assert water.similar_group is None and water.compared_at is not None and school.similar_group is None
    assert "дорогу" in group.key_words["ru"] and group.key_words["kk"] == []

    # Nothing new: nothing changes.
    assert grouping.update_groups(held).compared == 0
    # A new proposal joins the kept group; another joins an earlier proposal that was alone, making group 2.
    (thanks, water_again) = enter(held, secretary, ROAD_RU_THANKS, WATER_RU_AGAIN)
    update = grouping.update_groups(held)
    assert (update.compared, update.joined, update.new_groups) == (2, 2, 1)
    fresh(thanks, water_again, water, road_again)
    assert thanks.similar_group == group and road_again.similar_group == group
    assert water.similar_group == water_again.similar_group and water.similar_group.number == 2
    assert water.similar_group.leader == water


def test_a_proposal_set_aside_as_spam_is_left_out(held, secretary):
    _road, again = enter(held, secretary, ROAD_RU, ROAD_RU_AGAIN)
    services.set_aside([again], by=secretary, reason=Proposal.SetAsideReason.SPAM)
    grouping.update_groups(held)
    assert not SimilarGroup.objects.exists()
    assert grouping.status(held).waiting == 0


def test_a_proposal_kept_apart_is_never_grouped_again(held, secretary):
    _road, again, _thanks = enter(held, secretary, ROAD_RU, ROAD_RU_AGAIN, ROAD_RU_THANKS)
    grouping.update_groups(held)
    group = SimilarGroup.objects.get()
    assert grouping.take_out(group, again, by=secretary) is True
    assert grouping.take_out(group, again, by=secretary) is False  # a second click: already out
    fresh(again)
    assert again.kept_apart and again.similar_group is None
    (later,) = enter(held, secretary, ROAD_RU_AGAIN + " Срочно.")
    grouping.update_groups(held)
    fresh(again, later)
    assert again.similar_group is None
    assert later.similar_group == group  # the new one joins; the one kept apart stays out


def test_status_says_when_the_groups_were_updated_and_what_waits(held, secretary):
    assert grouping.status(held).last_updated is None
    enter(held, secretary, ROAD_RU, WATER_RU)
    assert grouping.status(held).waiting == 2
    grouping.update_groups(held)
    status = grouping.status(held)
    assert status.waiting == 0 and status.last_updated is not None


# ---------------------------------------------------------------------------------------------------------
# The pages


@pytest.fixture
def grouped(held, secretary):
    """Two groups (roads: three proposals, in Russian and Kazakh; water: two) and a proposal alone."""
    roads = enter(held, secretary, ROAD_RU, ROAD_RU_AGAIN, wants_answer=True, contact="road@mail.kz")
    roads += enter(held, secretary, ROAD_KK, language="kk", wants_answer=True, contact="jol@mail.kz")
    water = enter(held, secretary, WATER_RU, WATER_RU_AGAIN, wants_answer=True, contact="water@mail.kz")
    (school,) = enter(held, secretary, SCHOOL_KK, language="kk")
    grouping.update_groups(held)
    return {"roads": list(fresh(*roads)), "water": list(fresh(*water)), "school": fresh(school)[0]}


def test_the_groups_page_shows_each_group_largest_first_with_its_representative_and_key_words(
    client, held, secretary, grouped
):
    client.force_login(secretary)
    html = page_text(client.get(url("workspace:proposal_groups", "ru", slug=held.slug)))
    roads = grouped["roads"]
    assert roads[0].similar_group == roads[2].similar_group, "the Kazakh road proposal joins the Russian ones"
    assert "Группа 1: 3 предложения" in html and "Группа 2: 2 предложения" in html
    assert html.index("Группа 1:") < html.index("Группа 2:")
    assert roads[0].reference in html and ROAD_RU in html
    assert "Ключевые слова на казахском" in html and "Ключевые слова на русском" in html
    assert "дорогу" in html and "береке" in html
    assert grouped["school"].reference not in html  # alone: no group
    assert f"{roads[1].similarity:.2f}".replace(".", ",") in html  # the score, written as the language writes it


def test_the_groups_page_is_paged(client, held, secretary, grouped, monkeypatch):
    from proposals import workspace

    monkeypatch.setattr(workspace, "GROUPS_PAGE_SIZE", 1)
    client.force_login(secretary)
    address = url("workspace:proposal_groups", "ru", slug=held.slug)
    first, second = page_text(client.get(address)), page_text(client.get(address + "?page=2"))
    assert "2 группы" in first and "Группа 1:" in first and "Группа 2:" not in first and "Страница 1 из 2" in first
    assert "Группа 2:" in second and "Группа 1:" not in second


def test_the_inbox_says_likely_duplicate_of_the_representative_with_its_score_and_filters_by_group(
    client, held, secretary, grouped
):
    client.force_login(secretary)
    roads = grouped["roads"]
    html = page_text(client.get(url("workspace:inbox", "kk", slug=held.slug)))
    assert html.count("Ықтимал қайталау:") == 3  # the proposals that are not their group's representative
    assert f">{roads[0].reference}</a> ({roads[1].similarity:.2f})".replace(".", ",") in html
    assert "Ұсыныстар топтарын көру" in html
    filtered = page_text(client.get(url("workspace:inbox", "kk", slug=held.slug) + "?group=1"))
    assert "3 ұсыныс" in filtered and grouped["water"][0].reference not in filtered


def test_the_secretary_finds_similar_proposals_with_a_button(client, held, secretary):
    enter(held, secretary, ROAD_RU, ROAD_RU_AGAIN, WATER_RU)
    client.force_login(secretary)
    inbox = url("workspace:inbox", "ru", slug=held.slug)
    assert "3 предложения ещё не сравнены" in page_text(client.get(inbox))
    response = client.post(url("workspace:find_similar", "ru", slug=held.slug), {"next": inbox}, follow=True)
    html = page_text(response)
    assert "Сравнено с остальными: 3 предложения. 1 вошло в группы." in html
    assert SimilarGroup.objects.filter(consultation=held).count() == 1
    assert "ещё не сравнены" not in html and "Группы обновлены" in html


def test_while_held_the_group_is_included_or_its_others_set_aside_as_duplicates(client, held, secretary, grouped):
    client.force_login(secretary)
    roads, water = grouped["roads"], grouped["water"]
    action = url("workspace:group_action", "ru", slug=held.slug, number=roads[0].similar_group.number)
    for _click in range(2):  # a double click changes nothing the second time
        response = client.post(action, {"action": "include"}, follow=True)
    assert "Ничего не изменено" in page_text(response)
    assert all(p.is_listed for p in fresh(*roads))
    assert ProposalEvent.objects.filter(proposal=roads[1], action="listed").count() == 1

    action = url("workspace:group_action", "ru", slug=held.slug, number=water[0].similar_group.number)
    response = client.post(action, {"action": "duplicates"}, follow=True)
    assert "Группа 2: представитель в перечне, 1 предложение не включено как его дубликат." in page_text(response)
    first, second = fresh(*water)
    assert first.is_listed
    assert second.set_aside_reason == "duplicate" and second.duplicate_of == first
    assert not fresh(grouped["school"])[0].is_listed  # nothing outside the group


def test_a_group_is_decided_once_with_a_trace_on_each_and_each_author_answered(client, held, secretary, grouped):
    roads = grouped["roads"]
    number = roads[0].similar_group.number
    grouping.include_group(roads[0].similar_group, by=secretary)
    new = list(held.proposals.filter(moderation="new"))
    services.set_aside(new, by=secretary, reason=Proposal.SetAsideReason.OFF_TOPIC)  # the list is formed of all
    workflow.close_intake(held, by=secretary, reason_kk="Жеткілікті", reason_ru="Достаточно")
    workflow.compile_proposals(held, by=secretary)
    client.force_login(secretary)
    page = page_text(client.get(url("workspace:proposal_groups", "ru", slug=held.slug)))
    assert "Решение для группы" in page and "Включить группу в перечень" not in page
    form = {
        "action": "decide",
        f"g{number}-decision": Proposal.Decision.TAKEN,
        f"g{number}-reasons_kk": "Жол жөндеу жоспарына енгізілді.",
        f"g{number}-reasons_ru": "Ремонт включён в план.",
    }
    action = url("workspace:group_action", "ru", slug=held.slug, number=number)
    unfinished = client.post(action, form | {f"g{number}-reasons_ru": "  "})  # the Russian reasons forgotten
    assert unfinished.status_code == 400
    shown = page_text(unfinished)
    assert "Группа 1: исправьте решение ниже." in shown and "Жол жөндеу жоспарына енгізілді." in shown  # kept
    assert not held.proposals.exclude(decision="").exists()
    response = client.post(action, form, follow=True)
    assert "Группа 1: решение записано для 3 предложений." in page_text(response)
    client.post(action, form)  # a double click: nothing more
    for proposal in fresh(*roads):
        assert proposal.decision == Proposal.Decision.TAKEN and proposal.decision_reasons_ru == "Ремонт включён в план."
        (event,) = proposal.events.filter(action=ProposalEvent.Action.DECIDED)
        assert f"Решено вместе с группой 1 ({roads[0].reference} и ещё 2)" in event.note
    assert grouped["water"][0].decision == ""

    # The position published: one answer for each author who asked, each in its own proposal's language.
    write_position(held)
    workflow.publish_position(held, by=secretary)
    from publications import mail as outbox

    outbox.sweep()
    answers = [m for m in mail.outbox if any(p.reference in m.subject for p in roads)]
    assert sorted(m.to[0] for m in answers) == ["jol@mail.kz", "road@mail.kz", "road@mail.kz"]
    assert len({m.subject for m in answers}) == 3  # one mail per proposal, each naming its own
    assert all("Ремонт включён в план." in m.body or "Жол жөндеу жоспарына енгізілді." in m.body for m in answers)


def test_splitting_a_group_is_one_action_and_its_proposals_are_kept_apart(client, held, secretary, grouped):
    roads = grouped["roads"]
    group = roads[0].similar_group
    client.force_login(secretary)
    action = url("workspace:group_action", "kk", slug=held.slug, number=group.number)
    response = client.post(action, {"action": "split"}, follow=True)
    assert response.status_code == 200
    group.refresh_from_db()
    assert group.is_split
    leader, *others = fresh(*roads)
    assert leader.similar_group is None and not leader.kept_apart
    assert all(p.kept_apart and p.similar_group is None for p in others)
    for proposal in others:  # the trace in its history, as the workspace shows it
        (event,) = proposal.events.filter(action=ProposalEvent.Action.KEPT_APART)
        assert event.by == secretary and event.note == f"{group.number}-топ бөлінді."
    history = page_text(client.get(url("workspace:proposal", "kk", slug=held.slug, reference=others[0].reference)))
    assert f"{group.number}-топ бөлінді." in history
    assert not leader.events.filter(action=ProposalEvent.Action.KEPT_APART).exists()
    response = client.post(action, {"action": "split"}, follow=True)  # a second click: said, nothing changes
    assert "бөлінді" in page_text(response)
    grouping.update_groups(held)
    assert not any(p.similar_group for p in fresh(*others))
    html = page_text(client.get(url("workspace:proposal_groups", "kk", slug=held.slug)))
    assert "2-топ:" in html and "1-топ:" not in html  # water's group alone is left
    assert all(p.moderation == "new" for p in fresh(*roads))  # nothing sorted by splitting


def test_another_councils_secretary_gets_404_and_changes_nothing(client, held, grouped):
    other = consultation_at(State.HELD, listed_proposals=0)
    client.force_login(secretary_of(other.schedule.council))
    number = grouped["roads"][0].similar_group.number
    reference = grouped["roads"][1].reference
    assert client.get(url("workspace:proposal_groups", "ru", slug=held.slug)).status_code == 404
    for address, data in [
        (url("workspace:group_action", "ru", slug=held.slug, number=number), {"action": "include"}),
        (url("workspace:group_action", "ru", slug=held.slug, number=number), {"action": "split"}),
        (url("workspace:find_similar", "ru", slug=held.slug), {}),
        (url("workspace:group_take_out", "ru", slug=held.slug, number=number, reference=reference), {}),
        # its own consultation's address with this group's number: no such group there
        (url("workspace:group_action", "ru", slug=other.slug, number=number), {"action": "split"}),
    ]:
        assert client.post(address, data).status_code == 404
    assert not SimilarGroup.objects.filter(split_at__isnull=False).exists()
    assert not Proposal.objects.filter(kept_apart=True).exists()
    assert not Proposal.objects.filter(consultation=held, moderation="listed").exists()


def test_a_member_who_only_reads_sees_the_groups_but_no_action(client, held, grouped):
    member = staff_of(held.schedule.council, role=Membership.Role.MEMBER)
    client.force_login(member)
    html = page_text(client.get(url("workspace:proposal_groups", "ru", slug=held.slug)))
    assert "Группа 1:" in html and "дорогу" in html
    assert html.count('method="post"') == 1  # signing out
    assert "Разделить группу" not in html and "Найти похожие предложения" not in html
    number = grouped["roads"][0].similar_group.number
    response = client.post(url("workspace:group_action", "ru", slug=held.slug, number=number), {"action": "split"})
    assert response.status_code in (403, 404)
    assert not SimilarGroup.objects.filter(split_at__isnull=False).exists()


def test_the_groups_page_makes_the_same_number_of_queries_for_few_and_many_groups(
    client, held, secretary, django_assert_max_num_queries
):
    pairs = [
        (ROAD_RU, ROAD_RU_AGAIN),
        (WATER_RU, WATER_RU_AGAIN),
        (SCHOOL_KK, SCHOOL_KK + " Тезірек."),
        ("Купить для районной больницы новый аппарат МРТ.", "Районной больнице нужен новый аппарат МРТ, купить."),
        ("Продлить работу библиотек до 21:00 в будни.", "Библиотеки должны работать в будни до 21:00."),
    ]
    client.force_login(secretary)
    address = url("workspace:proposal_groups", "ru", slug=held.slug)
    counts = []
    for chosen in (pairs[:1], pairs[1:]):
        for pair in chosen:
            enter(held, secretary, *pair)
        grouping.update_groups(held)
        client.get(address)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        assert response.status_code == 200
        counts.append(len(queries))
    assert SimilarGroup.objects.count() == 5
    assert counts[0] == counts[1] and counts[1] <= 8, counts


def test_a_russian_proposal_sent_from_the_kazakh_page_is_compared_as_russian(held, secretary):
    """A proposal's language is the page's it was sent from. These two Russian proposals share "улицы Абая" and
    little else (n-grams 0.11): compared as a Kazakh and a Russian text (threshold 0.05) they were taken for one;
    compared as the two Russian texts they are (0.15), they are not."""
    road, trees = enter(held, secretary, ROAD_RU) + enter(held, secretary, TREES_RU, language="kk")
    grouping.update_groups(held)
    fresh(road, trees)
    assert road.similar_group is None and trees.similar_group is None
    assert road.compared_at and trees.compared_at


# ---------------------------------------------------------------------------------------------------------
# With the model: the worker places each proposal; the button computes a few vectors and queues the rest


def fake_vectors(texts):
    """Vectors made as the model's are: its mean vector for the text's language, plus a direction that depends on
    the text's first word only (the same topic, the same vector) — centred, two topics are far apart."""
    import numpy as np

    from proposals import similarity

    centres = similarity._centres()
    rows = []
    for text in texts:
        seed = sum(text.split()[0].encode())
        direction = np.random.default_rng(seed).normal(size=384).astype(np.float32)
        vector = centres[similarity.text_language(text)] + 0.3 * direction / np.linalg.norm(direction)
        rows.append(vector / np.linalg.norm(vector))
    return np.vstack(rows) if rows else np.zeros((0, 384), dtype=np.float32)


@pytest.fixture
def model(settings, monkeypatch):
    from proposals import similarity

    settings.SIMILARITY_BACKEND = "model"
    monkeypatch.setattr(similarity, "model_vectors", fake_vectors)


def test_the_worker_places_a_proposal_once_its_vector_is_stored(model, held, secretary):
    from proposals.tasks import embed_proposal

    first, again, other = enter(held, secretary, ROAD_RU, ROAD_RU_THANKS, WATER_RU)
    for proposal in (first, again, other):
        assert embed_proposal(proposal.pk) == "stored"
    fresh(first, again, other)
    assert first.similar_group == again.similar_group is not None and again.similarity == pytest.approx(1.0)
    assert other.similar_group is None and other.compared_at is not None


def test_the_button_computes_a_few_vectors_and_queues_the_others(
    model, held, secretary, settings, monkeypatch, client, django_capture_on_commit_callbacks
):
    from proposals import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(grouping, "INLINE_VECTORS", 2)
    queued = []
    monkeypatch.setattr(tasks.embed_proposal, "apply_async", lambda args, **options: queued.append(args))
    enter(held, secretary, ROAD_RU, ROAD_RU_THANKS, WATER_RU, WATER_RU_AGAIN)
    client.force_login(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("workspace:find_similar", "ru", slug=held.slug), follow=True)
    html = page_text(response)
    assert "2 предложения ещё читает модель" in html
    assert len(queued) == 2
    assert grouping.status(held).waiting == 2 and SimilarGroup.objects.count() == 1


def test_an_update_with_nothing_waiting_reads_no_text(held, secretary, django_assert_max_num_queries):
    """A worker that finds its proposal placed already (an earlier task placed every one waiting) stops at once."""
    enter(held, secretary, ROAD_RU, ROAD_RU_AGAIN, WATER_RU)
    assert grouping.update_groups(held).compared == 3
    with django_assert_max_num_queries(4) as queries:
        assert grouping.update_groups(held) == grouping.Update()
    assert not [q for q in queries if '"text"' in q["sql"]]
