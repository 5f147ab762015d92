"""The compliance review of many councils at once (`compliance.review`, the matrix's fast path) gives each rule the
same verdict, deadline, note and evidence as the rules judging one council's quarter from the models as such
(the reference below), over a varied dataset and several "todays"; and its queries do not grow with the councils.
"""

import datetime
from collections import defaultdict

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations import compliance, workflow
from consultations.models import CompliancePolicy, Consultation, QuarterlySchedule, Recommendation, ScheduleTransition
from councils.models import Council
from publications.models import Announcement
from publications.services import record_publication
from tests.factories import CouncilFactory, consultation_at, planned_consultation, secretary_of
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State


def reference(council, year, quarter, today) -> compliance.CouncilQuarter:
    """One council's quarter judged from model instances, each read the plain way (no batching)."""
    schedule = QuarterlySchedule.objects.filter(council=council, year=year, quarter=quarter).first()
    consultations = list(Consultation.objects.filter(schedule=schedule).order_by("number")) if schedule else []
    of_consultation = ContentType.objects.get_for_model(Consultation)
    announcements = defaultdict(lambda: defaultdict(list))
    for c in consultations:
        for a in Announcement.objects.filter(subject_type=of_consultation, subject_id=c.pk).prefetch_related(
            "deliveries"
        ):
            announcements[c.pk][a.event].append(a)
    schedule_log = (
        list(
            ScheduleTransition.objects.filter(schedule=schedule).select_related("meeting").order_by("occurred_on", "id")
        )
        if schedule
        else []
    )
    facts = compliance.Facts(
        council=council,
        year=year,
        quarter=quarter,
        today=today,
        policy=CompliancePolicy.current(),
        schedule_log=schedule_log,
        schedule_announcements=list(
            Announcement.objects.filter(
                subject_type=ContentType.objects.get_for_model(QuarterlySchedule), subject_id=schedule.pk
            ).prefetch_related("deliveries")
        )
        if schedule
        else [],
        consultations=consultations,
        steps={c.pk: workflow.reached_by(c) for c in consultations},
        announcements=announcements,
        recommendations={r.consultation_id: r for r in Recommendation.objects.filter(consultation__in=consultations)},
        quorums={t.meeting_id: t.meeting.quorum() for t in schedule_log if t.meeting_id},
    )
    rules = [rule(facts) for rule in compliance.RULES]
    return compliance.CouncilQuarter(council, year, quarter, rules, compliance.state_body_answers(facts))


def judged(result: compliance.CouncilQuarter, evidence: bool) -> tuple:
    rules = [
        (
            rule.code,
            rule.verdict,
            rule.deadline,
            rule.note,
            [(str(e.label), e.date, str(e.url)) for e in rule.evidence] if evidence else None,
        )
        for rule in result.rules
    ]
    return result.council.pk, result.year, result.quarter, result.verdict, rules, result.state_body


def external(consultation: Consultation, event: str, day: datetime.date) -> None:
    """The consultation's announcement of `event`, published also in the media on `day`."""
    announcement = Announcement.objects.get(
        subject_type=ContentType.objects.get_for_model(Consultation), subject_id=consultation.pk, event=event
    )
    record_publication(
        announcement,
        by=secretary_of(consultation.schedule.council),
        outlet_kind="social",
        outlet="Facebook",
        link=f"https://facebook.com/post/{announcement.pk}",
        published_on=day,
    )


@pytest.fixture
def varied(today):
    """Councils whose quarter has every kind of consultation: each step, both occasions, cancelled, published in
    the media or not, a recommendation sent and answered or not, steps undone; one council with nothing at all."""
    busy, partial, idle = CouncilFactory(), CouncilFactory(), CouncilFactory()
    by = secretary_of(busy)
    for state in (State.DECIDED, State.ANNOUNCED, State.HELD, State.PROPOSALS_COMPILED, State.POSITION_PUBLISHED):
        consultation_at(state, council=busy, by=by)
    draft = consultation_at(State.RECOMMENDATION_DRAFTED, council=busy, by=by, occasion="draft_act")
    Recommendation.objects.filter(consultation=draft).update(sent_on=today - datetime.timedelta(days=1))
    answered = published_at(State.POSITION_PUBLISHED, council=busy, occasion="draft_act")
    Recommendation.objects.filter(consultation=answered).update(
        sent_on=today - datetime.timedelta(days=2), answer_received_on=today
    )
    external(answered, Announcement.Event.RESULTS_PUBLISHED, today)
    # Steps undone: the review reads the log's entries for the states the rules read, step backs included.
    undrafted = consultation_at(State.RECOMMENDATION_DRAFTED, council=busy, by=by, occasion="draft_act")
    workflow.step_back(undrafted, by=by, reason="Қате")
    reopened = consultation_at(State.PROPOSALS_COMPILED, council=busy, by=by)
    workflow.step_back(reopened, by=by, reason="Қате")
    announced = published_at(State.ANNOUNCED, council=partial)
    external(announced, Announcement.Event.CONSULTATION_ANNOUNCED, today)
    consultation_at(State.CANCELLED, council=partial)
    planned_consultation(partial)
    return [busy, partial, idle]


def test_the_review_of_many_councils_judges_as_the_rules_do_one_by_one(varied, today):
    year = today.year
    quarters = [(year, q) for q in (1, 2, 3, 4)]
    compared, seen = 0, set()
    for day in (today, today + datetime.timedelta(days=20), today + datetime.timedelta(days=200)):
        expected = [reference(c, y, q, day) for c in varied for y, q in quarters]
        with_evidence = compliance.review(varied, quarters, today=day)
        verdicts_only = compliance.review(varied, quarters, today=day, evidence=False)
        assert [judged(r, True) for r in with_evidence] == [judged(r, True) for r in expected]
        assert [judged(r, False) for r in verdicts_only] == [judged(r, False) for r in expected]
        assert all(rule.evidence == [] for result in verdicts_only for rule in result.rules)
        compared += len(expected)
        seen |= {(rule.code, rule.verdict) for result in expected for rule in result.rules}
    assert compared == 36
    # The dataset is varied enough to tell the rules apart: each verdict given by several rules.
    for verdict in (compliance.COMPLIANT, compliance.NON_COMPLIANT, compliance.NOT_YET_DUE):
        assert len({code for code, v in seen if v == verdict}) >= 2, (verdict, seen)


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_the_matrix_and_its_exports_take_as_many_queries_for_300_councils_as_for_3(ministry, varied, today):
    paths = ["/admin/compliance/?quarter=all", "/admin/compliance/export.csv?quarter=all&lang=kk"]
    few = [queries(lambda path=path: ministry.get(path)) for path in paths]
    review_few = queries(lambda: compliance.review(Council.objects.all(), [(today.year, 1)], evidence=False))
    for _ in range(3):
        published_at(State.POSITION_PUBLISHED, council=CouncilFactory(), occasion="draft_act")
    CouncilFactory.create_batch(297)
    assert Council.objects.count() == 303
    assert [queries(lambda path=path: ministry.get(path)) for path in paths] == few
    assert queries(lambda: compliance.review(Council.objects.all(), [(today.year, 1)], evidence=False)) == review_few
    assert few[0] <= 17  # the session, the user and the admin's own besides the review's


def test_a_change_shows_in_the_next_review_though_judgements_are_remembered(today):
    """The review without evidence remembers each consultation's judgements by the facts they read: after a
    consultation's announcement is published in the media, the next review judges it anew."""
    council = CouncilFactory()
    opens = timezone.now() + datetime.timedelta(days=3)  # citizens are informed in time until the window opens
    announced = consultation_at(State.ANNOUNCED, council=council, window_opens_at=opens)
    quarter = [(announced.schedule.year, announced.schedule.quarter)]

    def informed() -> str:
        result = compliance.review([council], quarter, today=today, evidence=False)[0]
        assert judged(result, False) == judged(reference(council, *quarter[0], today), False)
        return next(rule.verdict for rule in result.rules if rule.code == "citizens_informed")

    assert informed() == compliance.NOT_YET_DUE  # on the portal only
    external(announced, Announcement.Event.CONSULTATION_ANNOUNCED, today)
    assert informed() == compliance.COMPLIANT
