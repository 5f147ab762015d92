"""Revisions of a published schedule: what it says of a consultation changes only in its next revision.

A published schedule is the council's evidence, and citizens plan by it: once a consultation is public, a
change to its title, dates, format or venue (`SCHEDULE_FIELDS`) waits, as a
`ScheduleChange`, for the schedule's next revision to be approved at a quorate meeting and published
(DESIGN.md, "Quarterly schedule"). These are the reads the services, the PDF and the announcement share.
"""

from __future__ import annotations

from .models import SCHEDULE_FIELDS, Consultation, QuarterlySchedule, ScheduleChange

State = Consultation.State
__all__ = ["SCHEDULE_FIELDS", "as_in_revision", "pending_change"]


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
