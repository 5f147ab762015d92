"""The demo's texts, and the choice of those that fit a council.

The texts themselves — topics of consultations, people, organisations, agendas, decisions, recommendations,
answers of state bodies, news, venues, in Kazakh and Russian side by side — are data files in demo/content
(described in its README.md); this module reads each file once and picks what fits a council: a ministry
consults on its own sphere, a local council on local subjects that name no other region's places.
All names, organisations, act numbers and figures are fictional.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

CONTENT = Path(__file__).resolve().parent / "content"
ROMAN = ["I", "II", "III", "IV"]


@functools.cache
def read(name: str):
    """The content of demo/content/`name`.json, read once."""
    with open(CONTENT / f"{name}.json", encoding="utf-8") as file:
        return json.load(file)


def _without(record: dict, key: str) -> dict:
    return {k: v for k, v in record.items() if k != key}


# Consultation topics. "sphere" is either a ministry slug from state-bodies.csv or "local" (for oblast, city
# and district akimat councils: city and regional life); a local topic naming a place has its "region".
TOPICS = read("consultations")

# The quarterly personal reception of citizens, which every council holds: what a council consults on when
# it has no subject of its own left for a quarter (quarterly_reception adds the quarter to the title).
QUARTERLY_RECEPTION = read("reception")["reception"]

PEOPLE = read("people")["people"]  # the same person in Kazakh and Russian spelling
MEMBER_ORGANISATIONS = read("people")["member_organisations"]  # where council members work

# Public and professional organisations that send proposals; some belong to one region (their "region").
ORGANISATIONS = [_without(o, "region") for o in read("organisations")]
ORGANISATION_REGIONS = {o["ru"]: o["region"] for o in read("organisations") if "region" in o}

MEETING_AGENDAS = read("agendas")["meetings"]  # numbered items separated by newlines
DECISION_REASONS = read("decisions")  # the council's reasons, by its decision on a proposal
SET_ASIDE_NOTES = read("moderation")["set_aside_notes"]  # a moderator's note, by the reason for setting aside
SPAM_TEXTS = read("moderation")["spam"]  # links use the reserved .example domain
OFF_TOPIC_TEXTS = read("moderation")["off_topic"]
RECOMMENDATION_INTROS = read("recommendations")["intros"]  # opening paragraphs of a draft recommendation
STATE_BODY_ANSWERS = read("recommendations")["answers"]  # a state body's reasons, by its answer to a point
# Requests for information during public expertise, and news a council posts while a consultation runs,
# each about one consultation ("consultation": the Russian title of its topic).
INFORMATION_REQUESTS = [_without(r, "consultation") for r in read("information_requests")]
NEWS = [_without(n, "consultation") for n in read("news")]
_REQUEST_TOPICS = [r["consultation"] for r in read("information_requests")]
_NEWS_TOPICS = [n["consultation"] for n in read("news")]
RECEPTION_PLACES = read("places")["reception_places"]
# What a member's personal reception is about: the council's work at the first, citizens' own matters after.
RECEPTION_TOPICS = read("reception")["topics"]  # for personal reception of citizens by council members
VENUES = read("places")["venues"]  # for a consultation held in person

# Places that belong to one region (stems, in Russian and Kazakh): a local topic that names one is bound to
# that region (its "region" key) and used by no other council. The tests check the texts against this list.
REGION_PLACES = read("places")["region_places"]


# ---------------------------------------------------------------------------------------------------------
# Choosing what fits


def quarterly_reception(year: int, quarter: int) -> dict:
    """The quarterly reception of `quarter`, its title naming the quarter."""
    template, title = read("reception")["title_of_quarter"], QUARTERLY_RECEPTION["title"]
    return QUARTERLY_RECEPTION | {
        "title": {
            lang: template[lang].format(title=title[lang], year=year, quarter=ROMAN[quarter - 1])
            for lang in ("kk", "ru")
        }
    }


def topics_for(sphere: str, region: str | None) -> list[dict]:
    """The topics a council of `sphere` consults on: a ministry's own; for a local council the local topics
    that name no place, and those written for its region (a "region" key)."""
    return [t for t in TOPICS if t["sphere"] == sphere and t.get("region") in (None, region)]


def _fits(text: str, *, draft_act: bool, central: bool) -> bool:
    """Whether a stock sentence fits: the recommendation and the draft act exist only for draft legal acts;
    a ministry's orders, budget and regions only for a central state body's council."""
    text = text.lower()
    if not draft_act and ("нпа" in text or "рекомендац" in text):
        return False
    ministerial = ("министерств", "приказ", "республиканского бюджета", "регион", "местных исполнительных")
    return central or not any(word in text for word in ministerial)


def decision_for(item: dict | None, topic: dict, council, rng) -> tuple[str, dict]:
    """The council's decision on a proposal of `topic` (`item`, one of its proposals) and reasons that fit
    the consultation (a draft act or not) and the state body (a ministry or an akimat)."""
    decision = rng.choices(list(DECISION_REASONS), weights=[4, 3, 3])[0]
    draft_act, central = topic["occasion"] == "draft_act", council.level == "central"
    # "The proposed terms were changed" only answers a proposal that proposes a term.
    proposes_term = item is not None and any(word in item["text"].lower() for word in ("срок", "мерзім"))
    pool = [
        r
        for r in DECISION_REASONS[decision]
        if _fits(r["ru"], draft_act=draft_act, central=central) and (proposes_term or "сроки" not in r["ru"])
    ]
    pool = pool or DECISION_REASONS[decision]
    return decision, pool[rng.randrange(len(pool))]


def answer_for(point: dict, council, rng) -> tuple[str, dict]:
    """The state body's answer to a point of the council's recommendation on a draft act, and its reasons:
    a ministry answers about its order, an akimat about the maslihat's decision."""
    kind = rng.choice(["accepted", "partly", "rejected"])
    central = council.level == "central"
    point_text = point["ru"].lower()
    pool = [
        r
        for r in STATE_BODY_ANSWERS[kind]
        if _fits(r["ru"], draft_act=True, central=central)
        # The answers about a transition period or a term answer only the points that propose one.
        and ("переходном периоде" not in r["ru"] or "переходн" in point_text)
        and ("Срок сокращён" not in r["ru"] or "срок" in point_text)
    ]
    pool = pool or STATE_BODY_ANSWERS[kind]
    return kind, pool[rng.randrange(len(pool))]


def news_for(topics: list[dict]) -> list[tuple[dict, str]]:
    """The news about the council's own consultations (`topics`), each with the Russian title of the
    consultation it is about: a council publishes only the news of its own consultations."""
    titles = {t["title"]["ru"] for t in topics}
    return [(news, title) for news, title in zip(NEWS, _NEWS_TOPICS, strict=True) if title in titles]


def information_request_for(topic: dict) -> dict | None:
    """What the council asked the state body for during a consultation on `topic`, if anything."""
    for request, title in zip(INFORMATION_REQUESTS, _REQUEST_TOPICS, strict=True):
        if title == topic["title"]["ru"]:
            return request
    return None


def agenda_for(year: int, quarter: int, topics: list[dict]) -> dict[str, str]:
    """The agenda of the meeting that approves the quarter's schedule and decides its consultations."""
    items = read("agendas")["quarter"]
    agenda = {}
    for lang in ("kk", "ru"):
        lines = [
            items["schedule"][lang].format(year=year, quarter=ROMAN[quarter - 1]),
            *(items["consultation"][lang].format(title=topic["title"][lang]) for topic in topics),
            items["other_business"][lang],
        ]
        agenda[lang] = "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))
    return agenda


# Agendas of the other meetings (those that decide nothing of a quarter's schedule).
OTHER_AGENDAS = [
    agenda
    for agenda in MEETING_AGENDAS
    if not any(
        word in agenda["ru"] for word in ("График", "Карабулак", "Ульба", "автобусных", "министерства", "приказа")
    )
]


def strings_of(value) -> list[str]:
    """Every text in a topic (nested dicts and lists)."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_of(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_of(v)]
    return [value] if isinstance(value, str) else []


def organisations_for(kind: str, region: str | None) -> list[dict]:
    """The organisations of `kind` that would write to a council of `region` (None: a ministry's)."""
    fitting = [o for o in ORGANISATIONS if region is None or ORGANISATION_REGIONS.get(o["ru"]) in (None, region)]
    return [o for o in fitting if o["kind"] == kind] or fitting
