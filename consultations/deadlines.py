"""By when each step is due (DESIGN.md, "Quarterly compliance"): the deadline rules of the step table.

One rule per step that has a deadline, read by the workspace (the next step and whether it is overdue), the
reminders, and the ministry's compliance review — so that the secretary and the ministry always see the same
date. A rule takes the consultation, the dates on which its steps were reached (`workflow.steps_reached`) and
the ministry's policy numbers; it returns None while the date cannot be known yet.

A step done late is never refused; the workspace shows it as overdue once its deadline has passed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from .models import CompliancePolicy, Consultation, quarter_bounds
from .working_days import add_working_days

State = Consultation.State
Reached = dict[str, datetime.date]
DueRule = Callable[[Consultation, Reached, CompliancePolicy], "datetime.date | None"]

SEND_WORKING_DAYS = 7  # Law "On Public Control", art. 13: the council sends its final document
ANSWER_WORKING_DAYS = 10  # … and the state body answers it


# The window's days come from the consultation (`opens_on`, `closes_on`): the compliance review reads them
# for thousands of consultations at once, already converted by the database.
def _opens(consultation: Consultation) -> datetime.date | None:
    return consultation.opens_on


def _after_close(consultation: Consultation, days: int) -> datetime.date | None:
    closes = consultation.closes_on
    return closes + datetime.timedelta(days=days) if closes else None


def schedule_due(year: int, quarter: int, policy: CompliancePolicy) -> datetime.date:
    """The quarter's schedule is approved and published by the policy's day of the quarter."""
    return quarter_bounds(year, quarter)[0] + datetime.timedelta(days=policy.schedule_day - 1)


def before_window_opens(consultation: Consultation, reached: Reached, policy: CompliancePolicy):
    """Steps 3 and 4: citizens are informed, and the consultation held, by the opening of the window."""
    return _opens(consultation)


def list_due(consultation: Consultation, reached: Reached, policy: CompliancePolicy):
    """Step 5: the policy's days after the window closes."""
    return _after_close(consultation, policy.list_days)


def recommendation_due(consultation: Consultation, reached: Reached, policy: CompliancePolicy):
    """Step 6: the policy's days after the list was formed, on the date the log gives for step 5 (a step back
    from step 6 does not move it)."""
    compiled = reached.get(State.PROPOSALS_COMPILED)
    return compiled + datetime.timedelta(days=policy.recommendation_days) if compiled else None


def results_due(consultation: Consultation, reached: Reached, policy: CompliancePolicy):
    """Step 7: the policy's days after the window closes."""
    return _after_close(consultation, policy.results_days)


def send_due(reached: Reached) -> datetime.date | None:
    """The recommendation goes to the state body within 7 working days of step 6."""
    drafted = reached.get(State.RECOMMENDATION_DRAFTED)
    return add_working_days(drafted, SEND_WORKING_DAYS) if drafted else None


def answer_due(sent_on: datetime.date | None) -> datetime.date | None:
    """The state body answers within 10 working days of receiving it."""
    return add_working_days(sent_on, ANSWER_WORKING_DAYS) if sent_on else None


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


def state_body_deadlines(consultation: Consultation, reached: Reached) -> StateBodyDeadlines | None:
    recommendation = getattr(consultation, "recommendation", None)
    due = send_due(reached)
    if recommendation is None or due is None:
        return None
    return StateBodyDeadlines(
        send_due=due,
        sent_on=recommendation.sent_on,
        answer_due=answer_due(recommendation.sent_on),
        answer_received_on=recommendation.answer_received_on,
    )
