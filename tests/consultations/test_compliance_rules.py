"""Each compliance rule on its own: compliant, non-compliant and not yet due, on the boundaries."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultations import compliance
from consultations.compliance import COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, NOT_YET_DUE, Facts
from consultations.models import CompliancePolicy, Consultation, Recommendation, ScheduleTransition
from councils.models import Council, Meeting, Quorum
from publications.models import Announcement
from publications.services import (
    create_announcement,
    publish_on_portal,
    record_publication,
    remove_recorded_publication,
)
from tests.factories import CouncilFactory, secretary_of

D = datetime.date
State = Consultation.State
Event = Announcement.Event


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def facts(**given) -> Facts:
    """The second quarter of 2026 of a council, as the rules see it; nothing has happened unless given."""
    values = {
        "council": Council(pk=1, slug="c", name="C"),
        "year": 2026,
        "quarter": 2,
        "today": D(2026, 11, 25),
        "policy": CompliancePolicy(),
        "schedule_log": [],
        "schedule_announcements": [],
        "consultations": [],
        "steps": {},
        "announcements": {},
        "recommendations": {},
        "quorums": {},
    }
    return Facts(**(values | given))


MAY_4, MAY_20 = D(2026, 5, 4), D(2026, 5, 20)


def consultation(pk=1, occasion="appeal", opens=MAY_4, closes=MAY_20) -> Consultation:
    return Consultation(
        pk=pk, occasion=occasion, title="T", window_opens_at=at(opens, 9), window_closes_at=at(closes, 18)
    )


# ---------------------------------------------------------------------------------------------------------
# The schedule: approved at a quorate meeting, by the 15th day of the quarter (a policy setting)


def approval(day, *, members=12, present=8):
    meeting = Meeting(pk=7, date=day, protocol_number="3")
    log = [ScheduleTransition(to_state="approved", meeting=meeting, occurred_on=day)]
    return {"schedule_log": log, "quorums": {7: Quorum(members=members, present=present)}}


def test_schedule_approved_on_the_fifteenth_day_is_compliant():
    assert compliance.schedule_approved(facts(**approval(D(2026, 4, 15)))).verdict == COMPLIANT


def test_schedule_approved_on_the_sixteenth_day_is_late():
    result = compliance.schedule_approved(facts(**approval(D(2026, 4, 16))))
    assert result.verdict == NON_COMPLIANT and result.deadline == D(2026, 4, 15)


def test_schedule_approved_at_a_meeting_without_quorum_does_not_count():
    result = compliance.schedule_approved(facts(**approval(D(2026, 4, 10), present=7)))
    assert result.verdict == NON_COMPLIANT
    assert "7" in result.evidence[0].label and "12" in result.evidence[0].label


def test_a_missing_approval_is_not_yet_due_until_the_deadline_passes():
    assert compliance.schedule_approved(facts(today=D(2026, 4, 15))).verdict == NOT_YET_DUE
    assert compliance.schedule_approved(facts(today=D(2026, 4, 16))).verdict == NON_COMPLIANT


def test_the_ministry_can_move_the_schedules_deadline():
    late = facts(**approval(D(2026, 4, 20)), policy=CompliancePolicy(schedule_day=20))
    assert compliance.schedule_approved(late).verdict == COMPLIANT


# ---------------------------------------------------------------------------------------------------------
# Published: on the portal and in social networks or the media


@pytest.fixture
def council(db):
    return CouncilFactory()


def announcement(council, event, portal_day, external_day=None):
    a = create_announcement(
        council=council, event=event, subject=None, title_kk="Т", title_ru="Т", text_kk="Т", text_ru="Т"
    )
    publish_on_portal(a, at=at(portal_day))
    if external_day:
        record_publication(
            a,
            by=secretary_of(council),
            outlet_kind="social",
            outlet="Facebook",
            link=f"https://facebook.com/post/{a.pk}",
            published_on=external_day,
        )
    return Announcement.objects.prefetch_related("deliveries").get(pk=a.pk)


def test_schedule_published_needs_an_external_publication_too(council):
    portal_only = facts(schedule_announcements=[announcement(council, Event.SCHEDULE_PUBLISHED, D(2026, 4, 5))])
    assert compliance.schedule_published(portal_only).verdict == NON_COMPLIANT
    both = facts(
        schedule_announcements=[announcement(council, Event.SCHEDULE_PUBLISHED, D(2026, 4, 5), D(2026, 4, 15))]
    )
    assert compliance.schedule_published(both).verdict == COMPLIANT
    late = facts(
        schedule_announcements=[announcement(council, Event.SCHEDULE_PUBLISHED, D(2026, 4, 5), D(2026, 4, 16))]
    )
    assert compliance.schedule_published(late).verdict == NON_COMPLIANT
    assert compliance.schedule_published(facts(today=D(2026, 4, 14))).verdict == NOT_YET_DUE


def test_a_newspaper_publication_the_secretary_records_counts_until_it_is_removed(council):
    portal_only = announcement(council, Event.SCHEDULE_PUBLISHED, D(2026, 4, 5))
    result = compliance.schedule_published(facts(schedule_announcements=[portal_only]))
    assert result.verdict == NON_COMPLIANT and result.note == "Not published in social networks or the media."

    secretary = secretary_of(council)
    scan = SimpleUploadedFile("page-3.pdf", b"%PDF-1.4 a scanned page")
    newspaper = record_publication(
        portal_only, by=secretary, outlet_kind="newspaper", outlet="Арқа ажары", published_on=D(2026, 4, 12), scan=scan
    )
    recorded = Announcement.objects.prefetch_related("deliveries").get(pk=portal_only.pk)
    result = compliance.schedule_published(facts(schedule_announcements=[recorded]))
    assert result.verdict == COMPLIANT
    assert [(e.label, e.date) for e in result.evidence][1] == ("External publication", D(2026, 4, 12))

    remove_recorded_publication(newspaper, by=secretary)
    removed = Announcement.objects.prefetch_related("deliveries").get(pk=portal_only.pk)
    result = compliance.schedule_published(facts(schedule_announcements=[removed]))
    assert result.verdict == NON_COMPLIANT and result.note == "Not published in social networks or the media."


# ---------------------------------------------------------------------------------------------------------
# At least one consultation held in the quarter


def test_a_consultation_held_on_the_last_day_of_the_quarter_counts():
    c = consultation()
    assert (
        compliance.consultation_held(facts(consultations=[c], steps={1: {State.HELD: D(2026, 6, 30)}})).verdict
        == COMPLIANT
    )
    assert (
        compliance.consultation_held(facts(consultations=[c], steps={1: {State.HELD: D(2026, 7, 1)}})).verdict
        == NON_COMPLIANT
    )


def test_no_consultation_held_is_not_yet_due_within_the_quarter():
    assert compliance.consultation_held(facts(today=D(2026, 6, 30), steps={})).verdict == NOT_YET_DUE
    assert compliance.consultation_held(facts(today=D(2026, 7, 1), steps={})).verdict == NON_COMPLIANT


# ---------------------------------------------------------------------------------------------------------
# Citizens informed before each consultation's window opens


def test_citizens_informed_on_the_day_the_window_opens_is_in_time(council):
    c = consultation(opens=D(2026, 5, 4))
    announced = {
        1: {
            Event.CONSULTATION_ANNOUNCED: [
                announcement(council, Event.CONSULTATION_ANNOUNCED, D(2026, 5, 1), D(2026, 5, 4))
            ]
        }
    }
    assert (
        compliance.citizens_informed(facts(consultations=[c], steps={1: {}}, announcements=announced)).verdict
        == COMPLIANT
    )
    late = {
        1: {
            Event.CONSULTATION_ANNOUNCED: [
                announcement(council, Event.CONSULTATION_ANNOUNCED, D(2026, 5, 1), D(2026, 5, 5))
            ]
        }
    }
    assert (
        compliance.citizens_informed(facts(consultations=[c], steps={1: {}}, announcements=late)).verdict
        == NON_COMPLIANT
    )


def test_citizens_informed_is_not_yet_due_before_the_window_and_not_applicable_without_consultations():
    c = consultation(opens=D(2026, 5, 4))
    pending = facts(consultations=[c], steps={1: {}}, announcements={1: {}}, today=D(2026, 5, 3))
    assert compliance.citizens_informed(pending).verdict == NOT_YET_DUE
    assert compliance.citizens_informed(facts()).verdict == NOT_APPLICABLE


def test_a_cancelled_consultation_is_left_out_of_the_per_consultation_rules():
    c = consultation()
    cancelled = facts(consultations=[c], steps={1: {State.CANCELLED: D(2026, 4, 20)}}, announcements={1: {}})
    assert compliance.citizens_informed(cancelled).verdict == NOT_APPLICABLE


# ---------------------------------------------------------------------------------------------------------
# The list of proposals, 10 days after the window closes (a policy setting)


def test_list_formed_on_the_tenth_day_after_the_window_is_in_time():
    c = consultation(closes=D(2026, 5, 20))
    assert (
        compliance.list_formed(facts(consultations=[c], steps={1: {State.PROPOSALS_COMPILED: D(2026, 5, 30)}})).verdict
        == COMPLIANT
    )
    assert (
        compliance.list_formed(facts(consultations=[c], steps={1: {State.PROPOSALS_COMPILED: D(2026, 5, 31)}})).verdict
        == NON_COMPLIANT
    )
    assert compliance.list_formed(facts(consultations=[c], steps={1: {}}, today=D(2026, 5, 30))).verdict == NOT_YET_DUE


# ---------------------------------------------------------------------------------------------------------
# The recommendation, for draft acts only: drafted 10 days after the list, sent within 7 working days


def test_recommendation_drafted_applies_to_draft_acts_only():
    appeal = consultation(occasion="appeal")
    assert (
        compliance.recommendation_drafted(
            facts(consultations=[appeal], steps={1: {State.PROPOSALS_COMPILED: D(2026, 5, 25)}})
        ).verdict
        == NOT_APPLICABLE
    )
    act = consultation(occasion="draft_act")
    steps = {State.PROPOSALS_COMPILED: D(2026, 5, 25), State.RECOMMENDATION_DRAFTED: D(2026, 6, 4)}
    assert compliance.recommendation_drafted(facts(consultations=[act], steps={1: steps})).verdict == COMPLIANT
    steps[State.RECOMMENDATION_DRAFTED] = D(2026, 6, 5)
    assert compliance.recommendation_drafted(facts(consultations=[act], steps={1: steps})).verdict == NON_COMPLIANT


@pytest.mark.parametrize(
    ("sent", "today", "verdict"),
    [
        (D(2026, 4, 2), None, COMPLIANT),  # the 7th working day after 19 March, across Nauryz and its moved days off
        (D(2026, 4, 3), None, NON_COMPLIANT),
        (None, D(2026, 4, 2), NOT_YET_DUE),
        (None, D(2026, 4, 3), NON_COMPLIANT),
    ],
)
def test_recommendation_sent_within_seven_working_days(sent, today, verdict):
    act = Consultation(pk=1, occasion="draft_act", title="T")
    f = facts(
        quarter=1,
        consultations=[act],
        steps={1: {State.RECOMMENDATION_DRAFTED: D(2026, 3, 19)}},
        recommendations={1: Recommendation(consultation_id=1, sent_on=sent)},
        today=today or D(2026, 11, 25),
    )
    assert compliance.recommendation_sent(f).verdict == verdict


def test_a_recommendation_sent_on_friday_is_due_for_an_answer_after_the_weekend():
    act = Consultation(pk=1, occasion="draft_act", title="T")
    sent = D(2026, 11, 13)  # a Friday: 10 working days run to Friday 27 November
    recommendations = {1: Recommendation(consultation_id=1, sent_on=sent, answer_received_on=D(2026, 11, 27))}
    answers = compliance.state_body_answers(facts(consultations=[act], recommendations=recommendations))
    assert (answers.in_time, answers.late) == (1, 0)
    recommendations[1].answer_received_on = D(2026, 11, 30)
    answers = compliance.state_body_answers(facts(consultations=[act], recommendations=recommendations))
    assert (answers.in_time, answers.late) == (0, 1)
    recommendations[1].answer_received_on = None
    assert (
        compliance.state_body_answers(
            facts(consultations=[act], recommendations=recommendations, today=D(2026, 11, 27))
        ).waiting
        == 1
    )
    assert (
        compliance.state_body_answers(
            facts(consultations=[act], recommendations=recommendations, today=D(2026, 11, 30))
        ).overdue
        == 1
    )


# ---------------------------------------------------------------------------------------------------------
# Results published 30 days after the window closes (a policy setting), on the portal and externally


def test_results_published_needs_step_seven_and_an_external_publication(council):
    c = consultation(closes=D(2026, 5, 20))
    steps = {1: {State.POSITION_PUBLISHED: D(2026, 6, 15)}}
    in_time = {
        1: {Event.RESULTS_PUBLISHED: [announcement(council, Event.RESULTS_PUBLISHED, D(2026, 6, 15), D(2026, 6, 19))]}
    }
    assert (
        compliance.results_published(facts(consultations=[c], steps=steps, announcements=in_time)).verdict == COMPLIANT
    )
    late = {
        1: {Event.RESULTS_PUBLISHED: [announcement(council, Event.RESULTS_PUBLISHED, D(2026, 6, 15), D(2026, 6, 20))]}
    }
    assert (
        compliance.results_published(facts(consultations=[c], steps=steps, announcements=late)).verdict == NON_COMPLIANT
    )
    waiting = facts(consultations=[c], steps={1: {}}, announcements={1: {}}, today=D(2026, 6, 19))
    assert compliance.results_published(waiting).verdict == NOT_YET_DUE


# ---------------------------------------------------------------------------------------------------------
# The verdict of a council's quarter


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ({}, COMPLIANT),
        ({"results_published": NON_COMPLIANT}, "partly"),
        ({"schedule_published": NON_COMPLIANT}, NON_COMPLIANT),
        ({"consultation_held": NON_COMPLIANT, "list_formed": NOT_YET_DUE}, NON_COMPLIANT),
        ({"list_formed": NOT_YET_DUE}, NOT_YET_DUE),
        ({"list_formed": NOT_YET_DUE, "results_published": NON_COMPLIANT}, "partly"),
        ({"recommendation_sent": NOT_APPLICABLE}, COMPLIANT),
    ],
)
def test_the_quarters_verdict(verdicts, expected):
    codes = compliance.RULE_CODES
    assert compliance.overall([verdicts.get(code, COMPLIANT) for code in codes], codes) == expected
