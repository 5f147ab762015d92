"""Quarterly compliance: does each council follow the recommendations, quarter by quarter, and why not.

Read it beside DESIGN.md, "Quarterly compliance". Each rule below is a small function of one council's
quarter that returns its verdict, its deadline and its evidence. "Published" means on the portal and in at
least one external publication (a delivered Telegram post or webhook, or a publication the secretary
recorded). Dates are those on which things happened (the log's `occurred_on`), not when they were typed.

`review(councils, quarters)` loads everything it needs in a fixed number of queries, whatever the number
of councils, then judges in memory.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import holidays
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, FilteredRelation, Func, Lookup, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from common import collector
from councils.models import Council, Meeting, Membership, Quorum
from publications.models import Announcement, Delivery

from . import deadlines, workflow
from .deadlines import Reached, answer_due, schedule_due, send_due
from .models import (
    CompliancePolicy,
    ComplianceRuleBasis,
    Consultation,
    ConsultationTransition,
    QuarterlySchedule,
    Recommendation,
    ScheduleTransition,
    quarter_bounds,
)

State = Consultation.State
EXTERNAL = (Delivery.Channel.TELEGRAM, Delivery.Channel.WEBHOOK, Delivery.Channel.RECORDED)


@functools.cache
def code() -> str:
    """What the verdicts are judged by, as a short hash: the rules' modules and the calendar's version, so that
    the verdicts kept across a release that changes a rule are judged again (consultations/compliance_admin.py).
    Read once per process, when first asked."""
    digest = hashlib.sha256(holidays.__version__.encode())
    for module in (__file__, deadlines.__file__, workflow.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:12]


COMPLIANT, NON_COMPLIANT, NOT_YET_DUE, NOT_APPLICABLE = "compliant", "non_compliant", "not_yet_due", "not_applicable"
PARTLY = "partly"
VERDICTS = {
    COMPLIANT: _("compliant"),
    PARTLY: _("partly compliant"),
    NON_COMPLIANT: _("non-compliant"),
    NOT_YET_DUE: _("not yet due"),
    NOT_APPLICABLE: _("not applicable"),
}
TITLES = {
    "schedule_approved": _("Schedule approved at a quorate meeting"),
    "schedule_published": _("Schedule published"),
    "consultation_held": _("At least one consultation held"),
    "citizens_informed": _("Citizens informed before each consultation"),
    "list_formed": _("List of proposals formed"),
    "recommendation_drafted": _("Recommendation drafted, for draft legal acts"),
    "recommendation_sent": _("Recommendation sent to the state body"),
    "results_published": _("Results published"),
}


@dataclass
class Evidence:
    label: str
    date: datetime.date | None = None
    url: str = ""  # the admin page of what it is about: a lazy string (`_admin`), reversed when shown


@dataclass
class RuleResult:
    code: str
    title: str
    verdict: str
    deadline: datetime.date | None = None
    evidence: list[Evidence] = field(default_factory=list)
    note: str = ""
    basis: str = ""

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]


@dataclass
class StateBodyAnswers:
    """The state bodies' side, beside the council's verdict and not counted in it."""

    in_time: int = 0
    late: int = 0
    waiting: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.in_time + self.late + self.waiting + self.overdue

    def count(
        self, sent_on: datetime.date, received: datetime.date | None, today: datetime.date, times: int = 1
    ) -> None:
        """Counts an answer to a recommendation sent on `sent_on` (`times` such answers: the statistics
        count them grouped by their dates): due 10 working days after it was sent."""
        deadline = answer_due(sent_on)
        if received is not None:
            self.in_time += times * (received <= deadline)
            self.late += times * (received > deadline)
        elif today > deadline:
            self.overdue += times
        else:
            self.waiting += times


@dataclass
class CouncilQuarter:
    council: Council
    year: int
    quarter: int
    rules: list[RuleResult]
    state_body: StateBodyAnswers

    @cached_property  # the matrix asks it several times for each of its thousand cells
    def verdict(self) -> str:
        return overall([rule.verdict for rule in self.rules], [rule.code for rule in self.rules])

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]


# The rules whose failure makes a council non-compliant; the others make it partly compliant.
ESSENTIAL = ("schedule_approved", "schedule_published", "consultation_held")


def overall(verdicts: list[str], codes: list[str]) -> str:
    failed = {code for code, verdict in zip(codes, verdicts, strict=True) if verdict == NON_COMPLIANT}
    if failed & set(ESSENTIAL):
        return NON_COMPLIANT
    if failed:
        return PARTLY
    if NOT_YET_DUE in verdicts:
        return NOT_YET_DUE
    return COMPLIANT


# ---------------------------------------------------------------------------------------------------------
# What the rules read, loaded once


@dataclass
class Facts:
    """One council's quarter, as the rules see it."""

    council: Council
    year: int
    quarter: int
    today: datetime.date
    policy: CompliancePolicy
    schedule_log: list[ScheduleTransition]
    schedule_announcements: list[Announcement]
    consultations: list[Consultation]
    steps: dict[int, dict[str, datetime.date]]  # consultation id → state → the date it was reached
    announcements: dict[int, dict[str, list[Announcement]]]  # consultation id → event → announcements
    recommendations: dict[int, Recommendation | Sent]
    quorums: dict[int, Quorum]
    evidence: bool = True  # False: the verdicts alone (the matrix and its exports show no evidence)
    # The rules' titles in the active language: `review` translates them once for its thousands of results.
    titles: dict[str, str] = field(default_factory=lambda: translated(TITLES))

    @cached_property
    def first_day(self) -> datetime.date:
        return quarter_bounds(self.year, self.quarter)[0]

    @cached_property
    def last_day(self) -> datetime.date:
        return quarter_bounds(self.year, self.quarter)[1]

    @cached_property
    def policy_key(self) -> tuple:
        """The policy's numbers, as the remembered judgements are keyed (`_judgements`)."""
        policy = self.policy
        return policy.schedule_day, policy.list_days, policy.recommendation_days, policy.results_days

    @cached_property
    def going_ahead(self) -> list[Consultation]:
        """The consultations not cancelled: those the rules judged one by one apply to."""
        return [c for c in self.consultations if not self.steps[c.pk].get(State.CANCELLED)]


def translated(texts: dict) -> dict[str, str]:
    return {code: str(text) for code, text in texts.items()}


def _external_date(announcement: Announcement) -> datetime.date | None:
    if isinstance(announcement, Published):  # review() has read every delivery in one query
        return announcement.external_on
    dates = [
        timezone.localdate(d.sent_at)
        for d in announcement.deliveries.all()
        if d.channel in EXTERNAL and d.state == Delivery.State.SENT and d.sent_at
    ]
    return min(dates) if dates else None


def _portal_date(announcement: Announcement) -> datetime.date:
    if isinstance(announcement, Published):
        return announcement.portal_on
    return timezone.localdate(announcement.published_at)


def _published(
    announcements: list[Announcement],
) -> tuple[datetime.date | None, datetime.date | None, Announcement | None]:
    """(on the portal, in an external publication, which announcement): the earliest complete one."""
    if not announcements:
        return None, None, None
    candidates = [
        (a.portal_on, a.external_on, a) if isinstance(a, Published) else (_portal_date(a), _external_date(a), a)
        for a in announcements
        if a.published_at
    ]
    complete = [c for c in candidates if c[1]]
    if complete:
        return min(complete, key=lambda c: max(c[0], c[1]))
    return candidates[0] if candidates else (None, None, None)


def _result(f: Facts, code: str, verdict: str, deadline: datetime.date | None = None) -> RuleResult:
    return RuleResult(code, f.titles[code], verdict, deadline)


def _reverse_admin(view: str, pk: int) -> str:
    return reverse(view, args=[pk])


_lazy_admin = lazy(_reverse_admin, str)


def _admin(obj) -> str:
    """The object's admin page; reversed only when a page shows it (the matrix shows no evidence, and
    reversing ~50,000 addresses took a third of its time)."""
    return _lazy_admin(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", obj.pk)


def _due(deadline: datetime.date, today: datetime.date) -> bool:
    return today > deadline


# ---------------------------------------------------------------------------------------------------------
# The rules


def schedule_approved(f: Facts) -> RuleResult:
    """The schedule is approved at a quorate meeting (the recommendations; Law "On Public Councils",
    art. 13 p. 2), by the policy's day of the quarter."""
    deadline = schedule_due(f.year, f.quarter, f.policy)
    result = _result(f, "schedule_approved", NOT_YET_DUE, deadline)
    approvals = [t for t in f.schedule_log if t.to_state == QuarterlySchedule.State.APPROVED and t.meeting_id]
    quorate = [t for t in approvals if f.quorums[t.meeting_id].reached]
    for t in approvals if f.evidence else ():
        quorum = f.quorums[t.meeting_id]
        meeting = str(_("Meeting"))  # not inside the f-string, where makemessages would not find it
        number = f" № {t.meeting.protocol_number}" if t.meeting.protocol_number else ""
        result.evidence.append(Evidence(f"{meeting}{number}: {quorum.summary()}", t.meeting.date, _admin(t.meeting)))
    if quorate and quorate[0].occurred_on <= deadline:
        result.verdict = COMPLIANT
    elif quorate:
        result.verdict, result.note = NON_COMPLIANT, str(_("Approved after the deadline."))
    elif _due(deadline, f.today):
        result.verdict = NON_COMPLIANT
        result.note = str(_("No approval at a quorate meeting.") if approvals else _("The schedule was not approved."))
    return result


def schedule_published(f: Facts) -> RuleResult:
    """The approved schedule is published on the portal and in social networks or the media."""
    deadline = schedule_due(f.year, f.quarter, f.policy)
    result = _result(f, "schedule_published", NOT_YET_DUE, deadline)
    portal, external, announcement = _published(f.schedule_announcements)
    if announcement is not None and f.evidence:
        result.evidence.append(Evidence(str(_("On the portal")), portal, _admin(announcement)))
        if external:
            result.evidence.append(Evidence(str(_("External publication")), external, _admin(announcement)))
    if portal and external and max(portal, external) <= deadline:
        result.verdict = COMPLIANT
    elif portal and external:
        result.verdict, result.note = NON_COMPLIANT, str(_("Published after the deadline."))
    elif _due(deadline, f.today):
        result.verdict = NON_COMPLIANT
        result.note = str(_("Not published in social networks or the media.") if portal else _("Not published."))
    return result


def consultation_held(f: Facts) -> RuleResult:
    """At least one consultation of the quarter is held (reaches step 4)."""
    result = _result(f, "consultation_held", NOT_YET_DUE, f.last_day)
    held = [c for c in f.consultations if f.steps[c.pk].get(State.HELD)]
    for c in held if f.evidence else ():
        result.evidence.append(Evidence(c.title, f.steps[c.pk][State.HELD], _admin(c)))
    if any(f.steps[c.pk][State.HELD] <= f.last_day for c in held):
        result.verdict = COMPLIANT
    elif _due(f.last_day, f.today):
        result.verdict, result.note = NON_COMPLIANT, str(_("No consultation was held in the quarter."))
    return result


def _label_verdict(consultation: Consultation, verdict: str) -> str:
    return f"{consultation.title}: {VERDICTS[verdict]}"


_verdict_of = lazy(_label_verdict, str)  # written when shown: the matrix shows no evidence


def _per_consultation(code: str, f: Facts, judge) -> RuleResult:
    """A rule judged for each consultation it applies to (`judge(facts, consultation, the dates its steps were
    reached)`)."""
    return _combined(code, f, ((c, judge(f, c, f.steps[c.pk])) for c in f.going_ahead))


def _combined(code: str, f: Facts, judged) -> RuleResult:
    """A rule's verdict from its judgement of each consultation (`judged`: (consultation, (verdict, deadline, the
    date it was done) or None where it does not apply)): compliant when all are, non-compliant when one failed,
    not yet due while one is pending; not applicable when none applies."""
    result = _result(f, code, NOT_APPLICABLE)
    verdicts = set()
    for consultation, judgement in judged:
        if judgement is None:
            continue
        verdict, deadline, date = judgement
        verdicts.add(verdict)
        if f.evidence:
            result.evidence.append(Evidence(_verdict_of(consultation, verdict), date, _admin(consultation)))
        if result.deadline is None or deadline > result.deadline:  # the latest (a judged one has a deadline)
            result.deadline = deadline
    if verdicts:
        result.verdict = (
            NON_COMPLIANT if NON_COMPLIANT in verdicts else NOT_YET_DUE if NOT_YET_DUE in verdicts else COMPLIANT
        )
    return result


def _judge(done: datetime.date | None, deadline: datetime.date | None, today: datetime.date):
    if deadline is None:
        return None
    if done is not None and done <= deadline:
        return COMPLIANT, deadline, done
    if done is not None or _due(deadline, today):
        return NON_COMPLIANT, deadline, done
    return NOT_YET_DUE, deadline, None


# The rules judged consultation by consultation: each consultation's judgement (`_judge`), or None where the rule
# does not apply to it.


def informed_before_window(f: Facts, c: Consultation, reached: Reached):
    announced = f.announcements[c.pk].get(Announcement.Event.CONSULTATION_ANNOUNCED, [])
    portal, external, _announcement = _published(announced)
    done = max(portal, external) if portal and external else None
    return _judge(done, workflow.ANNOUNCE.due_on(c, reached, f.policy), f.today)


def list_formed_in_time(f: Facts, c: Consultation, reached: Reached):
    step = workflow.COMPILE_PROPOSALS
    return _judge(reached.get(step.target), step.due_on(c, reached, f.policy), f.today)


def recommendation_drafted_in_time(f: Facts, c: Consultation, reached: Reached):
    step = workflow.DRAFT_RECOMMENDATION
    if not step.applies(c):
        return None
    return _judge(reached.get(step.target), step.due_on(c, reached, f.policy), f.today)


def recommendation_sent_in_time(f: Facts, c: Consultation, reached: Reached):
    recommendation = f.recommendations.get(c.pk)
    sent = recommendation.sent_on if recommendation else None
    return _judge(sent, send_due(reached), f.today)


def results_published_in_time(f: Facts, c: Consultation, reached: Reached):
    step = workflow.PUBLISH_POSITION
    announced = f.announcements[c.pk].get(Announcement.Event.RESULTS_PUBLISHED, [])
    portal, external, _announcement = _published(announced)
    done = max(portal, external) if portal and external and reached.get(step.target) else None
    return _judge(done, step.due_on(c, reached, f.policy), f.today)


def citizens_informed(f: Facts) -> RuleResult:
    """Citizens are informed before the proposal window opens, on the portal and in social networks or the
    media (the recommendations, step 3)."""
    return _per_consultation("citizens_informed", f, informed_before_window)


def list_formed(f: Facts) -> RuleResult:
    """The list of proposals is formed (step 5) within the policy's days after the window closes."""
    return _per_consultation("list_formed", f, list_formed_in_time)


def recommendation_drafted(f: Facts) -> RuleResult:
    """For a draft legal act, the council's recommendation (step 6) within the policy's days after step 5."""
    return _per_consultation("recommendation_drafted", f, recommendation_drafted_in_time)


def recommendation_sent(f: Facts) -> RuleResult:
    """The recommendation is sent to the state body within 7 working days (Law "On Public Control", art. 13)."""
    return _per_consultation("recommendation_sent", f, recommendation_sent_in_time)


def results_published(f: Facts) -> RuleResult:
    """The position and results (step 7) are published, also externally, within the policy's days after the
    window closes (the recommendations, step 7)."""
    return _per_consultation("results_published", f, results_published_in_time)


# Each rule of a consultation with how its judgement of one consultation is given, for the review without
# evidence, which judges each consultation once for all five (`_judgements`).
PER_CONSULTATION = (
    ("citizens_informed", informed_before_window),
    ("list_formed", list_formed_in_time),
    ("recommendation_drafted", recommendation_drafted_in_time),
    ("recommendation_sent", recommendation_sent_in_time),
    ("results_published", results_published_in_time),
)

# A consultation's five judgements, remembered by everything they read (`_judgements`): after a change, the next
# review of 10,000 consultations judges again only those whose facts changed. Bounded: ~1.8 KB each (17 MB for
# the national matrix's 9,600 consultations of a year), emptied when full.
_remembered: dict[tuple, tuple] = {}
REMEMBERED_AT_MOST = 20_000


def forget_judgements() -> None:
    """Empty the remembered judgements (a fresh process: the benchmark's "nothing remembered")."""
    _remembered.clear()


def _judgements(f: Facts, c: ConsultationRow) -> tuple:
    """The five per-consultation judgements of `c` (in the order of PER_CONSULTATION), remembered by what the
    rules read of it — its occasion and window, the dates its steps were reached, its announcements, its
    recommendation's road — with the day and the policy: a pure function of these, so never out of date."""
    reached = f.steps[c.pk]
    announcements = f.announcements.get(c.pk, {})
    key = (
        c.occasion, c.opens_on, c.closes_on, tuple(reached.items()),
        tuple(announcements.get(Announcement.Event.CONSULTATION_ANNOUNCED, ())),
        tuple(announcements.get(Announcement.Event.RESULTS_PUBLISHED, ())),
        f.recommendations.get(c.pk), f.today, f.policy_key,
    )  # fmt: skip
    judged = _remembered.get(key)
    if judged is None:
        judged = tuple(judge(f, c, reached) for _code, judge in PER_CONSULTATION)
        if len(_remembered) >= REMEMBERED_AT_MOST:
            _remembered.clear()
        _remembered[key] = judged
    return judged


def consultation_rules(f: Facts) -> list[RuleResult]:
    """The five rules of a consultation for a quarter without evidence: as each rule gives them, with each
    consultation judged once for all (`_judgements`)."""
    judged = [(c, _judgements(f, c)) for c in f.going_ahead]
    return [_combined(code, f, ((c, j[i]) for c, j in judged)) for i, (code, _judge) in enumerate(PER_CONSULTATION)]


RULES = [
    schedule_approved,
    schedule_published,
    consultation_held,
    citizens_informed,
    list_formed,
    recommendation_drafted,
    recommendation_sent,
    results_published,
]
RULE_CODES = [rule.__name__ for rule in RULES]
QUARTER_RULES = RULES[:3]  # the rules of the quarter as a whole; then those of each consultation (PER_CONSULTATION)
assert RULE_CODES[3:] == [code for code, _judge in PER_CONSULTATION]


def state_body_answers(f: Facts) -> StateBodyAnswers:
    """Answers to the council's recommendations: due 10 working days after they were sent."""
    answers = StateBodyAnswers()
    for c in f.consultations:
        recommendation = f.recommendations.get(c.pk)
        if recommendation is None or recommendation.sent_on is None:
            continue
        answers.count(recommendation.sent_on, recommendation.answer_received_on, f.today)
    return answers


# ---------------------------------------------------------------------------------------------------------
# Reviewing many councils at once


# What the rules and the deadlines read of a consultation (the texts of thousands are not loaded).
CONSULTATION_FIELDS = (
    "id", "schedule_id", "number", "title", "title_kk", "title_ru", "occasion", "state", "window_opens_at",
    "window_closes_at",
)  # fmt: skip

# The states whose dates the rules and the deadlines read (`Facts.steps`): the review reads only the log entries
# that reach one of them or step back from one (half of the log).
STATES_READ = (
    State.HELD,
    State.PROPOSALS_COMPILED,
    State.RECOMMENDATION_DRAFTED,
    State.POSITION_PUBLISHED,
    State.CANCELLED,
)


@dataclass(slots=True)
class ConsultationRow:
    """A consultation as the verdicts read it (`review` without evidence): no title, no model instance; the
    window's days already in the portal's time zone (from the database), as `Consultation.opens_on` gives them."""

    pk: int
    schedule_id: int
    occasion: str
    opens_on: datetime.date | None
    closes_on: datetime.date | None

    @property
    def is_draft_act(self) -> bool:
        return self.occasion == Consultation.Occasion.DRAFT_ACT


class Sent(NamedTuple):
    """A recommendation's road to the state body, as the rules read it."""

    sent_on: datetime.date | None
    answer_received_on: datetime.date | None


class ScheduleLogRow(NamedTuple):
    """A schedule's log entry as `schedule_approved` reads it (`review` without evidence: no meeting)."""

    schedule_id: int
    to_state: str
    meeting_id: int | None
    occurred_on: datetime.date


class Published(NamedTuple):
    """An announcement as the rules read it: its days on the portal and outside (`_published`). A tuple: the
    remembered judgements are keyed by it (`_judgements`)."""

    pk: int
    event: str
    portal_on: datetime.date | None
    external_on: datetime.date | None
    _meta = Announcement._meta  # its admin page (`_admin`)

    @property
    def published_at(self) -> datetime.date | None:  # whether it is on the portal, as `_published` asks
        return self.portal_on


@collector.paused()  # ~100,000 objects built, none in a cycle (common/collector.py)
def review(
    councils, quarters: list[tuple[int, int]], *, today: datetime.date | None = None, evidence: bool = True
) -> list[CouncilQuarter]:
    """Every council × quarter, judged; in a fixed number of queries. Without `evidence`, the rules give
    their verdicts, deadlines and notes and no evidence (the same verdicts, in a fraction of the time)."""
    today = today or timezone.localdate()
    councils = list(councils)
    policy = CompliancePolicy.current()
    bases = {b.code: b.basis for b in ComplianceRuleBasis.objects.all()}
    years = {y for y, _q in quarters}
    schedules = {  # (council, year, quarter) → the schedule's id: the rules read its log and announcements
        (council_id, year, quarter): pk
        for pk, council_id, year, quarter in QuarterlySchedule.objects.filter(
            council__in=councils, year__in=years
        ).values_list("pk", "council_id", "year", "quarter")
    }
    zone = timezone.get_current_timezone()
    schedule_logs = defaultdict(list)
    schedule_log = ScheduleTransition.objects.filter(schedule__council__in=councils, schedule__year__in=years)
    if evidence:  # the evidence names the meeting and links its admin page
        for t in schedule_log.select_related("meeting").order_by("occurred_on", "id"):
            schedule_logs[t.schedule_id].append(t)
    else:
        for row in schedule_log.order_by("occurred_on", "id").values_list(*ScheduleLogRow._fields):
            schedule_logs[row[0]].append(ScheduleLogRow(*row))
    of_schedules = Consultation.objects.filter(schedule__council__in=councils, schedule__year__in=years)
    consultations = defaultdict(list)
    if evidence:  # the evidence names each consultation and links its admin page
        for c in of_schedules.only(*CONSULTATION_FIELDS).order_by("number"):
            consultations[c.schedule_id].append(c)
    else:
        # `rewrite(False)` here and below: no translated field is read, and modeltranslation's fallbacks would
        # rebuild each of the tens of thousands of rows as dictionaries.
        for row in of_schedules.rewrite(False).order_by("number").values_list(
            "id", "schedule_id", "occasion", LocalDate("window_opens_at", tzinfo=zone),
            LocalDate("window_closes_at", tzinfo=zone),
        ):  # fmt: skip
            consultations[row[1]].append(ConsultationRow(*row))
    consultation_ids = [c.pk for listed in consultations.values() for c in listed]
    # The logs as plain rows, in the order of recording, folded into the dates of the states read.
    steps = workflow.steps_reached_by_consultation(
        ConsultationTransition.objects.filter(OneOf(F("consultation_id"), consultation_ids))
        .filter(Q(to_state__in=STATES_READ) | Q(name=workflow.STEP_BACK.name, from_state__in=STATES_READ))
        .order_by("recorded_at", "id")
        .values_list("consultation_id", "name", "from_state", "to_state", "occurred_on")
    )
    consultation_type = ContentType.objects.get_for_model(Consultation)
    schedule_type = ContentType.objects.get_for_model(QuarterlySchedule)
    loaded = Announcement.objects.filter(
        Q(OneOf(F("subject_id"), consultation_ids), subject_type=consultation_type)
        | Q(OneOf(F("subject_id"), list(schedules.values())), subject_type=schedule_type)
    )
    announcements = defaultdict(lambda: defaultdict(list))
    schedule_announcements = defaultdict(list)
    for subject_type, subject_id, a in published_rows(loaded):
        if subject_type == consultation_type.pk:
            announcements[subject_id][a.event].append(a)
        else:
            schedule_announcements[subject_id].append(a)
    recommendations = {
        row[0]: Sent(*row[1:])
        for row in Recommendation.objects.rewrite(False)
        .filter(OneOf(F("consultation_id"), consultation_ids))
        .values_list("consultation_id", "sent_on", "answer_received_on")
    }
    quorums = _quorums(schedule_log.filter(meeting__isnull=False).values("meeting_id"))

    titles = translated(TITLES)
    results = []
    for council in councils:
        for year, quarter in quarters:
            schedule_id = schedules.get((council.pk, year, quarter))
            facts = Facts(
                council=council,
                year=year,
                quarter=quarter,
                today=today,
                policy=policy,
                schedule_log=schedule_logs.get(schedule_id, []),  # none without a schedule
                schedule_announcements=schedule_announcements.get(schedule_id, []),
                consultations=consultations.get(schedule_id, []),
                steps=steps,
                announcements=announcements,
                recommendations=recommendations,
                quorums=quorums,
                evidence=evidence,
                titles=titles,
            )
            if evidence:
                # Not remembered: the evidence reads model instances, which compare by their id alone, so a key
                # made of them would not see a change.
                rules = [rule(facts) for rule in RULES]
            else:
                rules = [rule(facts) for rule in QUARTER_RULES] + consultation_rules(facts)
            for rule in rules:
                rule.basis = bases.get(rule.code, "")
            results.append(CouncilQuarter(council, year, quarter, rules, state_body_answers(facts)))
    return results


def published_rows(loaded) -> Iterator[tuple[int, int, Published]]:
    """(subject type, subject id, the announcement as the rules read it) of each announcement, newest first,
    in one query whatever their number; `review` reads them so, and the participation statistics the
    schedules' with it. The days are in the current time zone, from the database (`timezone.localdate` of
    each, without reading tens of thousands of timestamps); an external publication's day is its deliveries'
    earliest."""
    zone = timezone.get_current_timezone()
    sent_outside = FilteredRelation(
        "deliveries",
        condition=Q(
            deliveries__channel__in=EXTERNAL, deliveries__state=Delivery.State.SENT, deliveries__sent_at__isnull=False
        ),
    )
    rows = (
        loaded.rewrite(False)
        .annotate(sent_outside=sent_outside)
        .annotate(external_on=Min(LocalDate("sent_outside__sent_at", tzinfo=zone)))
        .values_list(  # newest first
            "id", "event", "subject_type_id", "subject_id", LocalDate("published_at", tzinfo=zone), "external_on"
        )
    )
    for pk, event, subject_type, subject_id, portal_on, external_on in rows:
        yield subject_type, subject_id, Published(pk, event, portal_on, external_on)


def published_on(announcements: list[Announcement | Published]) -> datetime.date | None:
    """The day it was published both on the portal and outside, as the rules judge it; None while not both."""
    portal, external, _announcement = _published(announcements)
    return max(portal, external) if portal and external else None


def verdict(done: datetime.date | None, deadline: datetime.date, today: datetime.date) -> str:
    """A step done on `done` (None: not yet) against its deadline, as the rules judge it."""
    return _judge(done, deadline, today)[0]


def _quorums(meeting_ids) -> dict[int, Quorum]:
    """The quorum of each meeting (`Meeting.quorum`), counted by the database in one query whatever their
    number."""
    members = Membership.objects.filter(council_id=OuterRef("council_id")).on(OuterRef("date")).counted()
    counted = Membership.objects.filter(council_id=OuterRef(OuterRef("council_id")))
    present = Meeting.attendees.through.objects.filter(
        meeting_id=OuterRef("pk"), membership__in=counted.on(OuterRef(OuterRef("date"))).counted().values("pk")
    )
    rows = Meeting.objects.filter(pk__in=meeting_ids).annotate(members=_count(members), present=_count(present))
    return {pk: Quorum(members=m, present=p) for pk, m, p in rows.values_list("pk", "members", "present")}


class LocalDate(TruncDate):
    """`TruncDate` whose values PostgreSQL returns as dates already: Django's conversion of each, for other
    databases, took a tenth of the review's time over its ~30,000 rows."""

    def get_db_converters(self, connection):
        return self.output_field.get_db_converters(connection)


class OneOf(Lookup):
    """`OneOf(F("column"), ids)`: `column = ANY(%s::bigint[])`, the ids as one parameter, an array written as
    text. A list of thousands of parameters costs Django and the driver milliseconds each time (so does a list
    adapted item by item), and a subquery reads the consultations' wide rows again for each query."""

    lookup_name = "one_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        array = ",".join(map(str, self.rhs))
        return f"{lhs} = ANY(%s::bigint[])", (*params, f"{{{array}}}")

    def as_sqlite(self, compiler, connection):
        """The demo's SQLite: the ids as one JSON array parameter, read by its json_each."""
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*params, json.dumps([int(pk) for pk in self.rhs]))


def _count(queryset):
    """How many rows the subquery `queryset` has, as a column of the outer query."""
    return Subquery(queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n"))
