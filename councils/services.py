"""Writes and rules about councils, their members and meetings."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import ActionRefused

from .models import Council, Meeting, Membership, Reception
from .permissions import can_act


def _require_actor(by, council: Council) -> None:
    if not can_act(by, council):
        raise ActionRefused(_("Only the council's secretary or chair may do this."))


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
    _require_actor(by, meeting.council)
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


MEETING_FIELDS = {
    "date", "start_time", "place_kk", "place_ru", "link", "agenda_kk", "agenda_ru", "protocol_number",
    "protocol_file_kk", "protocol_file_ru", "agenda_published_at", "protocol_published_at",
}  # fmt: skip


@transaction.atomic
def save_meeting(council: Council, *, by, meeting: Meeting | None = None, **fields) -> Meeting:
    """Record a meeting of the council, or correct one."""
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    _require_actor(by, council)
    if meeting is not None and meeting.council_id != council.pk:
        raise ActionRefused(_("That meeting is not a meeting of this council."))
    if not (
        fields.get("agenda_kk") or fields.get("agenda_ru") or (meeting and (meeting.agenda_kk or meeting.agenda_ru))
    ):
        raise ActionRefused(_("Give the agenda of the meeting."))
    meeting = meeting or Meeting(council=council)
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()
    return meeting


RECEPTION_FIELDS = {"starts_at", "ends_at", "place_kk", "place_ru", "link", "topic_kk", "topic_ru"}


@transaction.atomic
def save_reception(
    council: Council, *, by, member: Membership, reception: Reception | None = None, **fields
) -> Reception:
    """A council member's hours of personal reception of citizens, published on the council's page."""
    unknown = set(fields) - RECEPTION_FIELDS
    if unknown:
        raise TypeError(f"Unknown reception fields: {sorted(unknown)}")
    _require_actor(by, council)
    if member.council_id != council.pk or member.role == Membership.Role.SECRETARY:
        raise ActionRefused(_("Choose a member of this council."))
    if reception is not None and reception.member.council_id != council.pk:
        raise ActionRefused(_("Choose a personal reception of this council."))
    if not (fields.get("place_kk") or fields.get("place_ru") or fields.get("link")):
        raise ActionRefused(_("Give a place or a link where citizens can come."))
    if fields.get("ends_at") and fields.get("starts_at") and fields["ends_at"] <= fields["starts_at"]:
        raise ActionRefused(_("A reception must end after it starts."))
    reception = reception or Reception()
    reception.member = member
    for name, value in fields.items():
        setattr(reception, name, value)
    reception.save()
    return reception
