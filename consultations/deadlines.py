"""What must happen next to a consultation, and by when (DESIGN.md, "Quarterly compliance").

A step done late is never refused; the workspace shows it as overdue once its deadline has passed. The
numbers of days are the ministry's policy, not law (the compliance issue makes them editable).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from . import workflow
from .compliance import ANSWER_WORKING_DAYS, SEND_WORKING_DAYS
from .models import CompliancePolicy, Consultation
from .working_days import add_working_days

State = Consultation.State


@dataclass(frozen=True)
class NextStep:
    transition: workflow.Transition
    due: datetime.date | None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


def next_step(consultation: Consultation, policy: CompliancePolicy | None = None) -> NextStep | None:
    """The step the secretary takes next, with its deadline when the compliance rules give one."""
    policy = policy or CompliancePolicy.current()
    closes = timezone.localdate(consultation.window_closes_at) if consultation.window_closes_at else None
    opens = timezone.localdate(consultation.window_opens_at) if consultation.window_opens_at else None
    after_close = lambda n: closes + datetime.timedelta(days=n) if closes else None  # noqa: E731
    match consultation.state:
        case State.PLANNED:
            return NextStep(workflow.DECIDE, None)
        case State.DECIDED:
            return NextStep(workflow.APPROVE_QUESTIONS, None)
        case State.QUESTIONS_APPROVED:
            # Citizens are informed before the proposal window opens.
            return NextStep(workflow.ANNOUNCE, opens)
        case State.ANNOUNCED:
            return NextStep(workflow.OPEN_INTAKE, opens)
        case State.HELD:
            return NextStep(workflow.COMPILE_PROPOSALS, after_close(policy.list_days))
        case State.PROPOSALS_COMPILED if consultation.is_draft_act:
            since = consultation.state_since
            due = since + datetime.timedelta(days=policy.recommendation_days) if since else None
            return NextStep(workflow.DRAFT_RECOMMENDATION, due)
        case State.PROPOSALS_COMPILED | State.RECOMMENDATION_DRAFTED:
            return NextStep(workflow.PUBLISH_POSITION, after_close(policy.results_days))
    return None


@dataclass(frozen=True)
class StateBodyDeadlines:
    """The recommendation's road to the state body (Law "On Public Control", art. 13): sent within 7
    working days of step 6, answered within 10 working days of being sent."""

    send_due: datetime.date
    sent_on: datetime.date | None
    answer_due: datetime.date | None
    answer_received_on: datetime.date | None

    @property
    def send_overdue(self) -> bool:
        return self.sent_on is None and self.send_due < timezone.localdate()

    @property
    def answer_overdue(self) -> bool:
        return (
            self.answer_due is not None and self.answer_received_on is None and self.answer_due < timezone.localdate()
        )


def state_body_deadlines(consultation: Consultation) -> StateBodyDeadlines | None:
    recommendation = getattr(consultation, "recommendation", None)
    drafted = (
        consultation.transitions.filter(to_state=State.RECOMMENDATION_DRAFTED)
        .order_by("-id")
        .values_list("occurred_on", flat=True)
        .first()
    )
    if recommendation is None or drafted is None:
        return None
    sent = recommendation.sent_on
    return StateBodyDeadlines(
        send_due=add_working_days(drafted, SEND_WORKING_DAYS),
        sent_on=sent,
        answer_due=add_working_days(sent, ANSWER_WORKING_DAYS) if sent else None,
        answer_received_on=recommendation.answer_received_on,
    )
