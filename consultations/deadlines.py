"""What must happen next to a consultation, and by when (DESIGN.md, "Quarterly compliance").

A step done late is never refused; the workspace shows it as overdue once its deadline has passed. The
numbers of days are the ministry's policy, not law (the compliance issue makes them editable).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from . import workflow
from .models import CompliancePolicy, Consultation

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
