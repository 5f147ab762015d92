"""Participation statistics (issue 17): how many take part and what the councils and state bodies do with it,
for the whole portal or one council, over chosen quarters. Public: the portal's pages, the API and the
ministry's admin show the same `Statistics`.

What is counted, and over which consultations (those of published schedules, by their schedule's quarter):
- proposals per consultation: every proposal received (whatever its moderation) by the consultations whose
  intake has closed (held with its window closed, or any later step; cancelled ones are left out);
- proposals by channel: the same proposals;
- listed proposals decided with reasons: of the consultations whose position is published, the listed
  proposals with a decision and its reasons (in either language);
- days from the close of the intake to the position: the window's close and the day the position was
  published (`state_since` of step 7), both in the portal's time zone;
- the state bodies' answers and the schedules published on time: judged as the ministry's compliance review
  judges them (`compliance.StateBodyAnswers.count`, `deadlines.schedule_due`, `compliance.published_on`);
  for the schedules, every active council in scope is expected to publish one each quarter, and a quarter
  not yet due is counted only once its schedule is published.

The period is the quarters chosen: a year (its four quarters), a quarter of a year, or, by default, the
current quarter and the three before it. Each figure is one or two aggregate queries, whatever the number
of consultations.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db.models import Aggregate, Avg, Count, F, FloatField, Func, IntegerField, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from common.quarters import quarter_of
from consultations import compliance
from consultations.deadlines import schedule_due
from consultations.models import CompliancePolicy, Consultation, QuarterlySchedule, Recommendation
from councils.models import Council, Region
from proposals.models import Proposal
from publications.models import Announcement

State = Consultation.State
QUARTERS_BY_DEFAULT = 4
# The intake is over: held with the window closed (checked in the query), or any step after it.
AFTER_INTAKE = (State.PROPOSALS_COMPILED, State.RECOMMENDATION_DRAFTED, State.POSITION_PUBLISHED)


class Median(Aggregate):
    """PostgreSQL's median (the continuous one: the mean of the two middle values of an even count); on the
    demo's SQLite, the aggregate `median` this app registers on its connections (apps.py)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="median", template="%(function)s(%(expressions)s)")


class SQLiteMedian:
    """The same median as an SQLite aggregate (sqlite3.Connection.create_aggregate)."""

    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        ordered, middle = sorted(self.values), len(self.values) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class DaysBetween(Func):
    """`later - earlier` for two dates, in days (PostgreSQL's date subtraction gives an integer)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps dates as text: their difference in days is that of their Julian day numbers.
        later, earlier = (compiler.compile(expression) for expression in self.get_source_expressions())
        return (
            f"CAST(julianday({later[0]}) - julianday({earlier[0]}) AS INTEGER)",
            (*later[1], *earlier[1]),
        )


@dataclass(frozen=True)
class Scope:
    """What is counted: one council, or the councils of a region and/or level (all when none), over quarters."""

    quarters: tuple[tuple[int, int], ...]
    council: Council | None = None
    region: Region | None = None
    level: str = ""


def last_quarters(count: int = QUARTERS_BY_DEFAULT, today: datetime.date | None = None) -> tuple[tuple[int, int], ...]:
    """The current quarter and the `count - 1` before it, oldest first."""
    year, quarter = quarter_of(today or timezone.localdate())
    index = year * 4 + quarter - 1
    return tuple((i // 4, i % 4 + 1) for i in range(index - count + 1, index + 1))


def quarters_of(year: int | None, quarter: int | None, today: datetime.date | None = None):
    """The period a filter names: a quarter of a year, a whole year, or the last four quarters."""
    if year and quarter:
        return ((year, quarter),)
    if year:
        return tuple((year, q) for q in (1, 2, 3, 4))
    return last_quarters(today=today)


@dataclass
class ChannelCount:
    code: str
    label: str
    proposals: int


@dataclass
class Statistics:
    scope: Scope
    consultations: int = 0  # whose intake has closed
    proposals: int = 0  # received by them
    mean_proposals: float | None = None
    median_proposals: float | None = None
    channels: list[ChannelCount] = field(default_factory=list)
    listed: int = 0  # listed proposals of consultations whose position is published
    decided_with_reasons: int = 0
    positions: int = 0  # positions published with a known close of the intake
    mean_days_to_position: float | None = None
    median_days_to_position: float | None = None
    answers: compliance.StateBodyAnswers = field(default_factory=compliance.StateBodyAnswers)
    schedules_due: int = 0  # council-quarters judged: due, or published early
    schedules_on_time: int = 0

    @property
    def decided_share(self) -> float | None:
        return self.decided_with_reasons / self.listed if self.listed else None

    @property
    def answered(self) -> int:
        """Answers judged: received, or overdue (those still within their deadline are not)."""
        return self.answers.in_time + self.answers.late + self.answers.overdue

    @property
    def answers_in_time_share(self) -> float | None:
        return self.answers.in_time / self.answered if self.answered else None

    @property
    def schedules_on_time_share(self) -> float | None:
        return self.schedules_on_time / self.schedules_due if self.schedules_due else None


def _in_quarters(quarters, prefix: str = "") -> Q:
    return reduce(or_, (Q(**{f"{prefix}year": y, f"{prefix}quarter": q}) for y, q in quarters))


def _councils(scope: Scope):
    if scope.council is not None:
        return Council.objects.filter(pk=scope.council.pk)
    councils = Council.objects.active()
    if scope.region is not None:
        councils = councils.filter(region=scope.region)
    if scope.level:
        councils = councils.filter(level=scope.level)
    return councils


def _consultations(scope: Scope):
    return Consultation.objects.public().filter(
        _in_quarters(scope.quarters, "schedule__"), schedule__council__in=_councils(scope)
    )


def compute(scope: Scope, *, now: datetime.datetime | None = None) -> Statistics:
    """The figures of the scope, in about ten queries whatever the number of councils and consultations."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    stats = Statistics(scope)
    consultations = _consultations(scope)
    closed = consultations.filter(Q(state__in=AFTER_INTAKE) | Q(state=State.HELD, window_closes_at__lte=now))

    # One pass over the proposals: each closed consultation's counts (all, by channel, listed and decided
    # where its position is published), then summed. Three queries took three times as long nationally.
    position = Q(state=State.POSITION_PUBLISHED, proposals__moderation=Proposal.Moderation.LISTED)
    reasons = ~Q(proposals__decision_reasons_kk="") | ~Q(proposals__decision_reasons_ru="")
    channels = {f"channel_{code}": Count("proposals", filter=Q(proposals__channel=code)) for code in Proposal.Channel}
    counted = closed.annotate(
        received=Count("proposals"),
        listed_here=Count("proposals", filter=position),
        decided_here=Count("proposals", filter=position & ~Q(proposals__decision="") & reasons),
        **channels,
    ).aggregate(
        consultations=Count("id"),
        proposals=Sum("received"),
        mean=Avg("received"),
        median=Median("received"),
        listed=Sum("listed_here"),
        decided=Sum("decided_here"),
        **{f"total_{name}": Sum(name) for name in channels},
    )
    stats.consultations = counted["consultations"]
    stats.proposals = counted["proposals"] or 0
    stats.mean_proposals, stats.median_proposals = counted["mean"], counted["median"]
    stats.channels = [
        ChannelCount(code, str(label), counted[f"total_channel_{code}"] or 0)
        for code, label in Proposal.Channel.choices
    ]
    stats.listed, stats.decided_with_reasons = counted["listed"] or 0, counted["decided"] or 0

    published = consultations.filter(state=State.POSITION_PUBLISHED)
    days = (
        published.filter(window_closes_at__isnull=False, state_since__isnull=False)
        .annotate(days=DaysBetween(F("state_since"), TruncDate("window_closes_at", tzinfo=zone)))
        .aggregate(positions=Count("id"), mean=Avg("days"), median=Median("days"))
    )
    stats.positions = days["positions"]
    stats.mean_days_to_position, stats.median_days_to_position = days["mean"], days["median"]

    # Grouped by their dates: a few hundred rows nationally, each judged by the compliance rule.
    for sent_on, received, times in (
        Recommendation.objects.filter(consultation__in=consultations.values("id"), sent_on__isnull=False)
        .order_by()
        .values_list("sent_on", "answer_received_on")
        .annotate(n=Count("id"))
    ):
        stats.answers.count(sent_on, received, today, times)

    _schedules(stats, scope, today)
    return stats


def _schedules(stats: Statistics, scope: Scope, today: datetime.date) -> None:
    """Each active council in scope is expected to publish a schedule each quarter, by the policy's day."""
    policy = CompliancePolicy.current()
    councils = _councils(scope).filter(is_active=True)
    schedules = QuarterlySchedule.objects.filter(_in_quarters(scope.quarters), council__in=councils)
    quarter_of_schedule = {pk: (year, quarter) for pk, year, quarter in schedules.values_list("id", "year", "quarter")}
    announcements = defaultdict(list)
    loaded = Announcement.objects.filter(
        subject_type=ContentType.objects.get_for_model(QuarterlySchedule),
        subject_id__in=schedules.values("id"),
    )
    for _type, schedule_id, announcement in compliance.published_rows(loaded):
        announcements[schedule_id].append(announcement)
    published = defaultdict(int)  # (year, quarter) → schedules published on time
    for pk, (year, quarter) in quarter_of_schedule.items():
        verdict = compliance.verdict(
            compliance.published_on(announcements[pk]), schedule_due(year, quarter, policy), today
        )
        published[year, quarter] += verdict == compliance.COMPLIANT
    expected = councils.count()
    for year, quarter in scope.quarters:
        stats.schedules_on_time += published[year, quarter]
        if today > schedule_due(year, quarter, policy):
            stats.schedules_due += expected  # a council with no schedule, or one published late, failed
        else:
            stats.schedules_due += published[year, quarter]
