"""A country's worth of data, for the benchmarks of issue 16: written in minutes by PostgreSQL COPY.

    python bench/seed_national.py --database-url postgresql://postgres@127.0.0.1:5432/qogam_bench [--scale 1.0]

On an empty, migrated PostgreSQL database it writes, at scale 1: the 20 regions and 300 councils (the 20
regional councils and the 19 ministries' councils of `demo/data`, then numbered district councils beside
each region's akimat), their memberships (a secretary and a chair with accounts, ten members, fourteen in a
ministry's council) and meetings, 8 quarters of published schedules (the current quarter and the 7 before
it), 20,000 consultations in the states their dates imply, with the workflow's log (one row per step
reached), questions, recommendations, positions and the announcements those steps publish, and 1,000,000
proposals with their references — one consultation, open for proposals now, with 50,000, and one as large
whose position was published two quarters ago (for the results page; `--no-published-largest` leaves it
out). `--scale 0.01` writes a hundredth of it (the tests).

Nothing goes through the workflow or the ORM's save(): rows are built as the workflow would leave them and
streamed to COPY table by table (generators; the consultations' plan, one small record each, is the only
thing held in memory). It prints the time per table and the peak RSS, and fails above `--max-rss-mb`.

Not written: proposal history (ProposalEvent), the PDFs (RenderedDocument). Deliveries: the portal's for every
announcement, and a Telegram post for most of them (9 in 10; a few posted days later), so that the compliance
review finds announcements published outside the portal, in time and late, as it would in real use.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import random
import resource
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "demo" / "data"

COUNCILS = 300
QUARTERS = 8
CONSULTATIONS = 20_000
PROPOSALS = 1_000_000
LARGEST = 50_000
MEMBERS = 10  # besides the chair and the secretary
MAX_RSS_MB = 500


@dataclass
class Plan:
    """One consultation, as planned before its rows are written (the only per-consultation state in memory)."""

    id: int
    council: int  # index into the councils
    schedule_id: int
    year: int
    quarter: int
    number: int
    occasion: str
    opens: datetime.datetime
    closes: datetime.datetime
    steps: list = field(default_factory=list)  # [(name, from, to, date, meeting_id, by_user or None)]
    state: str = "planned"
    first_question: int = 0
    questions: int = 0
    proposals: int = 0
    first_proposal: int = 0


# ---------------------------------------------------------------------------------------------------------
# Writing


class Writer:
    """COPY into a model's table: the columns each row gives, the others filled as Django would fill them."""

    def __init__(self, pg, out=sys.stdout):
        self.pg = pg
        self.out = out
        self.timings: list[tuple[str, int, float]] = []
        self.now = None

    def copy(self, model, columns: list[str], rows, *, table: str | None = None) -> int:
        from django.utils import timezone

        now = self.now or timezone.now()
        table = table or model._meta.db_table
        fixed = {}
        if model is not None:
            for f in model._meta.concrete_fields:
                if f.column in columns:
                    continue
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    fixed[f.column] = now
                elif f.primary_key:
                    raise ValueError(f"{table}: give the ids")
                elif f.has_default():
                    if callable(f.default) and f.unique:
                        raise ValueError(f"{table}.{f.column}: unique default, give it per row")
                    fixed[f.column] = f.get_default()
                elif f.null:
                    fixed[f.column] = None
                elif f.get_internal_type() in (
                    "CharField",
                    "TextField",
                    "SlugField",
                    "URLField",
                    "EmailField",
                    "FileField",
                ):
                    fixed[f.column] = ""
                else:
                    raise ValueError(f"{table}.{f.column}: no value")
        names = [*columns, *fixed]
        tail = tuple(fixed.values())
        started = time.monotonic()
        count = 0
        with self.pg.cursor() as cursor:
            sql = f"COPY {table} ({', '.join(names)}) FROM STDIN"
            with cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row((*row, *tail))
                    count += 1
        elapsed = time.monotonic() - started
        self.timings.append((table, count, elapsed))
        print(f"  {table:<45} {count:>10,} rows {elapsed:8.1f} s", file=self.out, flush=True)
        return count


def next_id(pg, table: str) -> int:
    with pg.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


# ---------------------------------------------------------------------------------------------------------
# Texts

TEXTS_KK = [
    "Аулаларды абаттандыру жұмыстарын жалғастыру және балалар алаңдарын жаңарту керек.",
    "Қоғамдық көлік кестесін жұмыс уақытына сәйкестендіруді ұсынамын.",
    "Жобаға мүгедектігі бар адамдардың қолжетімділігі туралы бөлім қосу қажет.",
    "Ауылдық елді мекендердегі интернет байланысын жақсарту мәселесін қарастыру керек.",
    "Жобаның 5-тармағын нақтылап, мерзімдерді көрсету қажет.",
    "Мектептердегі ыстық тамақ сапасын бақылауды күшейтуді ұсынамын.",
]
TEXTS_RU = [
    "Предлагаю продолжить благоустройство дворов и обновить детские площадки.",
    "Прошу согласовать расписание общественного транспорта с началом рабочего дня.",
    "В проект нужно добавить раздел о доступности для людей с инвалидностью.",
    "Следует рассмотреть улучшение интернет-связи в сельских населённых пунктах.",
    "Пункт 5 проекта стоит уточнить и указать сроки.",
    "Предлагаю усилить контроль качества горячего питания в школах.",
]
TOPICS = [
    ("Аулаларды абаттандыру бағдарламасы", "Программа благоустройства дворов"),
    ("Қоғамдық көлік қызметінің сапасы", "Качество услуг общественного транспорта"),
    ("Бұйрықтың жобасы: мемлекеттік қызмет көрсету қағидалары", "Проект приказа: правила оказания госуслуги"),
    ("Азаматтардың өтініштерін қарау", "Рассмотрение обращений граждан"),
    ("Жастар саясатының жол картасы", "Дорожная карта молодёжной политики"),
    ("Денсаулық сақтау нысандарының қолжетімділігі", "Доступность объектов здравоохранения"),
    ("Бюджеттік бағдарламаның жобасы", "Проект бюджетной программы"),
    ("Экологиялық мониторинг нәтижелері", "Итоги экологического мониторинга"),
]
FIRST_NAMES = ["Айгүл", "Ерлан", "Динара", "Нұрлан", "Сәуле", "Бауыржан", "Гүлнар", "Асқар", "Жанар", "Марат"]
LAST_NAMES = ["Серікқызы", "Ахметов", "Жұмабаева", "Қасымов", "Омарова", "Төлеуов", "Исаева", "Бекова"]
DECISIONS = ["taken_into_account", "partly_taken", "not_taken"]
REASONS = {
    "taken_into_account": ("Ұсыныс орынды, ескерілді.", "Предложение обоснованно и учтено."),
    "partly_taken": ("Ұсыныс ішінара ескерілді.", "Предложение учтено частично."),
    "not_taken": ("Ұсыныс жобаның мәніне қатысты емес.", "Предложение не относится к предмету проекта."),
}


def read_csv(name: str) -> list[dict]:
    import csv

    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------------------------------------------------
# The plan


def quarters_back(today: datetime.date, count: int) -> list[tuple[int, int]]:
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        out.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return out[::-1]


def councils_list(count: int) -> list[dict]:
    """The 20 regional councils and 19 ministries' councils by their official names, then numbered district
    councils beside each region's akimat (no name is invented: the akimat's and the council's are the real
    ones, with a number)."""
    regions = read_csv("councils.csv")
    bodies = read_csv("state-bodies.csv")
    out = []
    for r in regions:
        level = "city" if r["level"] == "city" else "oblast"
        out.append(
            {
                "slug": r["slug"],
                "level": level,
                "region": r["slug"],
                "name": (r["council_kk"], r["council_ru"]),
                "body": (r["akimat_kk"], r["akimat_ru"]),
            }
        )
    for b in bodies:
        out.append(
            {
                "slug": b["slug"],
                "level": "central",
                "region": None,
                "name": (b["council_kk"], b["council_ru"]),
                "body": (b["body_kk"], b["body_ru"]),
            }
        )
    n = 1
    while len(out) < count:
        for r in regions:
            if len(out) >= count:
                break
            out.append(
                {
                    "slug": f"{r['slug']}-{n}",
                    "level": "district",
                    "region": r["slug"],
                    "name": (f"{r['council_kk']} № {n}", f"{r['council_ru']} № {n}"),
                    "body": (f"{r['akimat_kk']} № {n}", f"{r['akimat_ru']} № {n}"),
                }
            )
        n += 1
    # At a small scale, take regional, central and district councils alike.
    if count < len(regions) + len(bodies):
        out = [out[i * (len(out) // count)] for i in range(count)]
    return out[:count]


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def seed(
    *,
    scale: float = 1.0,
    seed_value: int = 16,
    out=sys.stdout,
    max_rss_mb: int = MAX_RSS_MB,
    published_largest: bool = True,
) -> dict:
    """Write the national data set into Django's default database (PostgreSQL, empty of councils).

    With `published_largest`, a second consultation has as many proposals as the largest, its position published
    two quarters ago: the results page of 50,000 proposals (issue 16, item 3) has one to show."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone, translation

    from consultations.models import (
        Consultation,
        ConsultationTransition,
        Position,
        QuarterlySchedule,
        Question,
        Recommendation,
        RecommendationPoint,
        ScheduleTransition,
        quarter_bounds,
    )
    from councils.models import Council, Meeting, Membership, Region
    from proposals.models import ConsentText, Proposal, ReferenceCounter
    from publications.models import Announcement, Delivery

    started = time.monotonic()
    rng = random.Random(seed_value)
    if connection.vendor != "postgresql":
        raise SystemExit("The national seeder writes with PostgreSQL's COPY: point DATABASE_URL at PostgreSQL.")
    if Council.objects.exists():
        raise SystemExit("The database already has councils: seed an empty, migrated database.")
    connection.ensure_connection()
    pg = connection.connection
    w = Writer(pg, out)
    now = timezone.now()
    w.now = now
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)

    def at(date: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=tz)

    n_councils = max(2, round(COUNCILS * scale))
    n_consultations = max(QUARTERS * n_councils, round(CONSULTATIONS * scale))
    n_proposals = max(100, round(PROPOSALS * scale))
    largest = max(50, round(LARGEST * scale))
    print(
        f"Seeding {n_councils} councils, {QUARTERS} quarters, {n_consultations:,} consultations, "
        f"{n_proposals:,} proposals (one consultation open now with {largest:,}"
        f"{', one published with as many' if published_largest else ''}); today {today}",
        file=out,
        flush=True,
    )

    # --- Who: users, regions, councils, memberships ---------------------------------------------------
    councils = councils_list(n_councils)
    user0 = next_id(pg, "auth_user")
    # Two accounts per council: its secretary and its chair (unusable passwords: nobody signs in as them).
    w.copy(
        None,
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        ],
        (
            (
                user0 + 2 * i + k,
                "!",
                False,
                f"{role}-{c['slug']}",
                "",
                "",
                f"{role}-{c['slug']}@example.test",
                False,
                True,
                now,
            )
            for i, c in enumerate(councils)
            for k, role in enumerate(("secretary", "chair"))
        ),
        table="auth_user",
    )
    secretary = [user0 + 2 * i for i in range(n_councils)]
    chair_user = [user0 + 2 * i + 1 for i in range(n_councils)]

    region_rows = read_csv("councils.csv")
    region0 = next_id(pg, Region._meta.db_table)
    region_id = {r["slug"]: region0 + i for i, r in enumerate(region_rows)}
    w.copy(
        Region,
        ["id", "slug", "name", "name_kk", "name_ru", "kind", "centre", "centre_kk", "centre_ru"],
        (
            (
                region_id[r["slug"]],
                r["slug"],
                r["region_kk"],
                r["region_kk"],
                r["region_ru"],
                "city" if r["level"] == "city" else "oblast",
                r["centre_kk"],
                r["centre_kk"],
                r["centre_ru"],
            )
            for r in region_rows
        ),
    )
    council0 = next_id(pg, Council._meta.db_table)
    council_id = [council0 + i for i in range(n_councils)]
    term = (datetime.date(today.year - 2, 1, 1), datetime.date(today.year + 1, 12, 31))
    w.copy(
        Council,
        [
            "id",
            "name",
            "name_kk",
            "name_ru",
            "slug",
            "level",
            "region_id",
            "state_body",
            "state_body_kk",
            "state_body_ru",
            "email",
            "term_starts_on",
            "term_ends_on",
        ],
        (
            (
                council_id[i],
                c["name"][0],
                c["name"][0],
                c["name"][1],
                c["slug"],
                c["level"],
                region_id[c["region"]] if c["region"] else None,
                c["body"][0],
                c["body"][0],
                c["body"][1],
                f"council-{c['slug']}@example.test",
                *term,
            )
            for i, c in enumerate(councils)
        ),
    )
    member0 = next_id(pg, Membership._meta.db_table)
    # A secretary, a chair and ten members; a central state body's council has 15 to 30 members by law.
    per_council = 16

    def size(i: int) -> int:
        return per_council if councils[i]["level"] == "central" else MEMBERS + 2

    kinds = ["civil_society"] * 7 + ["state_body"] * 2 + ["quasi_public"]

    def membership_rows():
        for i in range(n_councils):
            base = member0 + i * per_council
            for k in range(size(i)):
                name = f"{FIRST_NAMES[(i + k) % 10]} {LAST_NAMES[(i * 3 + k) % 8]}"  # a name reads alike in both
                if k == 0:
                    role, kind, user = "secretary", "", secretary[i]
                elif k == 1:
                    role, kind, user = "chair", "civil_society", chair_user[i]
                else:
                    role, kind, user = "member", kinds[k % len(kinds)], None
                org = f"«{LAST_NAMES[k % 8]} және серіктестер-{k}» ЖШС" if kind else ""  # one organisation each
                yield (base + k, name, name, name, role, kind, org, org, org or None, term[0], council_id[i], user)

    w.copy(
        Membership,
        [
            "id",
            "full_name",
            "full_name_kk",
            "full_name_ru",
            "role",
            "kind",
            "organisation",
            "organisation_kk",
            "organisation_ru",
            "started_on",
            "council_id",
            "user_id",
        ],
        membership_rows(),
    )

    # --- Meetings: three a quarter per council (the schedule's and steps 1–2) --------------------------
    quarters = quarters_back(today, QUARTERS)
    meeting0 = next_id(pg, Meeting._meta.db_table)
    offsets = (-20, 30, 70)  # days from the quarter's first day; the last may still be to come

    def meeting_id(ci: int, qi: int, k: int) -> int:
        return meeting0 + (ci * QUARTERS + qi) * len(offsets) + k

    def meeting_date(qi: int, k: int) -> datetime.date:
        return quarter_bounds(*quarters[qi])[0] + datetime.timedelta(days=offsets[k])

    agenda = ("Қоғамдық консультацияларды өткізу туралы", "О проведении общественных консультаций")

    def meeting_rows():
        for ci in range(n_councils):
            for qi in range(QUARTERS):
                for k in range(len(offsets)):
                    date = meeting_date(qi, k)
                    number = str(qi * len(offsets) + k + 1)
                    held = date <= today
                    yield (
                        meeting_id(ci, qi, k),
                        date,
                        datetime.time(15, 0),
                        "Мәжіліс залы",
                        "Мәжіліс залы",
                        "Зал заседаний",
                        agenda[0],
                        agenda[0],
                        agenda[1],
                        number if held else "",
                        at(date - datetime.timedelta(days=7), 10),
                        council_id[ci],
                    )

    w.copy(
        Meeting,
        [
            "id",
            "date",
            "start_time",
            "place",
            "place_kk",
            "place_ru",
            "agenda",
            "agenda_kk",
            "agenda_ru",
            "protocol_number",
            "agenda_published_at",
            "council_id",
        ],
        meeting_rows(),
    )
    attendees0 = next_id(pg, "councils_meeting_attendees")

    def attendee_rows():
        n = attendees0
        for ci in range(n_councils):
            for qi in range(QUARTERS):
                for k in range(len(offsets)):
                    if meeting_date(qi, k) > today:
                        continue
                    # Every counted member but one: a quorum (two thirds), not unanimity.
                    for m in range(1, size(ci) - 1):
                        yield (n, meeting_id(ci, qi, k), member0 + ci * per_council + m)
                        n += 1

    w.copy(None, ["id", "meeting_id", "membership_id"], attendee_rows(), table="councils_meeting_attendees")

    # --- Schedules: published, one per council and quarter ---------------------------------------------
    schedule0 = next_id(pg, QuarterlySchedule._meta.db_table)

    def schedule_id(ci: int, qi: int) -> int:
        return schedule0 + ci * QUARTERS + qi

    w.copy(
        QuarterlySchedule,
        ["id", "year", "quarter", "state", "revision", "published_revision", "council_id"],
        (
            (schedule_id(ci, qi), y, q, "published", 1, 1, council_id[ci])
            for ci in range(n_councils)
            for qi, (y, q) in enumerate(quarters)
        ),
    )
    st0 = next_id(pg, ScheduleTransition._meta.db_table)

    def schedule_transition_rows():
        n = st0
        for ci in range(n_councils):
            for qi in range(QUARTERS):
                approved = meeting_date(qi, 0)
                published = approved + datetime.timedelta(days=1)
                yield (
                    n,
                    "draft",
                    "approved",
                    at(approved, 16),
                    approved,
                    "",
                    1,
                    secretary[ci],
                    meeting_id(ci, qi, 0),
                    schedule_id(ci, qi),
                )
                yield (
                    n + 1,
                    "approved",
                    "published",
                    at(published, 10),
                    published,
                    "",
                    1,
                    secretary[ci],
                    None,
                    schedule_id(ci, qi),
                )
                n += 2

    w.copy(
        ScheduleTransition,
        [
            "id",
            "from_state",
            "to_state",
            "recorded_at",
            "occurred_on",
            "note",
            "revision",
            "by_id",
            "meeting_id",
            "schedule_id",
        ],
        schedule_transition_rows(),
    )

    # --- The plan of the consultations -------------------------------------------------------------------
    consultation0 = next_id(pg, Consultation._meta.db_table)
    per_schedule = split(n_consultations, n_councils * QUARTERS)
    occasions = ["draft_act"] * 4 + ["initiative"] * 3 + ["appeal"] * 2 + ["reception"]
    plans: list[Plan] = []
    question0 = next_id(pg, Question._meta.db_table)
    next_question = question0
    cid = consultation0
    # The consultation with the most proposals: open now, in the current quarter, in the middle council.
    big_council = n_councils // 2
    bigs: list[Plan] = []  # the published one, if asked for
    for ci in range(n_councils):
        for qi, (year, quarter) in enumerate(quarters):
            first, last = quarter_bounds(year, quarter)
            span = (last - first).days - 15
            for number in range(1, per_schedule[ci * QUARTERS + qi] + 1):
                starts = first + datetime.timedelta(days=rng.randint(0, span))
                opens = at(starts, 9)
                closes = at(starts + datetime.timedelta(days=14), 18)
                is_big = ci == big_council and qi == QUARTERS - 1 and number == 1
                is_big_published = published_largest and ci == big_council and qi == QUARTERS - 3 and number == 1
                if is_big:
                    opens = at(today - datetime.timedelta(days=7), 9)
                    closes = at(today + datetime.timedelta(days=7), 18)
                plan = Plan(cid, ci, schedule_id(ci, qi), year, quarter, number, rng.choice(occasions), opens, closes)
                plan_steps(
                    plan, qi, rng, today, now, meeting_date, meeting_id, secretary[ci], at, is_big or is_big_published
                )
                if is_big:
                    big = plan
                if is_big_published:
                    bigs.append(plan)
                if plan.state != "planned":
                    plan.first_question, plan.questions = next_question, rng.randint(1, 3)
                    next_question += plan.questions
                plans.append(plan)
                cid += 1
    assert big.state == "held", big.state
    assert all(p.state == "position_published" for p in bigs)
    bigs.insert(0, big)

    # --- Proposals per consultation: one with `largest`, the rest skewed over those with an intake ------
    with_intake = [p for p in plans if p not in bigs and p.state in INTAKE_STATES]
    weights = [rng.lognormvariate(0, 1) for _ in with_intake]
    rest = n_proposals - largest * len(bigs)
    total_weight = sum(weights)
    shares = [rest * x / total_weight for x in weights]
    counts = [int(s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)[: rest - sum(counts)]:
        counts[i] += 1
    for p, c in zip(with_intake, counts, strict=True):
        p.proposals = min(c, largest - 1)  # never as many as the largest
    for p in bigs:
        p.proposals = largest
    spill = n_proposals - sum(p.proposals for p in plans)
    for p in with_intake:
        if spill <= 0:
            break
        extra = min(spill, largest - 1 - p.proposals)
        p.proposals += extra
        spill -= extra
    proposal0 = next_id(pg, Proposal._meta.db_table)
    n = proposal0
    for p in plans:
        p.first_proposal = n
        n += p.proposals

    # --- Consultations -------------------------------------------------------------------------------------
    with translation.override("kk"):
        detail_prefix = reverse("consultations:detail", kwargs={"slug": "x"}).removeprefix("/kk")[:-2]

    def consultation_rows():
        for p in plans:
            c = councils[p.council]
            topic = TOPICS[(p.id + p.number) % len(TOPICS)]
            title = (
                f"{topic[0]} ({p.year}, {p.quarter}-тоқсан, № {p.number})",
                f"{topic[1]} ({p.year}, {p.quarter} квартал, № {p.number})",
            )
            description = (
                f"{c['body'][0]} жанындағы қоғамдық кеңес азаматтардың пікірін сұрайды.",
                f"Общественный совет при органе «{c['body'][1]}» спрашивает мнение граждан.",
            )
            draft = p.occasion == "draft_act"
            act_title = ("Бұйрықтың жобасы", "Проект приказа") if draft else ("", "")
            act_number = f"ДП-{p.year}-{p.id:05d}" if draft else ""
            act_url = f"https://legalacts.egov.kz/npa/view?id={p.id}" if draft else ""
            cancelled = p.state == "cancelled"
            reason = ("Мемлекеттік орган жобаны қайтарып алды.", "Государственный орган отозвал проект.")
            search = " ".join([*title, *act_title, *description, act_number]).casefold()
            yield (
                p.id,
                p.number,
                1,
                f"{c['slug']}-{p.year}-q{p.quarter}-{p.number}",
                p.occasion,
                p.state,
                title[0],
                *title,
                description[0],
                *description,
                act_title[0],
                *act_title,
                act_number,
                act_url,
                c["body"][0] if draft else "",
                c["body"][0] if draft else "",
                c["body"][1] if draft else "",
                "mixed",
                "Әкімдіктің мәжіліс залы",
                "Әкімдіктің мәжіліс залы",
                "Зал заседаний акимата",
                "https://meet.example.test/qogam",
                "Ұсыныстарды порталда жіберіңіз.",
                "Ұсыныстарды порталда жіберіңіз.",
                "Направляйте предложения на портале.",
                p.opens.date(),
                p.closes.date(),
                p.opens,
                p.closes,
                reason[0] if cancelled else "",
                reason[0] if cancelled else None,
                reason[1] if cancelled else None,
                p.steps[-1][3] if p.steps else None,
                search,
                p.schedule_id,
            )

    w.copy(
        Consultation,
        [
            "id",
            "number",
            "revision",
            "slug",
            "occasion",
            "state",
            "title",
            "title_kk",
            "title_ru",
            "description",
            "description_kk",
            "description_ru",
            "act_title",
            "act_title_kk",
            "act_title_ru",
            "act_number",
            "act_url",
            "act_drafted_by",
            "act_drafted_by_kk",
            "act_drafted_by_ru",
            "format",
            "venue",
            "venue_kk",
            "venue_ru",
            "link",
            "participation",
            "participation_kk",
            "participation_ru",
            "starts_on",
            "ends_on",
            "window_opens_at",
            "window_closes_at",
            "cancellation_reason",
            "cancellation_reason_kk",
            "cancellation_reason_ru",
            "state_since",
            "search_text",
            "schedule_id",
        ],
        consultation_rows(),
    )
    questions = [
        ("Жоба туралы қандай ұсыныстарыңыз бар?", "Какие у вас предложения по проекту?"),
        ("Қандай мәселелерді бірінші кезекте шешу керек?", "Какие проблемы нужно решить в первую очередь?"),
        ("Жобаның қандай тармақтарын өзгерту керек?", "Какие пункты проекта нужно изменить?"),
    ]
    w.copy(
        Question,
        ["id", "position", "text", "text_kk", "text_ru", "consultation_id"],
        (
            (p.first_question + k, k + 1, questions[k][0], *questions[k], p.id)
            for p in plans
            for k in range(p.questions)
        ),
    )
    transition0 = next_id(pg, ConsultationTransition._meta.db_table)

    def transition_rows():
        n = transition0
        for p in plans:
            for k, (name, source, target, date, meeting, by, note, moved) in enumerate(p.steps):
                yield (n, name, source, target, at(date, 12, k), date, meeting, by, note, moved, p.id)
                n += 1

    w.copy(
        ConsultationTransition,
        [
            "id",
            "name",
            "from_state",
            "to_state",
            "recorded_at",
            "occurred_on",
            "meeting_id",
            "by_id",
            "note",
            "window_moved_from",
            "consultation_id",
        ],
        transition_rows(),
    )
    drafted = [p for p in plans if any(s[2] == "recommendation_drafted" for s in p.steps)]
    recommendation0 = next_id(pg, Recommendation._meta.db_table)
    w.copy(
        Recommendation,
        ["id", "introduction", "introduction_kk", "introduction_ru", "consultation_id"],
        (
            (recommendation0 + i, "Кеңес ұсынады:", "Кеңес ұсынады:", "Совет рекомендует:", p.id)
            for i, p in enumerate(drafted)
        ),
    )
    point0 = next_id(pg, RecommendationPoint._meta.db_table)
    w.copy(
        RecommendationPoint,
        ["id", "number", "text", "text_kk", "text_ru", "recommendation_id"],
        (
            (point0 + i, 1, "Жобаны пысықтау.", "Жобаны пысықтау.", "Доработать проект.", recommendation0 + i)
            for i in range(len(drafted))
        ),
    )
    position0 = next_id(pg, Position._meta.db_table)
    published = [p for p in plans if p.state == "position_published"]
    position_text = (
        "Кеңес ұсыныстарды қарады және өз ұстанымын жариялайды.",
        "Совет рассмотрел предложения и публикует свою позицию.",
    )
    w.copy(
        Position,
        ["id", "text", "text_kk", "text_ru", "consultation_id"],
        ((position0 + i, position_text[0], *position_text, p.id) for i, p in enumerate(published)),
    )

    # --- Announcements and their portal deliveries ----------------------------------------------------
    consultation_type = ContentType.objects.get_for_model(Consultation).pk
    schedule_type = ContentType.objects.get_for_model(QuarterlySchedule).pk
    announcement0 = next_id(pg, Announcement._meta.db_table)

    def announcements():
        """(id, council, event, subject type, subject id, title kk/ru, text kk/ru, path, at, by)"""
        n = announcement0
        for ci, c in enumerate(councils):
            for qi, (year, quarter) in enumerate(quarters):
                date = meeting_date(qi, 0) + datetime.timedelta(days=1)
                yield (
                    n,
                    council_id[ci],
                    "schedule.published",
                    schedule_type,
                    schedule_id(ci, qi),
                    f"{year} жылғы {quarter}-тоқсанның қоғамдық консультациялар кестесі",
                    f"График общественных консультаций на {quarter} квартал {year} года",
                    "Кеңес кестені бекітті және жариялады.",
                    "Совет утвердил и опубликовал график.",
                    f"/councils/{c['slug']}/#schedule-heading",
                    at(date, 10),
                    secretary[ci],
                )
                n += 1
        for p in plans:
            slug = f"{councils[p.council]['slug']}-{p.year}-q{p.quarter}-{p.number}"
            for name, _source, _target, date, *_rest in p.steps:
                if name == "announce":
                    yield (
                        n,
                        council_id[p.council],
                        "consultation.announced",
                        consultation_type,
                        p.id,
                        "Қоғамдық консультация туралы хабарландыру",
                        "Объявление об общественной консультации",
                        "Ұсыныстарыңызды порталда жіберіңіз.",
                        "Направляйте свои предложения на портале.",
                        f"{detail_prefix}{slug}/",
                        at(date, 10),
                        secretary[p.council],
                    )
                elif name == "publish_position":
                    yield (
                        n,
                        council_id[p.council],
                        "results.published",
                        consultation_type,
                        p.id,
                        "Қоғамдық консультацияның нәтижелері",
                        "Итоги общественной консультации",
                        "Кеңес ұсыныстар бойынша шешімдерін жариялады.",
                        "Совет опубликовал решения по предложениям.",
                        f"{detail_prefix}{slug}/results/",
                        at(date, 10),
                        secretary[p.council],
                    )
                else:
                    continue
                n += 1

    w.copy(
        Announcement,
        [
            "id",
            "council_id",
            "event",
            "subject_type_id",
            "subject_id",
            "title_kk",
            "title_ru",
            "text_kk",
            "text_ru",
            "path",
            "published_at",
            "created_by_id",
            "title",
            "text",
        ],
        ((*a, a[5], a[7]) for a in announcements()),
    )
    delivery0 = next_id(pg, Delivery._meta.db_table)

    def deliveries():
        """(id, announcement, channel, target, state, attempts, sent at, idempotency key)"""
        ids = itertools.count(delivery0)
        for a in announcements():
            sent = [("portal", "", a[10])]
            if rng.random() < 0.9:  # posted in the council's Telegram channel: within hours, or days later
                late = rng.random() >= 0.9
                delay = (
                    datetime.timedelta(days=rng.randint(2, 9)) if late else datetime.timedelta(hours=rng.randint(1, 6))
                )
                sent.append(("telegram", "@qogam_council", a[10] + delay))
            for channel, target, at in sent:
                yield next(ids), a[0], channel, target, "sent", 1, at, uuid.UUID(int=rng.getrandbits(128), version=4)

    w.copy(
        Delivery,
        ["id", "announcement_id", "channel", "target", "state", "attempts", "sent_at", "idempotency_key"],
        deliveries(),
    )

    # --- Proposals --------------------------------------------------------------------------------------
    consent = ConsentText.objects.order_by("version").first()
    if consent is None:
        consent = ConsentText.objects.create(
            version=1, text_kk="Келісемін.", text_ru="Согласен.", operator_kk="Оператор", operator_ru="Оператор"
        )
    operators = {"kk": consent.operator_kk or consent.operator, "ru": consent.operator_ru or consent.operator}
    counters: dict[int, int] = dict(ReferenceCounter.objects.values_list("year", "last_number"))
    linked: list[tuple[int, int]] = []  # (proposal, recommendation point): a few listed proposals each

    def proposal_rows():
        point_of = {p.id: point0 + i for i, p in enumerate(drafted)}
        for p in plans:
            if not p.proposals:
                continue
            reached = {s[2]: s[3] for s in p.steps}
            window_end = min(p.closes, now)
            span = (window_end - p.opens).total_seconds()
            sorted_all = p.state != "held"
            decide_all = p.state == "position_published"
            compiled_on = reached.get("proposals_compiled")
            position_on = reached.get("position_published")
            sec, chair = secretary[p.council], chair_user[p.council]
            point = point_of.get(p.id)
            points_linked = 0
            offsets = sorted(rng.random() for _ in range(p.proposals))  # submitted in order of time
            for k in range(p.proposals):
                pid = p.first_proposal + k
                submitted = p.opens + datetime.timedelta(seconds=offsets[k] * span)
                year = submitted.astimezone(tz).year
                counters[year] = counters.get(year, 0) + 1
                language = "kk" if rng.random() < 0.55 else "ru"
                texts = TEXTS_KK if language == "kk" else TEXTS_RU
                text = texts[(pid + k) % len(texts)]
                portal = rng.random() < 0.9
                r = rng.random()
                kind, org = "citizen", ""
                if r < 0.05:
                    kind, org = "public_org", "«Азаматтық бастама» қоғамдық бірлестігі"
                elif r < 0.08:
                    kind, org = "professional_org", "«Атамекен» кәсіпкерлер палатасы"
                wants = rng.random() < 0.2
                contact = f"author{pid}@example.test" if wants or rng.random() < 0.3 else ""
                # Sorted: every proposal once the list is formed; a share of them while the intake runs.
                r = rng.random()
                if sorted_all:
                    moderation = "listed" if r < 0.85 else "set_aside"
                else:
                    moderation = "listed" if r < 0.3 else "set_aside" if r < 0.4 else "new"
                reason, duplicate_of = "", None
                if moderation == "set_aside":
                    r = rng.random()
                    if r < 0.3 and k > 0:
                        reason, duplicate_of = "duplicate", pid - 1 - rng.randrange(min(k, 20))
                    else:
                        reason = "spam" if r < 0.6 else "off_topic"
                decision, reasons, decided_at, decided_by = "", ("", None, None), None, None
                if moderation == "listed" and (decide_all or (compiled_on and rng.random() < 0.3)):
                    decision = DECISIONS[rng.randrange(3) if rng.random() < 0.5 else 0]
                    reasons = (REASONS[decision][0], *REASONS[decision])
                    decided_at = at(position_on or compiled_on, 11)
                    decided_by = chair if rng.random() < 0.3 else sec
                answered = None
                if position_on and wants and (moderation == "listed" or reason not in ("", "spam")):
                    answered = at(position_on, 10)
                if point and moderation == "listed" and points_linked < 5:
                    linked.append((pid, point))
                    points_linked += 1
                yield (
                    pid,
                    f"QG-{year}-{counters[year]:06d}",
                    rng.choice(FIRST_NAMES) + " " + rng.choice(LAST_NAMES),
                    kind,
                    org,
                    rng.random() < 0.1,
                    wants,
                    contact,
                    text,
                    language,
                    "portal" if portal else "mail",
                    moderation,
                    reason,
                    "" if not reason else "Тізімге енгізілмеді.",
                    duplicate_of,
                    consent.pk if portal else None,
                    submitted if portal else None,
                    operators[language] if portal else "",
                    decision,
                    *reasons,
                    decided_at,
                    decided_by,
                    submitted,
                    None if portal else sec,
                    p.id,
                    p.first_question + (k % p.questions) if p.questions and k % 2 else None,
                    answered,
                )

    w.copy(
        Proposal,
        [
            "id",
            "reference",
            "author_name",
            "author_kind",
            "organisation",
            "hide_name",
            "wants_answer",
            "contact",
            "text",
            "language",
            "channel",
            "moderation",
            "set_aside_reason",
            "set_aside_note",
            "duplicate_of_id",
            "consent_text_id",
            "consent_given_at",
            "consent_operator",
            "decision",
            "decision_reasons",
            "decision_reasons_kk",
            "decision_reasons_ru",
            "decided_at",
            "decided_by_id",
            "submitted_at",
            "entered_by_id",
            "consultation_id",
            "question_id",
            "answer_queued_at",
        ],
        proposal_rows(),
    )
    link0 = next_id(pg, "proposals_proposal_recommendation_points")
    w.copy(
        None,
        ["id", "proposal_id", "recommendationpoint_id"],
        ((link0 + i, pid, point) for i, (pid, point) in enumerate(linked)),
        table="proposals_proposal_recommendation_points",
    )
    with pg.cursor() as cursor:
        for year, last in counters.items():
            cursor.execute(
                "INSERT INTO proposals_referencecounter (year, last_number) VALUES (%s, %s) "
                "ON CONFLICT (year) DO UPDATE SET last_number = EXCLUDED.last_number",
                (year, last),
            )
        # Let the sequences follow the ids given, then give the planner its statistics.
        for table in [t for t, _n, _s in w.timings if t != "proposals_referencecounter"]:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        t = time.monotonic()
        cursor.execute("ANALYZE")
        print(f"  {'ANALYZE':<45} {'':>10}      {time.monotonic() - t:8.1f} s", file=out)

    elapsed = time.monotonic() - started

    def slug_of(p: Plan) -> str:
        return f"{councils[p.council]['slug']}-{p.year}-q{p.quarter}-{p.number}"

    peak_mb = peak_rss_mb()
    states: dict[str, int] = {}
    for p in plans:
        states[p.state] = states.get(p.state, 0) + 1
    summary = {
        "councils": n_councils,
        "schedules": n_councils * QUARTERS,
        "consultations": len(plans),
        "proposals": sum(p.proposals for p in plans),
        "largest": {"slug": slug_of(big), "id": big.id, "proposals": big.proposals},
        "largest_published": (
            {"slug": slug_of(bigs[1]), "id": bigs[1].id, "proposals": bigs[1].proposals} if len(bigs) > 1 else None
        ),
        "states": dict(sorted(states.items())),
        "elapsed_s": round(elapsed, 1),
        "peak_rss_mb": round(peak_mb, 1),
    }
    print(f"Consultations by state: {summary['states']}", file=out)
    for p in bigs:
        print(f"{p.proposals:,} proposals, {p.state}: /kk/consultations/{slug_of(p)}/", file=out)
    print(f"Total {elapsed:.1f} s; peak RSS {peak_mb:.0f} MB (ceiling {max_rss_mb} MB)", file=out, flush=True)
    if peak_mb > max_rss_mb:
        raise SystemExit(f"Peak RSS {peak_mb:.0f} MB is above the ceiling of {max_rss_mb} MB.")
    return summary


INTAKE_STATES = ("held", "proposals_compiled", "recommendation_drafted", "position_published")


def plan_steps(plan: Plan, qi, rng, today, now, meeting_date, meeting_id, by, at, is_big) -> None:
    """The steps the consultation has reached by now, with their dates (each never before the previous one;
    step 4 when the window opened; step 5 after it closed), as the workflow would have logged them."""
    one = datetime.timedelta(days=1)
    opens_on = plan.opens.date()
    closes_on = plan.closes.date()
    # Steps 1 and 2 at the last meeting of the quarter at least 12 days before the window opens.
    k = max([k for k in range(3) if meeting_date(qi, k) <= opens_on - 12 * one] or [0])
    meeting = meeting_date(qi, k)
    draft = plan.occasion == "draft_act"
    fate = rng.random()
    stuck = not is_big and qi >= 6 and fate < 0.05  # the last two quarters: some never got to step 7
    cancelled = not is_big and 0.05 <= fate < 0.09
    steps = []

    def step(name, source, target, date, meeting=None, who=by, note="", moved=None) -> bool:
        if date > today:
            return False
        steps.append((name, source, target, date, meeting, who, note, moved))
        return True

    # Of those whose window is still to open, some wait for the council's next meeting (steps 1 or 2).
    waiting = rng.random() if plan.opens > now and not is_big else 1.0

    def run() -> None:
        mid = meeting_id(plan.council, qi, k)
        if waiting < 0.15 or not step("decide", "planned", "decided", meeting, mid):
            return
        if waiting < 0.3 or not step("approve_questions", "decided", "questions_approved", meeting, mid):
            return
        if cancelled:
            step(
                "cancel",
                "questions_approved",
                "cancelled",
                meeting + 3 * one,
                note="Мемлекеттік орган жобаны қайтарып алды.",
            )
            return
        announced = max(meeting + one, opens_on - 10 * one)
        if not step("announce", "questions_approved", "announced", announced):
            return
        if plan.opens > now or not step("open_intake", "announced", "held", opens_on, who=None):
            return
        if plan.closes > now:
            return
        compiled = closes_on + rng.randint(1, 7) * one
        if not step("compile_proposals", "held", "proposals_compiled", compiled):
            return
        last, source = compiled, "proposals_compiled"
        if draft:
            last = compiled + rng.randint(2, 6) * one
            if not step("draft_recommendation", source, "recommendation_drafted", last):
                return
            source = "recommendation_drafted"
        if stuck:
            return
        step("publish_position", source, "position_published", last + rng.randint(3, 12) * one)

    run()
    plan.steps = steps
    plan.state = steps[-1][2] if steps else "planned"


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports kilobytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def create_database(url: str) -> None:
    """Create the database `url` names when the server has none of that name (as `createdb` would)."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(url)
    name = params.pop("dbname")
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created the database {name}.", flush=True)


def main(argv: list[str] | None = None) -> dict | None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL database, empty and migrated (else DATABASE_URL)")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 300 councils, 1,000,000 proposals")
    parser.add_argument("--seed", type=int, default=16, help="random seed (the same data for the same seed)")
    parser.add_argument("--max-rss-mb", type=int, default=MAX_RSS_MB, help="fail above this peak RSS")
    parser.add_argument(
        "--no-published-largest",
        action="store_true",
        help="leave out the second consultation of 50,000 proposals (published, for the results page)",
    )
    parser.add_argument("--create-database", action="store_true", help="create the database if it is missing")
    parser.add_argument("--migrate", action="store_true", help="apply the migrations first")
    parser.add_argument(
        "--skip-if-seeded", action="store_true", help="do nothing (status 0) when the database has councils already"
    )
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
    sys.path.insert(0, str(ROOT))
    if args.create_database:
        create_database(os.environ.get("DATABASE_URL", ""))
    import django

    django.setup()
    if args.migrate:
        from django.core.management import call_command

        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        print(f"Migrated in {time.monotonic() - started:.1f} s.", flush=True)
    if args.skip_if_seeded:
        from councils.models import Council
        from proposals.models import Proposal

        if Council.objects.exists():
            print(
                f"Already seeded ({Council.objects.count():,} councils, {Proposal.objects.count():,} proposals): "
                "nothing written. Drop the database to seed it again."
            )
            return None
    return seed(
        scale=args.scale,
        seed_value=args.seed,
        max_rss_mb=args.max_rss_mb,
        published_largest=not args.no_published_largest,
    )


if __name__ == "__main__":
    main()
