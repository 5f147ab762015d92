"""Published consultations as citizens see them, for the tests of the public pages."""

from django.utils import timezone

from consultations.models import Consultation
from consultations.services import approve_schedule, publish_schedule, start_revision
from tests.factories import consultation_at, quorate_meeting, secretary_of


def publish(consultation: Consultation) -> Consultation:
    """Approve and publish the consultation's schedule (a new revision if it was published already)."""
    schedule = consultation.schedule
    schedule.refresh_from_db()
    secretary = secretary_of(schedule.council)
    if schedule.published_revision >= consultation.revision:
        return consultation
    if schedule.state != "draft":
        start_revision(schedule, by=secretary, reason="Жаңа / Новая")
    approve_schedule(schedule, by=secretary, meeting=quorate_meeting(schedule.council, date=timezone.localdate()))
    publish_schedule(schedule, by=secretary)
    consultation.refresh_from_db()
    return consultation


def published_at(state: str, **kwargs) -> Consultation:
    return publish(consultation_at(state, **kwargs))
