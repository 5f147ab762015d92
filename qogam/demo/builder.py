"""Builds the demo: councils with their people, meetings, schedules and consultations over five quarters.

Everything that has a state gets it through the services and the workflow, dated as it would have happened,
so the demo's history is what compliance and the pages will read. Each council is built in its own
transaction from a random generator seeded with its slug: the same data every time, and a council already
built is left alone (running the command twice changes nothing).
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from consultations import attachments, workflow
from consultations import services as consultation_services
from consultations.models import (
    Consultation,
    Document,
    InformationRequest,
    Position,
    QuarterlySchedule,
    Recommendation,
    RecommendationPoint,
    quarter_bounds,
    quarter_of,
)
from consultations.pdf import renders_on_first_download
from councils.models import Council, Meeting, Membership, Reception, Region
from proposals.models import ConsentText, Proposal, ProposalEvent
from proposals.services import allocate_references
from publications.models import Announcement, Delivery
from publications.services import create_announcement, publish_on_portal, record_publication

from . import files, texts

DATA = Path(__file__).parent / "data"
State = Consultation.State
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

    # -----------------------------------------------------------------------------------------------------
    def build(self) -> Stats:
        self.consent = self._consent_text()
        regions = self._regions()
        # Nobody waits for the demo's documents (about a thousand): they are rendered when first downloaded,
        # rather than queued ahead of everything a worker has to do.
        with renders_on_first_download():
            for spec in self._council_specs(regions):
                self._council(spec)
        self._accounts()
        return self.stats

    def _last_quarters(self, count: int) -> list[tuple[int, int]]:
        year, quarter = self.current
        quarters = []
        for _ in range(count):
            quarters.append((year, quarter))
            year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        return list(reversed(quarters))

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
                    "members": 10,
                }
            )
        return specs

    # -----------------------------------------------------------------------------------------------------
    def _council(self, spec: dict) -> None:
        council = Council.objects.filter(slug=spec["slug"]).first()
        if council is not None and council.schedules.exists():
            self.stats.councils_skipped += 1
            return
        rng = random.Random(spec["slug"])
        with transaction.atomic():
            if council is None:
                council = self._create_council(spec, rng)
            people = self._people(council, spec, rng)
            for index, (year, quarter) in enumerate(self.quarters):
                self._quarter(council, spec, people, year, quarter, index, rng)
            self._receptions(council, people, rng)
        self.stats.councils_built += 1
        if self.stdout:
            self.stdout.write(f"  {council.name_ru}")

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
            email=f"council@{spec['slug']}.qogam.kz",
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
        secretary_user = self._account(SECRETARY_ACCOUNTS.get(council.slug, f"secretary-{council.slug}"))
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
                membership.user = self._account(username)
                membership.save(update_fields=["user"])
        return {"members": counted, "secretary": secretary}

    # -----------------------------------------------------------------------------------------------------
    def _quarter(self, council, spec, people, year, quarter, index, rng) -> None:
        first_day, _last_day = quarter_bounds(year, quarter)
        is_current = (year, quarter) == self.current
        by = people["secretary"].user
        # The council meets early in the quarter (the current quarter's meeting at least 50 days ago, so that
        # its consultations have had time to go far); the schedule, steps 1 and 2 are approved there.
        meeting_day = first_day + datetime.timedelta(days=rng.randint(3, 9))
        if is_current:
            meeting_day = min(meeting_day, self.today - datetime.timedelta(days=50))
        members = people["members"]
        absent = rng.randint(0, len(members) // 4)
        meeting = self._meeting(council, meeting_day, members[: len(members) - absent], rng)
        if index == 1 and rng.random() < 0.3:
            # A meeting that lacked a quorum: recorded, but no decision can rest on it.
            self._meeting(council, meeting_day + datetime.timedelta(days=30), members[: len(members) // 2], rng)

        # A council or two skip a past quarter's schedule altogether: compliance must show it.
        if not is_current and rng.random() < 0.06:
            return
        schedule = consultation_services.schedule_for(council, year, quarter)
        count = rng.choice([1, 2, 2, 3]) if not is_current else rng.choice([2, 3, 3])
        if council.slug == DEMO_COUNCIL and is_current:
            count = len(CURRENT_QUARTER_STATES)
        topics = self._topics(spec["sphere"], count, rng)
        consultations = [self._plan(schedule, topic, by, rng) for topic in topics]
        for consultation, topic in zip(consultations, topics, strict=True):
            if consultation.is_draft_act:  # the state body's files, uploaded before the council decides
                self._documents(consultation, topic, by, uploaded_on=meeting_day - datetime.timedelta(days=2))

        consultation_services.approve_schedule(schedule, by=by, meeting=meeting)
        published_on = meeting_day + datetime.timedelta(days=rng.choice([1, 2, 3] if is_current else [1, 2, 3, 5, 20]))
        if is_current and council.slug != DEMO_COUNCIL and rng.random() < 0.1:
            published_on = None  # approved, not yet published
        if published_on is not None:
            published_on = min(published_on, self.today)
            consultation_services.publish_schedule(schedule, by=by, occurred_on=published_on)
            self._record_external(schedule_announcement(schedule), published_on, council, by, rng)

        targets = self._targets(consultations, is_current, council, rng)
        if published_on is None:
            # Nothing of an unpublished schedule is announced: its consultations wait at steps 1 and 2.
            targets = [t if t in (State.PLANNED, State.DECIDED) else State.QUESTIONS_APPROVED for t in targets]
        for consultation, topic, target in zip(consultations, topics, targets, strict=True):
            self._run(consultation, topic, target, meeting, published_on or meeting_day, by, people, rng, is_current)
            self.stats.consultations += 1

    def _meeting(self, council, day, attendees, rng) -> Meeting:
        agenda = texts.MEETING_AGENDAS[rng.randrange(len(texts.MEETING_AGENDAS))]
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

    def _topics(self, sphere: str, count: int, rng: random.Random) -> list[dict]:
        pool = [t for t in texts.TOPICS if t["sphere"] == sphere]
        if sphere != "local":
            # A ministry also consults on neighbouring subjects; keep its own topics first.
            pool += [t for t in texts.TOPICS if t["sphere"] not in ("local", sphere)]
        own = [t for t in texts.TOPICS if t["sphere"] == sphere]
        chosen = rng.sample(own, min(len(own), count))
        while len(chosen) < count:
            chosen.append(pool[rng.randrange(len(pool))])
        return chosen

    def _plan(self, schedule, topic, by, rng) -> Consultation:
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
        consultation = consultation_services.plan_consultation(schedule, by=by, occasion=topic["occasion"], **fields)
        consultation_services.set_questions(
            consultation, by=by, questions=[(q["kk"], q["ru"]) for q in topic["questions"]]
        )
        return consultation

    def _documents(self, consultation, topic, by, *, uploaded_on: datetime.date) -> None:
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
        made = [
            attachments.add_document(
                consultation, by=by, kind=Document.Kind.DRAFT_ACT, title_kk=kk_title, title_ru=ru_title,
                file=ContentFile(draft, name="draft.docx"),
            ),
            attachments.add_document(
                consultation, by=by, kind=Document.Kind.EXPLANATORY_NOTE, title_kk=note_kk, title_ru=note_ru,
                file=ContentFile(note, name="note.docx"),
            ),
        ]  # fmt: skip
        if consultation.number % 2:
            slides = files.pdf(
                ["Public consultation on a draft legal act", "The main provisions of the draft", consultation.slug]
            )
            made.append(
                attachments.add_document(
                    consultation, by=by, kind=Document.Kind.PRESENTATION,
                    title_kk="Жобаның негізгі ережелері: презентация",
                    title_ru="Основные положения проекта: презентация",
                    file=ContentFile(slides, name="slides.pdf"),
                )
            )  # fmt: skip
        at = d(uploaded_on, 11)
        Document.objects.filter(pk__in=[document.pk for document in made]).update(uploaded_at=at, created_at=at)

    def _targets(self, consultations, is_current, council, rng) -> list[str]:
        if not is_current:
            return [
                State.CANCELLED if roll < 0.05 else State.PROPOSALS_COMPILED if roll < 0.1 else State.POSITION_PUBLISHED
                for roll in (rng.random() for _ in consultations)
            ]
        if council.slug == DEMO_COUNCIL:
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
        return targets

    # -----------------------------------------------------------------------------------------------------
    def _run(self, consultation, topic, target, meeting, public_from, by, people, rng, is_current) -> None:
        """Take the consultation to `target`, each step dated as it would have happened."""
        if target == State.CANCELLED:
            stop_before = rng.choice([State.DECIDED, State.ANNOUNCED, State.HELD])
            self._run(consultation, topic, stop_before, meeting, public_from, by, people, rng, is_current)
            workflow.cancel(
                consultation,
                by=by,
                reason_kk="Мәселені мемлекеттік орган консультацияға дейін шешті, оны өткізу қажеттілігі жойылды.",
                reason_ru="Вопрос решён государственным органом до консультации, необходимость в её проведении отпала.",
                occurred_on=self._after_last(consultation, 3),
            )
            return
        if target == State.PLANNED:
            self._set_dates(consultation, opens=self.today + datetime.timedelta(days=rng.randint(20, 35)), rng=rng)
            return
        workflow.decide(consultation, by=by, meeting=meeting)
        if target == State.DECIDED:
            self._set_dates(consultation, opens=self.today + datetime.timedelta(days=rng.randint(15, 30)), rng=rng)
            return
        workflow.approve_questions(consultation, by=by, meeting=meeting)
        if target == State.QUESTIONS_APPROVED:
            self._set_dates(consultation, opens=self.today + datetime.timedelta(days=rng.randint(10, 25)), rng=rng)
            if is_current and consultation.schedule.council.slug == DEMO_COUNCIL:
                # The demo secretary finds step 3 written and waiting for tomorrow morning, to change or publish.
                workflow.schedule_announcement(
                    consultation, by=by, publish_at=d(self.today + datetime.timedelta(days=1), 10)
                )
            return

        # Step 3 onwards: work out the dates backwards from today when the step is still under way.
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
        self._set_dates(consultation, opens=opens, closes=closes, rng=rng)

        workflow.announce(consultation, by=by, occurred_on=announce_on)
        self._record_external(
            consultation_announcement(consultation), announce_on, consultation.schedule.council, by, rng
        )
        if target == State.ANNOUNCED:
            return
        workflow.open_intake(consultation, by=None, occurred_on=opens)
        past_intake = target != State.HELD
        self._proposals(consultation, topic, people, rng, sorted_all=past_intake)
        if target == State.HELD:
            return

        compiled_on = min(closes + datetime.timedelta(days=rng.randint(1, 6)), self.today)
        workflow.compile_proposals(consultation, by=by, occurred_on=compiled_on)
        if target == State.PROPOSALS_COMPILED:
            return
        last = compiled_on
        if consultation.is_draft_act:
            last = min(compiled_on + datetime.timedelta(days=rng.randint(2, 7)), self.today)
            self._recommendation(consultation, topic, rng, last, answered=target == State.POSITION_PUBLISHED)
            workflow.draft_recommendation(consultation, by=by, occurred_on=last)
            if target == State.RECOMMENDATION_DRAFTED:
                return
        self._decisions(consultation, by, rng)
        Position.objects.create(
            consultation=consultation, text_kk=topic["position"]["kk"], text_ru=topic["position"]["ru"]
        )
        position_on = min(last + datetime.timedelta(days=rng.randint(3, 14)), self.today)
        workflow.publish_position(consultation, by=by, occurred_on=position_on)
        self._record_external(results_announcement(consultation), position_on, consultation.schedule.council, by, rng)

    def _after_last(self, consultation, days: int) -> datetime.date:
        last = consultation.transitions.order_by("-occurred_on").values_list("occurred_on", flat=True).first()
        return min((last or self.today) + datetime.timedelta(days=days), self.today)

    def _set_dates(self, consultation, *, opens, closes=None, rng) -> None:
        closes = closes or opens + datetime.timedelta(days=rng.randint(14, 21))
        consultation.window_opens_at = d(opens, 9)
        consultation.window_closes_at = d(closes, 18)
        consultation.starts_on = opens
        consultation.ends_on = closes
        consultation.save()

    def _record_external(self, announcement, day, council, by, rng) -> None:
        # Most publications are also made in social networks or the media (the recommendations, step 3).
        if announcement is None or rng.random() < 0.12:
            return
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
            newspaper = own.choice(newspapers)
            record_publication(
                announcement,
                by=by,
                outlet_kind=Delivery.OutletKind.NEWSPAPER,
                outlet=newspaper,
                published_on=published_on,
                scan=ContentFile(placeholder_scan(published_on), name="scan.pdf"),
            )
            return
        record_publication(
            announcement,
            by=by,
            outlet_kind=Delivery.OutletKind.SOCIAL,
            outlet=outlet,
            link=f"{base}qogam.{council.slug}/{announcement.pk}",
            published_on=published_on,
        )

    # -----------------------------------------------------------------------------------------------------
    def _proposals(self, consultation, topic, people, rng, *, sorted_all: bool) -> None:
        count = rng.randint(1, 40)
        opens = consultation.window_opens_at
        span = min(consultation.window_closes_at, timezone.now()) - opens
        year_refs: dict[int, list[str]] = {}
        stamps = sorted(opens + span * rng.random() for _ in range(count))
        for stamp in stamps:
            year_refs.setdefault(stamp.year, [])
        for year in year_refs:
            year_refs[year] = allocate_references(year, sum(1 for s in stamps if s.year == year))
        questions = list(consultation.questions.all())
        texts_pool = topic["proposals"]
        proposals = []
        for n, stamp in enumerate(stamps):
            roll = rng.random()
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
                matching = [o for o in texts.ORGANISATIONS if o["kind"] == kind] or texts.ORGANISATIONS
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
            proposals.append(
                Proposal(
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
                    consent_text=self.consent if channel == "portal" else None,
                    consent_given_at=stamp if channel == "portal" else None,
                    consent_operator=self.consent.operator if channel == "portal" else "",
                    submitted_at=stamp,
                )
            )
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

    def _decisions(self, consultation, by, rng) -> None:
        decided_at = timezone.now()
        listed = list(consultation.proposals.filter(moderation="listed"))
        for proposal in listed:
            decision = rng.choices(list(Proposal.Decision.values), weights=[4, 3, 3])[0]
            reasons = texts.DECISION_REASONS[decision][rng.randrange(len(texts.DECISION_REASONS[decision]))]
            proposal.decision = decision
            proposal.decision_reasons_kk = reasons["kk"]
            proposal.decision_reasons_ru = reasons["ru"]
            proposal.decided_at = decided_at
            proposal.decided_by = by
        Proposal.objects.bulk_update(
            listed, ["decision", "decision_reasons_kk", "decision_reasons_ru", "decided_at", "decided_by"]
        )

    def _recommendation(self, consultation, topic, rng, drafted_on, *, answered: bool) -> None:
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
        listed = list(consultation.proposals.filter(moderation="listed"))
        for number, point_text in enumerate(topic["recommendation_points"], start=1):
            answer_kind = rng.choice(["accepted", "partly", "rejected"]) if answer_on else ""
            reasons = texts.STATE_BODY_ANSWERS[answer_kind][rng.randrange(4)] if answer_kind else {"kk": "", "ru": ""}
            point = RecommendationPoint.objects.create(
                recommendation=recommendation,
                number=number,
                text_kk=point_text["kk"],
                text_ru=point_text["ru"],
                answer=answer_kind,
                answer_reasons_kk=reasons["kk"],
                answer_reasons_ru=reasons["ru"],
            )
            if listed:
                point.proposals.set(rng.sample(listed, min(len(listed), rng.randint(1, 3))))
        if rng.random() < 0.6:
            request = texts.INFORMATION_REQUESTS[rng.randrange(len(texts.INFORMATION_REQUESTS))]
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
                topic_kk="Азаматтарды жеке қабылдау" if n else "Қоғамдық кеңестің қызметі туралы",
                topic_ru="Личный приём граждан" if n else "О деятельности общественного совета",
            )
        news = texts.NEWS[rng.randrange(len(texts.NEWS))]
        announcement = create_announcement(
            council=council,
            event=Announcement.Event.NEWS_PUBLISHED,
            subject=None,
            title_kk=news["title"]["kk"],
            title_ru=news["title"]["ru"],
            text_kk=news["text"]["kk"],
            text_ru=news["text"]["ru"],
            path=f"/councils/{council.slug}/",
        )
        publish_on_portal(announcement, at=d(self.today - datetime.timedelta(days=rng.randint(1, 20)), 16))

    # -----------------------------------------------------------------------------------------------------
    def _accounts(self) -> None:
        """The ministry's demo accounts; the councils' ones are made with their people."""
        from django.contrib.auth.models import Group

        from qogam.roles import MINISTRY_GROUP

        self._account("admin", is_staff=True, is_superuser=True)
        ministry = self._account("ministry", is_staff=True)
        ministry.groups.add(Group.objects.get(name=MINISTRY_GROUP))
        self.stats.accounts = DEMO_ACCOUNTS

    def _account(self, username: str, **flags):
        """A demo account gets the demo password; the other councils' secretaries, who only carry the
        demo's history, get none (nobody signs in with them)."""
        user, created = self.user_model.objects.get_or_create(username=username, defaults=flags)
        if created:
            if username in DEMO_ACCOUNTS:
                user.set_password(self.password)
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
