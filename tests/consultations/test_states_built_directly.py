"""The factory builds a consultation at each state directly (tests/factories.py, `consultation_at`) for speed: what it
builds must be what the workflow leaves when a secretary walks there, or the tests that use it test something
that never happens. Each state, for an appeal and a draft legal act, built both ways and compared."""

import pytest

from consultations import workflow
from consultations.models import Consultation, RenderedDocument
from publications.models import Announcement
from tests.factories import CouncilFactory, consultation_at

pytestmark = pytest.mark.django_db
State = Consultation.State
Occasion = Consultation.Occasion


def record(consultation: Consultation) -> dict:
    """What a consultation at a state consists of, without its ids, times and title."""
    consultation.refresh_from_db()
    schedule = consultation.schedule
    proposals = consultation.proposals.order_by("pk")
    return {
        "state": consultation.state,
        "state_since": consultation.state_since,
        "window": (consultation.window_opens_at <= consultation.window_closes_at, consultation.is_open_for_proposals()),
        "log": [
            (t.name, t.from_state, t.to_state, t.occurred_on, t.meeting_id is not None, t.by_id is not None)
            for t in consultation.transitions.order_by("recorded_at", "pk")
        ],
        "questions": list(consultation.questions.values_list("position", "text_kk", "text_ru")),
        "schedule": (schedule.state, schedule.published_revision >= consultation.revision, consultation.is_public),
        "schedule_log": [
            (t.from_state, t.to_state, t.revision, t.meeting_id is not None)
            for t in schedule.transitions.order_by("recorded_at", "pk")
        ],
        "announcements": sorted(
            (a.event, a.subject_type.model, a.published_at is not None, a.title != "" and a.text != "")
            for a in Announcement.objects.filter(council=schedule.council)
        ),
        "documents": sorted(
            (d.kind, d.is_published, d.revision)
            for d in RenderedDocument.objects.filter(consultation=consultation).union(
                RenderedDocument.objects.filter(schedule=schedule)
            )
        ),
        "proposals": [
            (p.moderation, p.decision, p.decision_reasons_kk != "", p.answer_queued_at is not None) for p in proposals
        ],
        "recommendation": hasattr(consultation, "recommendation")
        and list(consultation.recommendation.points.values_list("number", "proposals__moderation")),
        "position": hasattr(consultation, "position"),
    }


# Every state past planning of each occasion's path (step 6 is for draft legal acts only).
STATES = [
    (occasion, state)
    for occasion in (Occasion.APPEAL, Occasion.DRAFT_ACT)
    for state in workflow.SEQUENCE[1:]
    if state != State.RECOMMENDATION_DRAFTED or occasion == Occasion.DRAFT_ACT
]


@pytest.mark.parametrize(("occasion", "state"), STATES)
def test_a_state_built_directly_is_the_state_the_workflow_leaves(occasion, state):
    walked_council, built_council = CouncilFactory(), CouncilFactory()
    walked = consultation_at(state, occasion=occasion, council=walked_council, walk=True, listed_proposals=2)
    built = consultation_at(state, occasion=occasion, council=built_council, listed_proposals=2)
    assert record(built) == record(walked)
