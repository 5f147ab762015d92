"""Published consultations as citizens see them, for the tests of the public pages."""

from consultations import workflow
from consultations.models import Consultation
from proposals import services
from proposals.models import Proposal
from tests.factories import (
    add_proposal,
    closed_window,
    consultation_at,
    decide_all,
    publish_schedule_of,
    secretary_of,
    write_position,
)


def publish(consultation: Consultation) -> Consultation:
    """Approve and publish the consultation's schedule (a new revision if it was published already)."""
    publish_schedule_of(consultation, by=secretary_of(consultation.schedule.council))
    return consultation


def published_at(state: str, **kwargs) -> Consultation:
    return publish(consultation_at(state, **kwargs))


# A proposal whose author wrote their IIN, phone and email into it, and whose decision's reasons name a phone:
# published, each of these must show masked (common.personal_data), the workspace showing them as written.
IIN = "900101300126"  # a valid IIN: born 1 January 1990, a man of the 20th century
PHONE = "+7 (701) 123-45-67"
EMAIL = "aigul.serik@mail.kz"
REASONS_PHONE = "8 702 765 43 21"
PERSONAL = (IIN, "123-45-67", EMAIL, "765 43 21")
NOT_PERSONAL = ("1 200 000 тг", "12.03.2026")


def results_with_personal_data(**fields) -> tuple[Consultation, Proposal]:
    """A published consultation whose one listed proposal (in Russian) and its reasons carry personal data."""
    consultation = consultation_at(Consultation.State.HELD, listed_proposals=0, **closed_window(), **fields)
    by = secretary_of(consultation.schedule.council)
    proposal = add_proposal(
        consultation,
        by=by,
        moderation=Proposal.Moderation.LISTED,
        language="ru",
        text=f"Прошу отремонтировать двор к 12.03.2026, смета 1 200 000 тг.\nМой ИИН {IIN}, тел. {PHONE}, {EMAIL}",
        wants_answer=True,
        contact=EMAIL,
    )
    workflow.compile_proposals(consultation, by=by)
    services.decide(
        [proposal],
        by=by,
        decision=Proposal.Decision.TAKEN,
        reasons_kk=f"Автор {REASONS_PHONE} нөмірі бойынша хабардар етілді.",
        reasons_ru=f"Автор уведомлён по номеру {REASONS_PHONE}.",
    )
    decide_all(consultation, by=by)
    write_position(consultation)
    workflow.publish_position(consultation, by=by)
    consultation.refresh_from_db()
    proposal.refresh_from_db()
    return consultation, proposal
