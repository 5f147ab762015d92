"""Published consultations as citizens see them, for the tests of the public pages."""

from consultations.models import Consultation
from tests.factories import consultation_at, publish_schedule_of, secretary_of


def publish(consultation: Consultation) -> Consultation:
    """Approve and publish the consultation's schedule (a new revision if it was published already)."""
    publish_schedule_of(consultation, by=secretary_of(consultation.schedule.council))
    return consultation


def published_at(state: str, **kwargs) -> Consultation:
    return publish(consultation_at(state, **kwargs))
