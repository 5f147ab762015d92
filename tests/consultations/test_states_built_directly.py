"""The factory builds a consultation at each state directly (tests/factories.py, `consultation_at`) for speed: what it
builds must be what the workflow leaves when a secretary walks there, or the tests that use it test something
that never happens. Each state, for an appeal and a draft legal act, built both ways and compared."""

import datetime

import pytest
from django.utils import timezone

from consultations import workflow
from consultations.models import Consultation, RenderedDocument
from councils.models import Meeting
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
            (
                t.name,
                t.from_state,
                t.to_state,
                t.occurred_on,
                t.meeting and t.meeting.date,
                t.by_id is not None,
                t.note,
                t.window_moved_from is not None,
            )
            for t in consultation.transitions.order_by("recorded_at", "pk")
        ],
        "meetings": sorted(Meeting.objects.filter(council=schedule.council).values_list("date", flat=True)),
        "questions": list(consultation.questions.values_list("position", "text_kk", "text_ru")),
        "schedule": (schedule.state, schedule.published_revision >= consultation.revision, consultation.is_public),
        "schedule_log": [
            (t.from_state, t.to_state, t.revision, t.occurred_on, t.meeting and t.meeting.date, t.by_id is not None)
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


@pytest.mark.parametrize("state", [State.ANNOUNCED, State.POSITION_PUBLISHED])
def test_a_second_consultation_of_the_quarter_built_directly_is_the_one_the_workflow_leaves(state):
    """The quarter's schedule published already: the second consultation goes into its next revision."""
    walked_council, built_council = CouncilFactory(), CouncilFactory()
    consultation_at(State.HELD, council=walked_council, walk=True)
    consultation_at(State.HELD, council=built_council)
    walked = consultation_at(state, council=walked_council, walk=True)
    built = consultation_at(state, council=built_council)
    assert record(built) == record(walked)


def test_a_consultation_held_before_its_window_was_to_open_is_built_as_the_workflow_leaves_it():
    """Step 4 taken before the planned opening opens the window then, and logs when it was to open."""
    later = {"window_opens_at": timezone.now() + datetime.timedelta(days=2)}
    walked = consultation_at(State.HELD, council=CouncilFactory(), walk=True, **later)
    built = consultation_at(State.HELD, council=CouncilFactory(), **later)
    assert record(built) == record(walked)
    assert record(built)["log"][-1][-1]  # the window's planned opening is logged
