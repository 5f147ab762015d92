"""Writes and rules about councils, their members and meetings."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import ActionRefused
from .models import Council, Meeting, Membership
from .permissions import can_act


def decision_meeting_problems(meeting: Meeting | None, council: Council) -> list[str]:
    """What keeps `meeting` from carrying a decision of `council` "taken at a meeting": the schedule's
    approval, steps 1 and 2. Law "On Public Councils", art. 13 p. 2: two thirds of all members present."""
    if meeting is None:
        return [_("Choose the council meeting at which this was decided.")]
    if meeting.council_id != council.pk:
        return [_("That meeting is not a meeting of this council.")]
    if meeting.date > timezone.localdate():
        return [_("The meeting of %(date)s has not taken place yet.") % {"date": meeting.date.strftime("%d.%m.%Y")}]
    quorum = meeting.quorum()
    if quorum.reached:
        return []
    if quorum.members == 0:
        return [_("The council had no members on the date of the meeting, so the meeting could not be quorate.")]
    return [_("The meeting was not quorate: %(summary)s.") % {"summary": quorum.summary()}]


@transaction.atomic
def record_attendance(meeting: Meeting, *, by, attendees: Iterable[Membership]) -> None:
    """Who attended: chosen among the people of the council on the meeting's date."""
    if not can_act(by, meeting.council):
        raise ActionRefused(_("Only the council's secretary or chair may do this."))
    attendees = list(attendees)
    eligible = set(
        Membership.objects.filter(council_id=meeting.council_id).on(meeting.date).values_list("pk", flat=True)
    )
    strangers = [m.full_name for m in attendees if m.pk not in eligible]
    if strangers:
        raise ActionRefused(
            _("Not in the council on the date of the meeting: %(names)s.") % {"names": ", ".join(strangers)}
        )
    meeting.attendees.set(attendees)
