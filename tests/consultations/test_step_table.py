"""One row per step (issue 12): the dashboard, the workspace, the reminders and the ministry's compliance review
read each step's deadline, conditions and applicability from the step table, so they never disagree."""

import datetime
import re

import pytest
from django.utils import timezone

from common.errors import ActionRefused
from consultations import compliance, reminders, workflow
from consultations.models import CompliancePolicy, Consultation
from consultations.services import set_questions
from proposals.models import Proposal
from tests.factories import (
    add_proposal,
    planned_consultation,
    publish_schedule_of,
    quorate_meeting,
    secretary_of,
    url,
    write_recommendation,
)
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State
DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate
# The compliance rule that judges each step with a deadline of its own.
RULE_OF = {"announce": "citizens_informed", "compile_proposals": "list_formed",
           "draft_recommendation": "recommendation_drafted", "publish_position": "results_published"}  # fmt: skip


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def dashboard_step(client, consultation) -> workflow.NextStep:
    """The next step and its deadline as the secretary's dashboard shows them."""
    client.force_login(secretary_of(consultation.schedule.council))
    rows = client.get(url("workspace:dashboard")).context["rows"]
    return next(step for row in rows for c, step in row["consultations"] if c.pk == consultation.pk)


def compliance_rule(consultation, code: str) -> compliance.RuleResult:
    schedule = consultation.schedule
    quarter = compliance.review([schedule.council], [(schedule.year, schedule.quarter)])[0]
    return next(rule for rule in quarter.rules if rule.code == code)


def drafted_long_ago_then_stepped_back() -> Consultation:
    """A draft act whose list was formed 15 days ago and recommendation drafted 12 days ago, stepped back today
    from step 6 to step 5 to correct the recommendation."""
    now = timezone.now()
    consultation = planned_consultation(
        occasion=Consultation.Occasion.DRAFT_ACT, window_opens_at=now - 40 * DAY, window_closes_at=now - 30 * DAY
    )
    secretary = secretary_of(consultation.schedule.council)
    set_questions(consultation, by=secretary, questions=[("Сұрақ?", "Вопрос?")])
    publish_schedule_of(consultation, by=secretary)
    meeting = quorate_meeting(consultation.schedule.council, date=TODAY() - 45 * DAY)
    workflow.decide(consultation, by=secretary, meeting=meeting)
    workflow.approve_questions(consultation, by=secretary, meeting=meeting)
    workflow.announce(consultation, by=secretary, occurred_on=TODAY() - 42 * DAY)
    workflow.open_intake(consultation, by=secretary, occurred_on=TODAY() - 40 * DAY)
    add_proposal(consultation, by=secretary, moderation=Proposal.Moderation.LISTED)
    workflow.compile_proposals(consultation, by=secretary, occurred_on=TODAY() - 15 * DAY)
    write_recommendation(consultation)
    workflow.draft_recommendation(consultation, by=secretary, occurred_on=TODAY() - 12 * DAY)
    workflow.step_back(consultation, by=secretary, reason="Ұсынымды түзету / Исправить рекомендацию")
    return consultation


def test_after_a_step_back_from_step_six_the_dashboard_and_compliance_give_the_same_deadline(client):
    consultation = drafted_long_ago_then_stepped_back()

    step = dashboard_step(client, consultation)
    rule = compliance_rule(consultation, "recommendation_drafted")

    expected = TODAY() - 15 * DAY + datetime.timedelta(days=CompliancePolicy.current().recommendation_days)
    assert step.step is workflow.DRAFT_RECOMMENDATION
    assert step.due == rule.deadline == expected
    assert step.overdue and rule.verdict == compliance.NON_COMPLIANT
    page = text(client.get(url("workspace:consultation", slug=consultation.slug)))
    assert "мерзімі өткен" in page


@pytest.mark.parametrize(
    ("state", "occasion"),
    [
        (State.QUESTIONS_APPROVED, "appeal"),
        (State.HELD, "appeal"),
        (State.PROPOSALS_COMPILED, "draft_act"),
        (State.RECOMMENDATION_DRAFTED, "draft_act"),
        (State.PROPOSALS_COMPILED, "appeal"),
    ],
)
def test_the_dashboard_and_compliance_give_every_step_the_same_deadline(client, state, occasion):
    consultation = published_at(state, occasion=occasion)
    step = dashboard_step(client, consultation)
    rule = compliance_rule(consultation, RULE_OF[step.step.name])
    assert step.due is not None and step.due == rule.deadline


# ---------------------------------------------------------------------------------------------------------
# A change to a row is seen by every reader


def test_a_rows_deadline_is_what_the_dashboard_the_workspace_the_reminders_and_compliance_show(client, monkeypatch):
    consultation = published_at(State.HELD)
    due = TODAY() - 3 * DAY
    monkeypatch.setattr(workflow.COMPILE_PROPOSALS, "due", lambda c, reached, policy: due)

    assert dashboard_step(client, consultation).due == due
    assert compliance_rule(consultation, "list_formed").deadline == due
    overdue = reminders.due(TODAY(), CompliancePolicy.current())[consultation.schedule.council_id]["overdue"]
    assert [(c.pk, step.due) for c, step in overdue] == [(consultation.pk, due)]
    page = client.get(url("workspace:consultation", slug=consultation.slug))
    assert page.context["next"].due == due


def test_a_condition_added_to_a_row_refuses_the_step_in_the_service_and_the_workspace(client, monkeypatch):
    consultation = published_at(State.QUESTIONS_APPROVED)
    secretary = secretary_of(consultation.schedule.council)
    signed = lambda c, act: ["Attach the signed announcement."]  # noqa: E731
    monkeypatch.setattr(workflow.ANNOUNCE, "conditions", (*workflow.ANNOUNCE.conditions, signed))

    with pytest.raises(ActionRefused, match="signed announcement"):
        workflow.announce(consultation, by=secretary)
    client.force_login(secretary)
    texts = {f"{field}_{lang}": "Хабарландыру" for field in ("title", "text") for lang in ("kk", "ru")}
    response = client.post(
        url("workspace:step", slug=consultation.slug, name="announce"),
        {"occurred_on": TODAY().isoformat(), **texts},
    )
    assert response.status_code == 400 and "Attach the signed announcement." in text(response)
    with pytest.raises(ActionRefused, match="signed announcement"):  # scheduled for later: checked now too
        workflow.schedule_announcement(consultation, by=secretary, publish_at=timezone.now() + DAY)
    consultation.refresh_from_db()
    assert consultation.state == State.QUESTIONS_APPROVED


def test_a_row_that_stops_applying_is_skipped_by_every_reader(client, monkeypatch):
    consultation = published_at(State.PROPOSALS_COMPILED, occasion="draft_act")
    monkeypatch.setattr(workflow.DRAFT_RECOMMENDATION, "applies", lambda c: False)

    assert dashboard_step(client, consultation).step is workflow.PUBLISH_POSITION
    page = client.get(url("workspace:consultation", slug=consultation.slug))
    assert page.context["primary"] is workflow.PUBLISH_POSITION
    assert [step.number for step in page.context["timeline"]] == [1, 2, 3, 4, 5, 7]
    assert compliance_rule(consultation, "recommendation_drafted").verdict == compliance.NOT_APPLICABLE
    public = text(client.get(url("consultations:detail", "ru", slug=consultation.slug)))
    assert "Шаг 6" not in public and "Шаг 7" in public


def test_a_rows_hint_is_what_the_workspace_tells_the_secretary(client, monkeypatch):
    consultation = published_at(State.DECIDED)
    monkeypatch.setattr(workflow.APPROVE_QUESTIONS, "hint", "Read the questions aloud at the meeting first.")
    client.force_login(secretary_of(consultation.schedule.council))
    assert "Read the questions aloud" in text(client.get(url("workspace:consultation", slug=consultation.slug)))
