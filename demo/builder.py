"""Builds the demo: councils with their people, meetings, schedules and consultations over five quarters.

What the demo shows in action — the demo council's current quarter, one consultation at each step — is taken
through the services and the workflow, step by step, as a secretary would. The rest, the history, is written
directly and in bulk (a few seconds instead of minutes): the rows the workflow would have left — states, the
dated log of steps, announcements with their portal deliveries and recorded publications, the frozen results
documents — dated as it would have dated them, so that compliance and the pages read it as they read the
workflow's own. Each council is built in its own transaction from a random generator seeded with its slug:
the same data every time, and a council already built is left alone (running the command twice changes
nothing).

The content (`texts`) fits the council: a ministry consults on its own sphere, a local council on local
subjects that name no other region's places; decisions, answers, agendas and news fit what they are about.
"""

from __future__ import annotations

import csv
import datetime
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case, When
from django.utils import timezone

from common.quarters import quarter_of
from consultations import announcements as consultation_announcements
from consultations import answers, attachments, pdf, workflow
from consultations import services as consultation_services
from consultations.conditions import moment
from consultations.models import (
    Consultation,
    ConsultationTransition,
    Document,
    InformationRequest,
    Position,
    QuarterlySchedule,
    Question,
    Recommendation,
    RecommendationPoint,
    RenderedDocument,
    ScheduleTransition,
    quarter_bounds,
)
from consultations.pdf import renders_on_first_download
from councils import uploads
from councils.models import Council, Meeting, Membership, Reception, Region
from proposals import grouping, similarity
from proposals.models import ConsentText, Proposal, ProposalEvent
from proposals.services import allocate_references
from publications import announcements as publications_announcements
from publications.models import Announcement, Delivery, RecordedPublicationChange
from publications.services import create_announcement, publish_on_portal, record_publication
from publications.services import snapshot as publication_snapshot

from . import busy, files, texts

DATA = Path(__file__).parent / "data"
State = Consultation.State
ScheduleState = QuarterlySchedule.State
Event = Announcement.Event
Occasion = Consultation.Occasion

# The demo accounts' council (an oblast) and the second secretary's council.
DEMO_COUNCIL = "akmola"
SECOND_COUNCIL = "almaty"
SECRETARY_ACCOUNTS = {DEMO_COUNCIL: "secretary", SECOND_COUNCIL: "secretary2"}
# A council whose membership the law would question (two members of one organisation, the term ending).
WARNED_COUNCIL = "tourism-sport"
DEMO_ACCOUNTS = ["admin", "ministry", "secretary", "chair", "secretary2", "member"]
DISTRICTS = [
    # (slug, region slug, kk name, ru name): two districts, named as the reference data's README suggests.
    ("burabay", "akmola", "Бурабай ауданы", "Бурабайский район", "Бурабайского района"),
    ("karasay", "almaty-oblast", "Қарасай ауданы", "Карасайский район", "Карасайского района"),
]

# Real regional newspapers (Kazakh, Russian) of the councils the demo records newspaper publications for.
NEWSPAPERS = {
    "akmola": ["Арқа ажары", "Акмолинская правда"],
    "aktobe": ["Ақтөбе", "Актюбинский вестник"],
    "atyrau": ["Атырау", "Прикаспийская коммуна"],
    "west-kazakhstan": ["Орал өңірі", "Приуралье"],
    "zhambyl": ["Ақ жол", "Знамя труда"],
    "karaganda": ["Орталық Қазақстан", "Индустриальная Караганда"],
    "kostanay": ["Қостанай таңы", "Костанайские новости"],
    "kyzylorda": ["Сыр бойы", "Кызылординские вести"],
    "mangystau": ["Маңғыстау", "Огни Мангистау"],
    "pavlodar": ["Сарыарқа самалы", "Звезда Прииртышья"],
    "north-kazakhstan": ["Солтүстік Қазақстан", "Северный Казахстан"],
    "east-kazakhstan": ["Дидар", "Рудный Алтай"],
    "astana": ["Астана ақшамы", "Вечерняя Астана"],
    "almaty": ["Алматы ақшамы", "Вечерний Алматы"],
}

# The share of councils that are lax about the rules (see `_council`).
LAX_SHARE = 0.1

# The stages of the build, one progress line each.
STAGES = [
    (Council.Level.CENTRAL, "Councils of central state bodies"),
    (Council.Level.OBLAST, "Councils of oblasts"),
    (Council.Level.CITY, "Councils of cities of republican significance"),
    (Council.Level.DISTRICT, "Councils of districts"),
]

# Target states of the current quarter's consultations, dealt round-robin so that every state appears.
CURRENT_QUARTER_STATES = [
    State.HELD,
    State.PLANNED,
    State.ANNOUNCED,
    State.DECIDED,
    State.QUESTIONS_APPROVED,
    State.PROPOSALS_COMPILED,
    State.HELD,
    State.POSITION_PUBLISHED,
    State.RECOMMENDATION_DRAFTED,
    State.CANCELLED,
]


# Why the demo's cancelled consultations were cancelled (kk, ru).
CANCELLATION_REASON = (
    "Мәселені мемлекеттік орган консультацияға дейін шешті, оны өткізу қажеттілігі жойылды.",
    "Вопрос решён государственным органом до консультации, необходимость в её проведении отпала.",
)
# The translated fields a consultation's search text is made of (as Consultation.save() makes it).
SEARCHED = ("title", "act_title", "description")


@dataclass
class Quarter:
    council: Council
    year: int
    quarter: int
    is_current: bool
    meeting: Meeting
    by: object  # the secretary
    topics: list[dict]


@dataclass
class Story:
    """The steps of one consultation written directly: (name, from, to, date, meeting, note) each."""

    state: str = State.PLANNED
    steps: list = field(default_factory=list)
    announced_on: datetime.date | None = None
    proposals: bool = False
    sorted_all: bool = False
    recommended_on: datetime.date | None = None
    position_on: datetime.date | None = None


@dataclass
class Stats:
    councils_built: int = 0
    councils_skipped: int = 0
    consultations: int = 0
    proposals: int = 0
    accounts: list[str] = field(default_factory=list)


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def d(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class DemoBuilder:
    def __init__(self, *, password: str, today: datetime.date | None = None, stdout=None):
        self.password = password
        self.today = today or timezone.localdate()
        self.stdout = stdout
        self.stats = Stats()
        self.current = quarter_of(self.today)
        self.quarters = self._last_quarters(5)
        self.state_cycle = 0
        self.consent = None
        self.user_model = get_user_model()
        self._password_hash = None
        self._council_topics: list[dict] = []  # the topics of the council being built
        self._lax = False

    # -----------------------------------------------------------------------------------------------------
    def build(self) -> Stats:
        self.consent = self._consent_text()
        regions = self._regions()
        # Nobody waits for the demo's documents (about a thousand): they are rendered when first downloaded,
        # rather than queued ahead of everything a worker has to do.
        specs = self._council_specs(regions)
        with renders_on_first_download():
            for level, label in STAGES:
                started, before = time.monotonic(), (self.stats.consultations, self.stats.proposals)
                built = [self._council(spec) for spec in specs if spec["level"] == level]
                self._say(
                    f"{label}: {len(built)} ({sum(built)} built), "
                    f"{self.stats.consultations - before[0]:,} consultations, "
                    f"{self.stats.proposals - before[1]:,} proposals … {time.monotonic() - started:.1f} s"
                )
        self._busy_consultation()
        self._accounts()
        return self.stats

    def _say(self, line: str) -> None:
        if self.stdout:
            self.stdout.write(line)

    def _last_quarters(self, count: int) -> list[tuple[int, int]]:
        year, quarter = self.current
        quarters = []
        for _ in range(count):
            quarters.append((year, quarter))
            year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        return list(reversed(quarters))

    def _consent_given(self, channel: str, stamp) -> dict:
        """A proposal's consent fields: given with the portal's form only (other channels carry none)."""
        if channel != "portal":
            return {"consent_text": None, "consent_given_at": None, "consent_operator": ""}
        return {"consent_text": self.consent, "consent_given_at": stamp, "consent_operator": self.consent.operator}

    def _consent_text(self) -> ConsentText:
        """The consent text in force (the first one comes with the migrations)."""
        return ConsentText.objects.order_by("version").first()

    def _regions(self) -> dict[str, Region]:
        regions = {}
        for row in read_csv("councils.csv"):
            region, _created = Region.objects.get_or_create(
                slug=row["slug"],
                defaults={
                    "kind": row["level"],
                    "name_kk": row["region_kk"],
                    "name_ru": row["region_ru"],
                    "centre_kk": row["centre_kk"],
                    "centre_ru": row["centre_ru"],
                },
            )
            regions[row["slug"]] = region
        return regions

    def _council_specs(self, regions: dict[str, Region]) -> list[dict]:
        specs = []
        for row in read_csv("state-bodies.csv"):
            specs.append(
                {
                    "slug": row["slug"],
                    "level": Council.Level.CENTRAL,
                    "region": None,
                    "name_kk": row["council_kk"],
                    "name_ru": row["council_ru"],
                    "state_body_kk": row["body_kk"],
                    "state_body_ru": row["body_ru"],
                    "sphere": row["slug"],
                    "region_slug": None,
                    "members": 15,
                }
            )
        for row in read_csv("councils.csv"):
            specs.append(
                {
                    "slug": row["slug"],
                    "level": row["level"],
                    "region": regions[row["slug"]],
                    "name_kk": row["council_kk"],
                    "name_ru": row["council_ru"],
                    "state_body_kk": row["akimat_kk"],
                    "state_body_ru": row["akimat_ru"],
                    "sphere": "local",
                    "region_slug": row["slug"],
                    "members": 12,
                }
            )
        for slug, region, kk, _ru, ru_genitive in DISTRICTS:
            stem_kk = kk.removesuffix(" ауданы")
            specs.append(
                {
                    "slug": slug,
                    "level": Council.Level.DISTRICT,
                    "region": regions[region],
                    "name_kk": f"{stem_kk} ауданының қоғамдық кеңесі",
                    "name_ru": f"Общественный совет {ru_genitive}",
                    "state_body_kk": f"{stem_kk} ауданының әкімдігі",
                    "state_body_ru": f"Акимат {ru_genitive}",
                    "sphere": "local",
                    "region_slug": region,
                    "members": 10,
                }
            )
        return specs

    # -----------------------------------------------------------------------------------------------------
    def _council(self, spec: dict) -> bool:
        """Build the council and its history; False if it was already there."""
        council = Council.objects.filter(slug=spec["slug"]).first()
        if council is not None and council.schedules.exists():
            self.stats.councils_skipped += 1
            return False
        rng = random.Random(spec["slug"])
        self._council_topics = []
        # Most councils keep the rules; a few are lax (late, or not published outside the portal), so that
        # the compliance review has something to show. Drawn apart from `rng`, which the rest shares.
        self._lax = spec["slug"] != DEMO_COUNCIL and random.Random(f"lax/{spec['slug']}").random() < LAX_SHARE
        with transaction.atomic():
            if council is None:
                council = self._create_council(spec, rng)
            people = self._people(council, spec, rng)
            plan = self._plan_topics(spec, rng)
            for index, (year, quarter) in enumerate(self.quarters):
                self._quarter(council, people, year, quarter, index, plan[index], rng)
            self._receptions(council, people, rng)
        self.stats.councils_built += 1
        return True

    def _create_council(self, spec: dict, rng: random.Random) -> Council:
        term_start = datetime.date(self.today.year - 1, 3, 1)
        return Council.objects.create(
            slug=spec["slug"],
            level=spec["level"],
            region=spec["region"],
            name_kk=spec["name_kk"],
            name_ru=spec["name_ru"],
            state_body_kk=spec["state_body_kk"],
            state_body_ru=spec["state_body_ru"],
            email=f"council@{spec['slug']}.qogam.example",
            phone=f"+7 7{rng.randint(10, 29)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            term_starts_on=term_start,
            term_ends_on=(
                self.today + datetime.timedelta(days=40)
                if spec["slug"] == WARNED_COUNCIL
                else term_start.replace(year=term_start.year + 3) - datetime.timedelta(days=1)
            ),
        )

    def _people(self, council: Council, spec: dict, rng: random.Random) -> dict:
        started = datetime.date(self.today.year - 2, 3, 1)
        names = rng.sample(texts.PEOPLE, spec["members"] + 1)
        organisations = rng.sample(texts.MEMBER_ORGANISATIONS, spec["members"])
        if council.slug == WARNED_COUNCIL:
            organisations[3] = organisations[2]  # two members from one organisation: a warning to see
        members = []
        for n, name in enumerate(names[:-1]):
            role = (
                Membership.Role.CHAIR if n == 0 else Membership.Role.DEPUTY_CHAIR if n == 1 else Membership.Role.MEMBER
            )
            organisation = organisations[n]
            members.append(
                Membership(
                    council=council,
                    full_name_kk=name["kk"],
                    full_name_ru=name["ru"],
                    role=role,
                    kind=Membership.Kind.STATE_BODY if n == spec["members"] - 1 else Membership.Kind.CIVIL_SOCIETY,
                    organisation_kk=organisation["kk"],
                    organisation_ru=organisation["ru"],
                    started_on=started,
                )
            )
        Membership.objects.bulk_create(members)
        # Staff have addresses (of the reserved .example domain), so that reminders and password resets show.
        secretary_user = self._account(
            SECRETARY_ACCOUNTS.get(council.slug, f"secretary-{council.slug}"),
            email=f"secretary@{council.slug}.qogam.example",
        )
        secretary = Membership.objects.create(
            council=council,
            user=secretary_user,
            full_name_kk=names[-1]["kk"],
            full_name_ru=names[-1]["ru"],
            role=Membership.Role.SECRETARY,
            started_on=started,
        )
        counted = list(Membership.objects.filter(council=council).counted().order_by("id"))
        if council.slug == DEMO_COUNCIL:
            # The demo's chair, and one member who reads the workspace but cannot act.
            for membership, username in ((counted[0], "chair"), (counted[2], "member")):
                membership.user = self._account(username, email=f"{username}@{council.slug}.qogam.example")
                membership.save(update_fields=["user"])
        return {"members": counted, "secretary": secretary}

    # -----------------------------------------------------------------------------------------------------
    def _quarter(self, council, people, year, quarter, index, topics, rng) -> None:
        first_day, _last_day = quarter_bounds(year, quarter)
        is_current = (year, quarter) == self.current
        # The council meets early in the quarter (the current quarter's meeting at least 50 days ago, so that
        # its consultations have had time to go far); the schedule, steps 1 and 2 are approved there.
        meeting_day = first_day + datetime.timedelta(days=rng.randint(3, 9))
        if is_current:
            meeting_day = min(meeting_day, self.today - datetime.timedelta(days=50))
        skipped = not topics
        self._council_topics += topics
        members = people["members"]
        absent = rng.randint(0, len(members) // 4)
        agenda = texts.agenda_for(year, quarter, topics) if topics else None
        meeting = self._meeting(council, meeting_day, members[: len(members) - absent], rng, agenda)
        if index == 1 and rng.random() < 0.3:
            # A meeting that lacked a quorum: recorded, but no decision can rest on it.
            self._meeting(council, meeting_day + datetime.timedelta(days=30), members[: len(members) // 2], rng)
        if skipped:
            return
        quarter = Quarter(council, year, quarter, is_current, meeting, people["secretary"].user, topics)
        if council.slug == DEMO_COUNCIL and is_current:
            # What the demo shows in action: each step taken through the workflow, as a secretary would.
            self._quarter_through_workflow(quarter, people, rng)
        else:
            self._quarter_in_bulk(quarter, rng)
        self.stats.consultations += len(topics)

    def _published_on(self, quarter, rng) -> datetime.date | None:
        """When the schedule approved at the quarter's meeting was published (None: not yet)."""
        is_current = quarter.is_current
        delays = [1, 2, 3] if is_current else [1, 2, 3, 5, 20] if self._lax else [1, 2, 3, 5]
        day = quarter.meeting.date + datetime.timedelta(days=rng.choice(delays))
        if is_current and quarter.council.slug != DEMO_COUNCIL and rng.random() < 0.1:
            return None  # approved, not yet published
        return min(day, self.today)

    def _quarter_through_workflow(self, quarter, people, rng) -> None:
        council, by, meeting = quarter.council, quarter.by, quarter.meeting
        schedule = consultation_services.schedule_for(council, quarter.year, quarter.quarter)
        consultations = [
            consultation_services.plan_consultation(
                schedule, by=by, occasion=topic["occasion"], **self._planned_fields(schedule, topic, rng)
            )
            for topic in quarter.topics
        ]
        for consultation, topic in zip(consultations, quarter.topics, strict=True):
            consultation_services.set_questions(
                consultation, by=by, questions=[(q["kk"], q["ru"]) for q in topic["questions"]]
            )
            if consultation.is_draft_act:  # the state body's files, uploaded before the council decides
                self._documents(consultation, topic, by, uploaded_on=meeting.date - datetime.timedelta(days=2))
        consultation_services.approve_schedule(schedule, by=by, meeting=meeting)
        published_on = self._published_on(quarter, rng)
        if published_on is not None:
            consultation_services.publish_schedule(schedule, by=by, occurred_on=published_on)
            self._record_external(schedule_announcement(schedule), published_on, council, by, rng)
        targets = self._targets(consultations, quarter, published_on, rng)
        for consultation, topic, target in zip(consultations, quarter.topics, targets, strict=True):
            self._run(consultation, topic, target, meeting, published_on or meeting.date, by, people, rng, True)

    # -----------------------------------------------------------------------------------------------------
    # The history, written directly: the rows the workflow would have left, dated as it would have dated them.

    def _quarter_in_bulk(self, quarter, rng) -> None:
        council, by, meeting = quarter.council, quarter.by, quarter.meeting
        published_on = self._published_on(quarter, rng)
        schedule = QuarterlySchedule.objects.create(
            council=council,
            year=quarter.year,
            quarter=quarter.quarter,
            state=ScheduleState.PUBLISHED if published_on else ScheduleState.APPROVED,
            published_revision=1 if published_on else 0,
        )
        schedule_log = [
            ScheduleTransition(
                schedule=schedule, revision=1, from_state=ScheduleState.DRAFT, to_state=ScheduleState.APPROVED,
                by=by, occurred_on=meeting.date, meeting=meeting,
            )
        ]  # fmt: skip
        if published_on:
            schedule_log.append(
                ScheduleTransition(
                    schedule=schedule, revision=1, from_state=ScheduleState.APPROVED,
                    to_state=ScheduleState.PUBLISHED, by=by, occurred_on=published_on,
                )
            )  # fmt: skip
        ScheduleTransition.objects.bulk_create(schedule_log)

        consultations = []
        for number, topic in enumerate(quarter.topics, start=1):
            fields = self._planned_fields(schedule, topic, rng)
            consultations.append(
                Consultation(
                    schedule=schedule,
                    number=number,
                    slug=f"{council.slug}-{quarter.year}-q{quarter.quarter}-{number}",
                    occasion=topic["occasion"],
                    **fields,
                )
            )
        targets = self._targets(consultations, quarter, published_on, rng)
        stories = [
            self._story(consultation, target, meeting, published_on or meeting.date, quarter.is_current, rng)
            for consultation, target in zip(consultations, targets, strict=True)
        ]
        for consultation, story in zip(consultations, stories, strict=True):
            consultation._writing_state = True  # the state the workflow would have left it in (fields.py)
            consultation.state = story.state
            consultation._writing_state = False
            consultation.state_since = story.steps[-1][3] if story.steps else None
            if story.state == State.CANCELLED:
                consultation.cancellation_reason_kk, consultation.cancellation_reason_ru = CANCELLATION_REASON
            words = [getattr(consultation, f"{name}_{lang}") or "" for name in SEARCHED for lang in ("kk", "ru")]
            consultation.search_text = " ".join([*words, consultation.act_number]).casefold()
        Consultation.objects.bulk_create(consultations)

        questions = {c.pk: [] for c in consultations}
        rows = [
            Question(consultation=c, position=position, text_kk=q["kk"], text_ru=q["ru"])
            for c, topic in zip(consultations, quarter.topics, strict=True)
            for position, q in enumerate(topic["questions"], start=1)
        ]
        for question in Question.objects.bulk_create(rows):
            questions[question.consultation_id].append(question)
        ConsultationTransition.objects.bulk_create(
            ConsultationTransition(
                consultation=c, name=name, from_state=source, to_state=target, occurred_on=day, meeting=at_meeting,
                by=None if name == "open_intake" else by, note=note,
            )
            for c, story in zip(consultations, stories, strict=True)
            for name, source, target, day, at_meeting, note in story.steps
        )  # fmt: skip

        proposals, positions_at = [], {}
        for c, topic, story in zip(consultations, quarter.topics, stories, strict=True):
            if story.proposals:
                decided_at = moment(story.position_on) if story.position_on else None
                proposals += self._proposals(
                    c, topic, questions[c.pk], rng, sorted_all=story.sorted_all, decided_at=decided_at, by=by
                )
                if decided_at:
                    positions_at[c.pk] = decided_at
        self._save_proposals(proposals)
        # The authors owed an answer by mail were answered when each position was published, as the workflow
        # answers them (consultations.answers; the mails themselves long purged from the outbox).
        if positions_at:
            Proposal.objects.filter(answers.OWED, answers.BY_MAIL, consultation_id__in=positions_at).update(
                answer_queued_at=Case(*(When(consultation_id=pk, then=at) for pk, at in positions_at.items()))
            )
        listed = {}
        for proposal in proposals:
            if proposal.moderation == "listed":
                listed.setdefault(proposal.consultation_id, []).append(proposal)

        for c, topic, story in zip(consultations, quarter.topics, stories, strict=True):
            if c.is_draft_act:  # the state body's files, uploaded before the council decides
                self._documents(c, topic, by, uploaded_on=meeting.date - datetime.timedelta(days=2), direct=True)
            if story.recommended_on:
                self._recommendation(
                    c, topic, rng, story.recommended_on, listed.get(c.pk, []), answered=story.position_on is not None
                )
            if story.position_on:
                position = topic["position"]
                Position.objects.create(consultation=c, text_kk=position["kk"], text_ru=position["ru"])

        self._publish_history(quarter, schedule, published_on, consultations, stories, rng)

    def _story(self, consultation, target, meeting, public_from, is_current, rng) -> Story:
        """The steps taking `consultation` to `target`, dated as `_run` would date them; sets its dates."""
        story = Story()

        def step(name, to_state, day, at_meeting=None, note=""):
            story.steps.append((name, story.state, to_state, day, at_meeting, note))
            story.state = to_state

        def after_last(days):
            return min(story.steps[-1][3] + datetime.timedelta(days=days), self.today)

        if target == State.CANCELLED:
            stop_before = rng.choice([State.DECIDED, State.ANNOUNCED, State.HELD])
            story = self._story(consultation, stop_before, meeting, public_from, is_current, rng)
            story.steps.append(("cancel", story.state, State.CANCELLED, after_last(3), None, CANCELLATION_REASON[0]))
            story.state = State.CANCELLED
            return story
        if target == State.PLANNED:
            self._plan_dates(consultation, opens=self.today + datetime.timedelta(days=rng.randint(9, 12)), rng=rng)
            return story
        step("decide", State.DECIDED, meeting.date, meeting)
        if target == State.DECIDED:
            self._plan_dates(consultation, opens=self.today + datetime.timedelta(days=rng.randint(6, 8)), rng=rng)
            return story
        step("approve_questions", State.QUESTIONS_APPROVED, meeting.date, meeting)
        if target == State.QUESTIONS_APPROVED:
            self._plan_dates(consultation, opens=self.today + datetime.timedelta(days=rng.randint(3, 5)), rng=rng)
            return story

        announce_on, opens, closes = self._window(consultation, target, meeting, public_from, is_current, rng)
        self._plan_dates(consultation, opens=opens, closes=closes, rng=rng)
        step("announce", State.ANNOUNCED, announce_on)
        story.announced_on = announce_on
        if target == State.ANNOUNCED:
            return story
        step("open_intake", State.HELD, opens)
        story.proposals, story.sorted_all = True, target != State.HELD
        if target == State.HELD:
            return story
        compiled_on = min(closes + datetime.timedelta(days=rng.randint(1, 6)), self.today)
        step("compile_proposals", State.PROPOSALS_COMPILED, compiled_on)
        if target == State.PROPOSALS_COMPILED:
            return story
        last = compiled_on
        if consultation.is_draft_act:
            last = min(compiled_on + datetime.timedelta(days=rng.randint(2, 7)), self.today)
            step("draft_recommendation", State.RECOMMENDATION_DRAFTED, last)
            story.recommended_on = last
            if target == State.RECOMMENDATION_DRAFTED:
                return story
        story.position_on = min(last + datetime.timedelta(days=rng.randint(3, 14)), self.today)
        step("publish_position", State.POSITION_PUBLISHED, story.position_on)
        return story

    def _window(self, consultation, target, meeting, public_from, is_current, rng):
        """Step 3's date and the proposal window, worked out backwards from today when the step is under way."""
        earliest = max(meeting.date, public_from) + datetime.timedelta(days=1)
        if is_current and target == State.ANNOUNCED:
            announce_on = self.today - datetime.timedelta(days=rng.randint(0, 2))
            opens = self.today + datetime.timedelta(days=rng.randint(3, 8))
        elif is_current and target == State.HELD:
            opens = self.today - datetime.timedelta(days=rng.randint(1, 8))
            announce_on = opens - datetime.timedelta(days=rng.randint(3, 6))
        else:
            announce_on = earliest + datetime.timedelta(days=rng.randint(1, 4))
            opens = announce_on + datetime.timedelta(days=rng.randint(3, 6))
        announce_on = max(announce_on, earliest)
        closes = opens + datetime.timedelta(days=rng.randint(14, 21))
        if is_current and target == State.HELD:
            closes = max(closes, self.today + datetime.timedelta(days=rng.randint(5, 15)))
        return announce_on, opens, closes

    def _plan_dates(self, consultation, *, opens, closes=None, rng) -> None:
        if closes is None:
            # A consultation of this quarter's schedule is held within the quarter where a window still fits.
            _first_day, last_day = quarter_bounds(consultation.schedule.year, consultation.schedule.quarter)
            closes = min(opens + datetime.timedelta(days=rng.randint(14, 21)), last_day)
            closes = max(closes, opens + datetime.timedelta(days=7))
        consultation.window_opens_at = d(opens, 9)
        consultation.window_closes_at = d(closes, 18)
        consultation.starts_on = opens
        consultation.ends_on = closes

    def _meeting(self, council, day, attendees, rng, agenda=None) -> Meeting:
        agenda = agenda or texts.OTHER_AGENDAS[rng.randrange(len(texts.OTHER_AGENDAS))]
        meeting = Meeting.objects.create(
            council=council,
            date=day,
            start_time=datetime.time(rng.choice([10, 11, 15]), 0),
            place_kk="Әкімдік ғимараты, мәжіліс залы"
            if council.level != Council.Level.CENTRAL
            else "Министрліктің мәжіліс залы",
            place_ru="Здание акимата, зал заседаний"
            if council.level != Council.Level.CENTRAL
            else "Зал заседаний министерства",
            agenda_kk=agenda["kk"],
            agenda_ru=agenda["ru"],
            protocol_number=f"{day.year % 100:02d}/{day.month:02d}-{rng.randint(1, 9)}",
            agenda_published_at=d(day - datetime.timedelta(days=5)),
            protocol_published_at=d(day + datetime.timedelta(days=3))
            if day + datetime.timedelta(days=3) <= self.today
            else None,
        )
        meeting.attendees.set(attendees)
        return meeting

    def _plan_topics(self, spec: dict, rng: random.Random) -> list[list[dict]]:
        """Each quarter's topics: the council's own subjects (a ministry's, or the local ones its region may
        use), none twice, the current quarter's first; when they run out, the quarterly reception of
        citizens. A quarter without topics is one whose schedule the council skipped."""
        counts = []
        for year, quarter in self.quarters:
            is_current = (year, quarter) == self.current
            # A lax council may skip a past quarter's schedule altogether: compliance must show it.
            skipped = not is_current and rng.random() < (0.2 if self._lax else 0.0)
            count = rng.choice([2, 3, 3]) if is_current else rng.choice([1, 2, 2, 3])
            if spec["slug"] == DEMO_COUNCIL and is_current:
                count = len(CURRENT_QUARTER_STATES)
            counts.append(0 if skipped else count)
        own = texts.topics_for(spec["sphere"], spec["region_slug"])
        left = rng.sample(own, len(own))
        plan: list[list[dict]] = [[] for _ in self.quarters]
        if spec["slug"] == DEMO_COUNCIL:  # the quarter the demo shows in action has all it needs
            plan[-1], left = left[: counts[-1]], left[counts[-1] :]
        # One topic a quarter in turn, the current quarter first and then back in time, so that the
        # subjects are spread over the quarters.
        order = list(reversed(range(len(self.quarters))))
        while left and any(len(plan[i]) < counts[i] for i in order):
            for index in order:
                if left and len(plan[index]) < counts[index]:
                    plan[index].append(left.pop())
        for index, (year, quarter) in enumerate(self.quarters):
            if len(plan[index]) < counts[index]:
                plan[index].append(texts.quarterly_reception(year, quarter))
        return plan

    def _planned_fields(self, schedule, topic, rng) -> dict:
        """What the secretary writes when planning the consultation on `topic`."""
        fields = {
            "title_kk": topic["title"]["kk"],
            "title_ru": topic["title"]["ru"],
            "description_kk": topic["description"]["kk"],
            "description_ru": topic["description"]["ru"],
            "format": rng.choice(list(Consultation.Format.values)),
        }
        if topic["occasion"] == Occasion.DRAFT_ACT:
            act = topic["act"]
            fields |= {
                "act_title_kk": act["title"]["kk"],
                "act_title_ru": act["title"]["ru"],
                "act_number": act["number"],
                "act_url": f"https://legalacts.egov.kz/npa/view?id={rng.randint(14000000, 15999999)}",
                "act_drafted_by_kk": act["drafted_by"]["kk"],
                "act_drafted_by_ru": act["drafted_by"]["ru"],
                "social_effect_kk": act["social_effect"]["kk"],
                "social_effect_ru": act["social_effect"]["ru"],
            }
        if fields["format"] != Consultation.Format.ONLINE:
            venue = texts.VENUES[rng.randrange(len(texts.VENUES))]
            fields |= {"venue_kk": venue["kk"], "venue_ru": venue["ru"]}
        if fields["format"] != Consultation.Format.IN_PERSON:
            fields["link"] = f"https://meet.qogam.kz/{schedule.council.slug}-{schedule.year}-{schedule.quarter}"
        # The planned dates, as the schedule shows them; the run may move them as things happen.
        first_day, last_day = quarter_bounds(schedule.year, schedule.quarter)
        starts = first_day + datetime.timedelta(days=rng.randint(20, 60))
        fields |= {"starts_on": starts, "ends_on": min(starts + datetime.timedelta(days=rng.randint(14, 21)), last_day)}
        fields |= {
            "participation_kk": (
                "Ұсыныстарды консультацияда ауызша айтуға да болады. "
                "Қоғамдық кеңес әрбір ұсынысты қарап, шешімін жариялайды."
            ),
            "participation_ru": (
                "Предложения можно высказать и устно на консультации. "
                "Общественный совет рассмотрит каждое предложение и опубликует своё решение."
            ),
        }
        return fields

    def _documents(self, consultation, topic, by, *, uploaded_on: datetime.date, direct: bool = False) -> None:
        """The draft act and its explanatory note (Word files), and for every other one a presentation (a PDF),
        attached through the service as a secretary would. No random draw: the rest of the demo stays as it was."""
        act = topic["act"]
        kk_title, ru_title = act["title"]["kk"], act["title"]["ru"]
        # «…» бұйрықтың жобасы → «…» бұйрықтың жобасына; Проект приказа «…» → к проекту приказа «…»
        note_kk = kk_title.removesuffix("жобасы") + "жобасына түсіндірме жазба"
        note_ru = "Пояснительная записка к проекту" + ru_title.removeprefix("Проект")
        demo_kk = "Бұл — Qogam порталының демонстрациялық файлы."
        demo_ru = "Это демонстрационный файл портала Qogam."
        draft = files.docx(
            [
                ("title", kk_title),
                ("", f"№ {act['number']} · {act['drafted_by']['kk']}"),
                ("", "Жобаның мәтіні қоғамдық талқылауға ұсынылады. "
                     "Толық нұсқасы «Ашық НҚА» порталында жарияланған."),
                ("", demo_kk),
                ("title", ru_title),
                ("", f"№ {act['number']} · {act['drafted_by']['ru']}"),
                ("", "Текст проекта вынесен на общественное обсуждение. "
                     "Полная версия опубликована на портале «Открытые НПА»."),
                ("", demo_ru),
            ]
        )  # fmt: skip
        note = files.docx(
            [
                ("title", note_kk),
                ("heading", "Жобаны қабылдаудан күтілетін әлеуметтік әсер"),
                ("", act["social_effect"]["kk"]),
                ("", demo_kk),
                ("title", note_ru),
                ("heading", "Ожидаемый социальный эффект от принятия проекта"),
                ("", act["social_effect"]["ru"]),
                ("", demo_ru),
            ]
        )  # fmt: skip
        if direct:  # the history: the rows written as the service writes them, without its checks

            def attach(kind, title_kk, title_ru, content, name):
                file_kind = uploads.DOCX if name.endswith(".docx") else uploads.PDF
                document = Document(
                    consultation=consultation,
                    kind=kind,
                    title_kk=title_kk,
                    title_ru=title_ru,
                    content_type=file_kind.content_type,
                    size=len(content),
                    uploaded_by=by,
                    uploaded_at=at,
                )
                document.file.save(uploads.stored_name(file_kind), ContentFile(content), save=False)
                return document
        else:

            def attach(kind, title_kk, title_ru, content, name):
                return attachments.add_document(
                    consultation,
                    by=by,
                    kind=kind,
                    title_kk=title_kk,
                    title_ru=title_ru,
                    file=ContentFile(content, name=name),
                )

        at = d(uploaded_on, 11)
        made = [
            attach(Document.Kind.DRAFT_ACT, kk_title, ru_title, draft, "draft.docx"),
            attach(Document.Kind.EXPLANATORY_NOTE, note_kk, note_ru, note, "note.docx"),
        ]
        if consultation.number % 2:
            slides = files.pdf(
                ["Public consultation on a draft legal act", "The main provisions of the draft", consultation.slug]
            )
            made.append(
                attach(
                    Document.Kind.PRESENTATION,
                    "Жобаның негізгі ережелері: презентация",
                    "Основные положения проекта: презентация",
                    slides,
                    "slides.pdf",
                )
            )
        if direct:
            Document.objects.bulk_create(made)
        else:
            Document.objects.filter(pk__in=[document.pk for document in made]).update(uploaded_at=at, created_at=at)

    def _targets(self, consultations, quarter, published_on, rng) -> list[str]:
        if not quarter.is_current:  # a lax council leaves some stalled at step 5
            stalled = 0.15 if self._lax else 0.0
            return [
                State.CANCELLED
                if roll < 0.05
                else State.PROPOSALS_COMPILED
                if roll < 0.05 + stalled
                else State.POSITION_PUBLISHED
                for roll in (rng.random() for _ in consultations)
            ]
        if quarter.council.slug == DEMO_COUNCIL:
            targets = list(CURRENT_QUARTER_STATES[: len(consultations)])
        else:
            targets = []
            for _ in consultations:
                targets.append(CURRENT_QUARTER_STATES[self.state_cycle % len(CURRENT_QUARTER_STATES)])
                self.state_cycle += 1
        # Step 6 only for draft legal acts: give that target to one of them, if the quarter has one.
        acts = [n for n, c in enumerate(consultations) if c.is_draft_act]
        for n, target in enumerate(targets):
            if target == State.RECOMMENDATION_DRAFTED and n not in acts:
                swap = next((a for a in acts if targets[a] != State.RECOMMENDATION_DRAFTED), None)
                if swap is None:
                    targets[n] = State.POSITION_PUBLISHED
                else:
                    targets[n], targets[swap] = targets[swap], targets[n]
        if published_on is None:
            # Nothing of an unpublished schedule is announced: its consultations wait at steps 1 and 2.
            targets = [t if t in (State.PLANNED, State.DECIDED) else State.QUESTIONS_APPROVED for t in targets]
        return targets

    # -----------------------------------------------------------------------------------------------------
    def _run(self, consultation, topic, target, meeting, public_from, by, people, rng, is_current) -> None:
        """Take the consultation to `target` through the workflow, each step dated as it would have happened."""
        if target == State.CANCELLED:
            stop_before = rng.choice([State.DECIDED, State.ANNOUNCED, State.HELD])
            self._run(consultation, topic, stop_before, meeting, public_from, by, people, rng, is_current)
            workflow.cancel(
                consultation,
                by=by,
                reason_kk=CANCELLATION_REASON[0],
                reason_ru=CANCELLATION_REASON[1],
                occurred_on=self._after_last(consultation, 3),
            )
            return
        if target == State.PLANNED:
            self._set_dates(consultation, opens=self.today + datetime.timedelta(days=rng.randint(9, 12)), rng=rng)
            return
        workflow.decide(consultation, by=by, meeting=meeting)
        if target == State.DECIDED:
            self._set_dates(consultation, opens=self.today + datetime.timedelta(days=rng.randint(6, 8)), rng=rng)
            return
        workflow.approve_questions(consultation, by=by, meeting=meeting)
        if target == State.QUESTIONS_APPROVED:
            self._set_dates(consultation, opens=self.today + datetime.timedelta(days=rng.randint(3, 5)), rng=rng)
            if is_current and consultation.schedule.council.slug == DEMO_COUNCIL:
                # The demo secretary finds step 3 written and waiting for tomorrow morning, to change or publish.
                workflow.schedule_announcement(
                    consultation, by=by, publish_at=d(self.today + datetime.timedelta(days=1), 10)
                )
            return

        announce_on, opens, closes = self._window(consultation, target, meeting, public_from, is_current, rng)
        self._set_dates(consultation, opens=opens, closes=closes, rng=rng)
        workflow.announce(consultation, by=by, occurred_on=announce_on)
        self._record_external(
            consultation_announcement(consultation), announce_on, consultation.schedule.council, by, rng
        )
        if target == State.ANNOUNCED:
            return
        workflow.open_intake(consultation, by=None, occurred_on=opens)
        questions = list(consultation.questions.all())
        past_intake = target != State.HELD
        self._save_proposals(self._proposals(consultation, topic, questions, rng, sorted_all=past_intake))
        if target == State.HELD:
            return

        compiled_on = min(closes + datetime.timedelta(days=rng.randint(1, 6)), self.today)
        workflow.compile_proposals(consultation, by=by, occurred_on=compiled_on)
        if target == State.PROPOSALS_COMPILED:
            return
        last = compiled_on
        listed = list(consultation.proposals.filter(moderation="listed"))
        if consultation.is_draft_act:
            last = min(compiled_on + datetime.timedelta(days=rng.randint(2, 7)), self.today)
            self._recommendation(consultation, topic, rng, last, listed, answered=target == State.POSITION_PUBLISHED)
            workflow.draft_recommendation(consultation, by=by, occurred_on=last)
            if target == State.RECOMMENDATION_DRAFTED:
                return
        position_on = min(last + datetime.timedelta(days=rng.randint(3, 14)), self.today)
        for proposal in listed:
            self._decide(proposal, topic, consultation.schedule.council, moment(position_on), by)
        Proposal.objects.bulk_update(
            listed, ["decision", "decision_reasons_kk", "decision_reasons_ru", "decided_at", "decided_by"]
        )
        Position.objects.create(
            consultation=consultation, text_kk=topic["position"]["kk"], text_ru=topic["position"]["ru"]
        )
        workflow.publish_position(consultation, by=by, occurred_on=position_on)
        self._record_external(results_announcement(consultation), position_on, consultation.schedule.council, by, rng)

    def _busy_consultation(self) -> None:
        """The demo council's consultation under way receives a few hundred proposals, many saying the same thing in
        Kazakh or Russian (demo/busy.py), then grouped as the workers group them (proposals/grouping.py): the
        secretary finds groups of similar proposals in its inbox. Once: a consultation that has them is left."""
        now = timezone.now()
        consultation = (
            Consultation.objects.filter(
                schedule__council__slug=DEMO_COUNCIL,
                state=State.HELD,
                window_opens_at__lte=now,
                window_closes_at__gt=now,
            )
            # The one on paid parking, which the proposals are about (demo/busy.py), if the dates gave it a window
            .order_by(Case(When(title_ru__icontains="парковк", then=0), default=1), "window_opens_at", "pk")
            .first()
        )
        if consultation is None or consultation.proposals.count() >= busy.COUNT:
            return
        started = time.monotonic()
        rng = random.Random("busy")
        items = busy.texts(rng)
        opens = consultation.window_opens_at
        stamps = sorted(opens + (now - opens) * rng.random() for _ in items)
        references = {}
        for year in {stamp.year for stamp in stamps}:
            references[year] = allocate_references(year, sum(1 for stamp in stamps if stamp.year == year))
        proposals = []
        for (language, text), stamp in zip(items, stamps, strict=True):
            channel = rng.choices(["portal", "consultation", "mail", "social"], weights=[7, 1, 1, 1])[0]
            wants_answer = rng.random() < 0.4
            person = texts.PEOPLE[rng.randrange(len(texts.PEOPLE))]
            proposals.append(
                Proposal(
                    consultation=consultation,
                    reference=references[stamp.year].pop(0),
                    author_name=person[language],
                    hide_name=rng.random() < 0.15,
                    wants_answer=wants_answer,
                    contact=f"citizen{rng.randint(1000, 9999)}@mail.kz" if wants_answer or rng.random() < 0.3 else "",
                    text=text,
                    language=language,
                    channel=channel,
                    **self._consent_given(channel, stamp),
                    submitted_at=stamp,
                )
            )
        self._save_proposals(proposals)
        # What the workers do as each proposal arrives: its vector (the model's, in one batch here), then its group.
        similarity.store_vectors(grouping.missing_vectors(consultation))
        update = grouping.update_groups(consultation)
        self._say(
            f"A busy consultation: {len(proposals)} proposals, {update.joined} in "
            f"{consultation.similar_groups.count()} groups of similar proposals … {time.monotonic() - started:.1f} s"
        )

    def _after_last(self, consultation, days: int) -> datetime.date:
        last = consultation.transitions.order_by("-occurred_on").values_list("occurred_on", flat=True).first()
        return min((last or self.today) + datetime.timedelta(days=days), self.today)

    def _set_dates(self, consultation, *, opens, closes=None, rng) -> None:
        self._plan_dates(consultation, opens=opens, closes=closes, rng=rng)
        consultation.save()

    def _external(self, announcement, day, council, rng) -> dict | None:
        """Where else the announcement appeared (the record_publication arguments), or None."""
        # Most publications are also made in social networks or the media (the recommendations, step 3).
        if announcement is None or rng.random() < (0.3 if self._lax else 0.0):
            return None
        outlet, base = rng.choice(
            [
                ("Facebook", "https://www.facebook.com/"),
                ("Instagram", "https://www.instagram.com/"),
                ("Telegram", "https://t.me/"),
            ]
        )
        published_on = min(day + datetime.timedelta(days=rng.choice([0, 0, 1])), self.today)
        # About a quarter appear in the region's newspaper, recorded with a scan of the page (a placeholder
        # file). Drawn from a generator of their own: `rng` is shared by the rest of the council's data.
        newspapers = NEWSPAPERS.get(council.slug)
        own = random.Random(f"{council.slug}/{announcement.pk}")
        if newspapers and own.random() < 0.25:
            return {
                "outlet_kind": Delivery.OutletKind.NEWSPAPER,
                "outlet": own.choice(newspapers),
                "published_on": published_on,
                "scan": ContentFile(placeholder_scan(published_on), name="scan.pdf"),
            }
        return {
            "outlet_kind": Delivery.OutletKind.SOCIAL,
            "outlet": outlet,
            "link": f"{base}qogam.{council.slug}/{announcement.pk}",
            "published_on": published_on,
        }

    def _record_external(self, announcement, day, council, by, rng) -> None:
        """The secretary records the publication outside the portal (the workflow path)."""
        given = self._external(announcement, day, council, rng)
        if given is not None:
            record_publication(announcement, by=by, **given)

    def _publish_history(self, quarter, schedule, published_on, consultations, stories, rng) -> None:
        """The announcements and documents the quarter's steps published, with their portal deliveries and
        the publications recorded outside the portal: written as publish_on_portal, the pdf module and
        record_publication write them, in the order the steps were taken."""
        council, by = quarter.council, quarter.by
        written = []  # (announcement, the day it was published, recorded elsewhere too)

        def announce(event, subject, context, view, slug, day, external=True):
            announcement = Announcement(
                council=council, event=event, subject=subject, created_by=by, published_at=moment(day),
                path=publications_announcements.portal_path(view, slug=slug),
                **publications_announcements.initial_texts(event, context),
            )  # fmt: skip
            written.append((announcement, day, external))

        documents = []
        if published_on:
            context = consultation_announcements.schedule_context(schedule)
            announce(Event.SCHEDULE_PUBLISHED, schedule, context, "councils:detail", council.slug, published_on)
            documents.append(
                RenderedDocument(
                    kind=RenderedDocument.Kind.SCHEDULE, schedule=schedule, revision=schedule.revision,
                    is_published=True, language=council.document_language, data=pdf.snapshot_schedule(schedule),
                )
            )  # fmt: skip
        for c, story in zip(consultations, stories, strict=True):
            if story.announced_on or story.position_on:
                context = consultation_announcements.consultation_context(c)
            if story.announced_on:
                announce(Event.CONSULTATION_ANNOUNCED, c, context, "consultations:detail", c.slug, story.announced_on)
            if story.position_on:
                documents += [
                    RenderedDocument(
                        kind=kind, consultation=c, is_published=True, language=council.document_language,
                        data=pdf.SNAPSHOTS[kind](c),
                    )
                    for kind in pdf.kinds_for(c)
                ]  # fmt: skip
                announce(Event.RESULTS_PUBLISHED, c, context, "consultations:results", c.slug, story.position_on)
            if story.state == State.CANCELLED and story.announced_on:
                announce(
                    Event.CONSULTATION_CANCELLED, c, context, "consultations:detail", c.slug, story.steps[-1][3],
                    external=False,
                )  # fmt: skip
        # One row per INSERT: for many rows Django inserts from arrays (UNNEST), whose every JSON snapshot psycopg
        # then quotes as an array's element in Python (6 of the seeding's ~35 s; a row alone is quoted by libpq).
        RenderedDocument.objects.bulk_create(documents, batch_size=1)
        Announcement.objects.bulk_create([announcement for announcement, _day, _external in written])
        Delivery.objects.bulk_create(
            Delivery(
                announcement=announcement, channel=Delivery.Channel.PORTAL, target="", state=Delivery.State.SENT,
                attempts=1, sent_at=announcement.published_at,
            )
            for announcement, _day, _external in written
        )  # fmt: skip
        recorded = []
        for announcement, day, external in written:
            given = self._external(announcement, day, council, rng) if external else None
            if given is None:
                continue
            delivery = Delivery(
                announcement=announcement, channel=Delivery.Channel.RECORDED, target=given.get("link", ""),
                outlet=given["outlet"], outlet_kind=given["outlet_kind"], state=Delivery.State.SENT, attempts=1,
                sent_at=timezone.make_aware(
                    datetime.datetime.combine(given["published_on"], datetime.time(12)),
                    timezone.get_default_timezone(),
                ),
                recorded_by=by,
            )  # fmt: skip
            if "scan" in given:
                delivery.scan.save(uploads.stored_name(uploads.PDF), given["scan"], save=False)
                delivery.scan_type = uploads.PDF.content_type
            recorded.append(delivery)
        Delivery.objects.bulk_create(recorded)
        RecordedPublicationChange.objects.bulk_create(
            RecordedPublicationChange(
                announcement_id=delivery.announcement_id, delivery=delivery,
                action=RecordedPublicationChange.Action.RECORDED, by=by, after=publication_snapshot(delivery),
            )
            for delivery in recorded
        )  # fmt: skip

    # -----------------------------------------------------------------------------------------------------
    def _proposals(self, consultation, topic, questions, rng, *, sorted_all, decided_at=None, by=None) -> list:
        """The consultation's proposals (not saved yet); decided at `decided_at` when it is given."""
        count = rng.randint(1, 40)
        opens = consultation.window_opens_at
        span = min(consultation.window_closes_at, timezone.now()) - opens
        year_refs: dict[int, list[str]] = {}
        stamps = sorted(opens + span * rng.random() for _ in range(count))
        for stamp in stamps:
            year_refs.setdefault(stamp.year, [])
        for year in year_refs:
            year_refs[year] = allocate_references(year, sum(1 for s in stamps if s.year == year))
        texts_pool = topic["proposals"]
        council = consultation.schedule.council
        region = council.region.slug if council.region_id and council.level != Council.Level.CENTRAL else None
        proposals = []
        for n, stamp in enumerate(stamps):
            roll = rng.random()
            item = None
            if roll < 0.05:
                text, language, moderation, reason = rng.choice(texts.SPAM_TEXTS), "ru", "set_aside", "spam"
            elif roll < 0.1:
                off = rng.choice(texts.OFF_TOPIC_TEXTS)
                text, language, moderation, reason = off["text"], off["lang"], "set_aside", "off_topic"
            else:
                item = texts_pool[n % len(texts_pool)]
                text, language, moderation, reason = item["text"], item["lang"], "listed", ""
            if not sorted_all and rng.random() < 0.5:
                moderation, reason = "new", ""
            kind = rng.choices(list(Proposal.AuthorKind.values), weights=[8, 1, 1])[0]
            organisation = ""
            if kind != Proposal.AuthorKind.CITIZEN:
                matching = texts.organisations_for(kind, region)
                organisation = matching[rng.randrange(len(matching))][language]
            person = texts.PEOPLE[rng.randrange(len(texts.PEOPLE))]
            channel = rng.choices(
                [
                    "portal",
                    "consultation",
                    "reception" if consultation.occasion == Occasion.RECEPTION else "mail",
                    "social",
                ],
                weights=[6, 2, 1, 1],
            )[0]
            wants_answer = rng.random() < 0.4
            note = ""
            if reason:
                note_choice = texts.SET_ASIDE_NOTES[reason][rng.randrange(len(texts.SET_ASIDE_NOTES[reason]))]
                note = note_choice[language]
            proposal = Proposal(
                consultation=consultation,
                reference=year_refs[stamp.year].pop(0),
                author_name=person[language],
                author_kind=kind,
                organisation=organisation,
                hide_name=rng.random() < 0.15,
                wants_answer=wants_answer,
                contact=f"citizen{rng.randint(1000, 9999)}@mail.kz" if wants_answer or rng.random() < 0.3 else "",
                text=text,
                question=questions[rng.randrange(len(questions))] if questions and rng.random() < 0.7 else None,
                language=language,
                channel=channel,
                moderation=moderation,
                set_aside_reason=reason,
                set_aside_note=note,
                **self._consent_given(channel, stamp),
                submitted_at=stamp,
            )
            proposal.demo_item = item  # what the decision's reasons answer
            if decided_at is not None and moderation == "listed":
                self._decide(proposal, topic, consultation.schedule.council, decided_at, by)
            proposals.append(proposal)
        return proposals

    def _decide(self, proposal, topic, council, decided_at, by) -> None:
        """The council's decision on a listed proposal, with reasons that fit it; the same text gets the same
        decision from the same council (drawn from a generator of its own: `rng` is shared)."""
        own = random.Random(f"{council.slug}/{proposal.text}")
        decision, reasons = texts.decision_for(getattr(proposal, "demo_item", None), topic, council, own)
        proposal.decision = decision
        proposal.decision_reasons_kk = reasons["kk"]
        proposal.decision_reasons_ru = reasons["ru"]
        proposal.decided_at = decided_at
        proposal.decided_by = by

    def _save_proposals(self, proposals) -> None:
        created = Proposal.objects.bulk_create(proposals)
        ProposalEvent.objects.bulk_create(
            ProposalEvent(
                proposal=p,
                action=ProposalEvent.Action.SUBMITTED if p.channel == "portal" else ProposalEvent.Action.ENTERED,
                at=p.submitted_at,
            )
            for p in created
        )
        self.stats.proposals += len(created)

    def _recommendation(self, consultation, topic, rng, drafted_on, listed, *, answered: bool) -> None:
        intro = texts.RECOMMENDATION_INTROS[rng.randrange(len(texts.RECOMMENDATION_INTROS))]
        sent_on = drafted_on + datetime.timedelta(days=rng.randint(2, 9)) if answered else None
        if sent_on and sent_on > self.today:
            sent_on = None
        answer_on = sent_on + datetime.timedelta(days=rng.randint(8, 20)) if sent_on and rng.random() < 0.7 else None
        if answer_on and answer_on > self.today:
            answer_on = None
        recommendation = Recommendation.objects.create(
            consultation=consultation,
            introduction_kk=intro["kk"],
            introduction_ru=intro["ru"],
            sent_on=sent_on,
            answer_received_on=answer_on,
        )
        points = []
        for number, point_text in enumerate(topic["recommendation_points"], start=1):
            answer_kind, reasons = (
                texts.answer_for(point_text, consultation.schedule.council, rng)
                if answer_on
                else ("", {"kk": "", "ru": ""})
            )
            points.append(
                RecommendationPoint(
                    recommendation=recommendation,
                    number=number,
                    text_kk=point_text["kk"],
                    text_ru=point_text["ru"],
                    answer=answer_kind,
                    answer_reasons_kk=reasons["kk"],
                    answer_reasons_ru=reasons["ru"],
                )
            )
        RecommendationPoint.objects.bulk_create(points)
        if listed:
            Through = Proposal.recommendation_points.through
            Through.objects.bulk_create(
                Through(recommendationpoint_id=point.pk, proposal_id=proposal.pk)
                for point in points
                for proposal in rng.sample(listed, min(len(listed), rng.randint(1, 3)))
            )
        request = texts.information_request_for(topic)
        if request is not None and rng.random() < 0.8:
            InformationRequest.objects.create(
                consultation=consultation,
                addressee_kk=consultation.act_drafted_by_kk or consultation.schedule.council.state_body_kk,
                addressee_ru=consultation.act_drafted_by_ru or consultation.schedule.council.state_body_ru,
                subject_kk=request["subject"]["kk"],
                subject_ru=request["subject"]["ru"],
                requested_on=consultation.window_opens_at.date(),
                answered_on=consultation.window_opens_at.date() + datetime.timedelta(days=6),
                answer_kk=request["answer"]["kk"],
                answer_ru=request["answer"]["ru"],
            )

    def _receptions(self, council, people, rng) -> None:
        members = people["members"]
        for n in range(3):
            member = members[rng.randrange(len(members))]
            day = self.today + datetime.timedelta(days=rng.randint(-30, 40))
            place = texts.RECEPTION_PLACES[rng.randrange(len(texts.RECEPTION_PLACES))]
            starts = d(day, rng.choice([10, 11, 14, 15]))
            Reception.objects.create(
                member=member,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                place_kk=place["kk"],
                place_ru=place["ru"],
                topic_kk=texts.RECEPTION_TOPICS["later" if n else "first"]["kk"],
                topic_ru=texts.RECEPTION_TOPICS["later" if n else "first"]["ru"],
            )
        own_news = texts.news_for(self._council_topics)  # only the news of its own consultations
        if not own_news:
            return
        news, about_title = own_news[rng.randrange(len(own_news))]
        # The news links the most specific page: the consultation it is about, or its results once published.
        about = Consultation.objects.filter(schedule__council=council, title_ru=about_title).order_by("-id").first()
        announcement = create_announcement(
            council=council,
            event=Announcement.Event.NEWS_PUBLISHED,
            subject=about,
            title_kk=news["title"]["kk"],
            title_ru=news["title"]["ru"],
            text_kk=news["text"]["kk"],
            text_ru=news["text"]["ru"],
            path=consultation_announcements.consultation_path(about) if about else f"/councils/{council.slug}/",
        )
        publish_on_portal(announcement, at=d(self.today - datetime.timedelta(days=rng.randint(1, 20)), 16))

    # -----------------------------------------------------------------------------------------------------
    def _accounts(self) -> None:
        """The ministry's demo accounts; the councils' ones are made with their people."""
        from django.contrib.auth.models import Group

        from workspace.roles import MINISTRY_GROUP

        self._account("admin", is_staff=True, is_superuser=True)
        ministry = self._account("ministry", is_staff=True)
        ministry.groups.add(Group.objects.get(name=MINISTRY_GROUP))
        self.stats.accounts = DEMO_ACCOUNTS

    def _account(self, username: str, email: str = "", **flags):
        """A demo account gets the demo password; the other councils' secretaries, who only carry the
        demo's history, get none (nobody signs in with them)."""
        user, created = self.user_model.objects.get_or_create(
            username=username, defaults={"email": email or f"{username}@qogam.example", **flags}
        )
        if created:
            if username in DEMO_ACCOUNTS:
                # Hashed once for all of them (a hash takes half a second, on purpose).
                if self._password_hash is None:
                    self._password_hash = make_password(self.password)
                user.password = self._password_hash
            else:
                user.set_unusable_password()
            user.save(update_fields=["password"])
        return user


def _announcement_of(subject, event) -> Announcement | None:
    from django.contrib.contenttypes.models import ContentType

    return (
        Announcement.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, event=event
        )
        .order_by("-id")
        .first()
    )


def schedule_announcement(schedule: QuarterlySchedule) -> Announcement | None:
    return _announcement_of(schedule, Announcement.Event.SCHEDULE_PUBLISHED)


def consultation_announcement(consultation: Consultation) -> Announcement | None:
    return _announcement_of(consultation, Announcement.Event.CONSULTATION_ANNOUNCED)


def results_announcement(consultation: Consultation) -> Announcement | None:
    return _announcement_of(consultation, Announcement.Event.RESULTS_PUBLISHED)


def placeholder_scan(day: datetime.date) -> bytes:
    """A one-page PDF standing in for the scan of a newspaper page (the demo has no real scans), in ASCII:
    the PDF's standard font has no Cyrillic letters."""
    text = f"Qogam demo: placeholder for a scanned newspaper page of {day.isoformat()}"
    stream = f"BT /F1 14 Tf 56 780 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return pdf
