"""Revisions of a published schedule: what it says of a consultation changes only in its next revision.

A published schedule is the council's evidence, and citizens plan by it: once a consultation is public, a
change to its title, dates, proposal window, format or venue (`SCHEDULE_FIELDS`) waits, as a
`ScheduleChange`, for the schedule's next revision to be approved at a quorate meeting and published
(DESIGN.md, "Quarterly schedule"). These are the reads the services, the PDF and the announcement share.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from .models import SCHEDULE_FIELDS, Consultation, QuarterlySchedule, ScheduleChange

State = Consultation.State
__all__ = ["SCHEDULE_FIELDS", "as_in_revision", "change_problems", "pending_change"]


def pending_change(consultation: Consultation) -> ScheduleChange | None:
    """The change of this consultation waiting for the schedule's next revision, if any."""
    return consultation.schedule_changes.pending().order_by("-revision").first()


def as_in_revision(schedule: QuarterlySchedule) -> list[Consultation]:
    """The consultations of the schedule's current revision as that revision shows them: the published
    values, with the changes waiting for this revision laid over them (in memory, nothing saved)."""
    consultations = list(schedule.consultations.filter(revision__lte=schedule.revision).order_by("number"))
    changes = {
        change.consultation_id: change
        for change in ScheduleChange.objects.pending().filter(
            consultation__schedule=schedule, revision=schedule.revision
        )
    }
    for consultation in consultations:
        if change := changes.get(consultation.pk):
            for name, value in change.new_values().items():
                setattr(consultation, name, value)
    return consultations


def change_problems(consultation: Consultation, values: dict, *, now: datetime.datetime) -> list[str]:
    """What keeps `values` (the changed schedule fields) from being applied to the consultation now: a
    proposal window cannot be moved once it has run. The model's own checks (`full_clean`) come on top."""
    problems = []
    if consultation.state in (State.POSITION_PUBLISHED, State.CANCELLED):
        return [_("A consultation whose position is published, or that is cancelled, is no longer changed.")]
    intake_began = consultation.state not in (
        State.PLANNED, State.DECIDED, State.QUESTIONS_APPROVED, State.ANNOUNCED
    )  # fmt: skip
    if "window_opens_at" in values and intake_began:
        problems.append(_("The proposal window has already opened: its opening can no longer be moved."))
    if "window_closes_at" in values:
        closes = values["window_closes_at"]
        closed = consultation.state in (State.PROPOSALS_COMPILED, State.RECOMMENDATION_DRAFTED) or (
            consultation.state == State.HELD
            and consultation.window_closes_at is not None
            and consultation.window_closes_at <= now
        )
        if closed:
            problems.append(_("The proposal window has already closed: its closing can no longer be moved."))
        elif closes is not None and closes <= now:
            problems.append(_("The proposal window can only be moved to close in the future."))
        elif closes is None and consultation.state == State.HELD:
            problems.append(_("Give the time the proposal window closes."))
    return problems
