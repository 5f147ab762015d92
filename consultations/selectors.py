"""Reads of consultations for the public pages: each queryset built once, with what its page shows."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from councils.models import Council

from .models import Consultation, ConsultationTransition, QuarterlySchedule, quarter_of

State = Consultation.State


def public_consultations() -> QuerySet[Consultation]:
    """What citizens may see, with what a list row shows (its council and region) in the same query."""
    return Consultation.objects.public().select_related("schedule__council__region")


def newest_first(consultations: QuerySet[Consultation]) -> QuerySet[Consultation]:
    return consultations.order_by("-schedule__year", "-schedule__quarter", "-state_since", "-id")


def open_for_proposals() -> QuerySet[Consultation]:
    return public_consultations().open_for_proposals(timezone.now()).order_by("window_closes_at", "id")


def coming_up() -> QuerySet[Consultation]:
    """Planned in a published schedule, not yet taking proposals."""
    now = timezone.now()
    return (
        public_consultations()
        .filter(state__in=[State.PLANNED, State.DECIDED, State.QUESTIONS_APPROVED, State.ANNOUNCED, State.HELD])
        .filter(Q(window_opens_at__gt=now) | Q(window_opens_at__isnull=True))
        .order_by("starts_on", "id")
    )


def latest_results() -> QuerySet[Consultation]:
    return public_consultations().filter(state=State.POSITION_PUBLISHED).order_by("-state_since", "-id")


def consultation_page(slug: str) -> Consultation:
    """The public consultation with everything its page shows, or Consultation.DoesNotExist."""
    return (
        public_consultations()
        .prefetch_related(
            "questions",
            "documents",
            Prefetch("transitions", queryset=ConsultationTransition.objects.order_by("recorded_at", "id")),
        )
        .get(slug=slug)
    )


def results_page(slug: str) -> Consultation:
    """A consultation whose position is published, with its position and recommendation."""
    return (
        public_consultations()
        .filter(state=State.POSITION_PUBLISHED)
        .select_related("position", "recommendation")
        .prefetch_related("recommendation__points")
        .get(slug=slug)
    )


def council_schedules(council: Council) -> list[QuarterlySchedule]:
    """The council's published schedules, newest quarter first."""
    return list(council.schedules.published().order_by("-year", "-quarter"))


def schedule_consultations(schedule: QuarterlySchedule) -> QuerySet[Consultation]:
    return public_consultations().filter(schedule=schedule).order_by("number")


def current_quarter() -> tuple[int, int]:
    return quarter_of(timezone.localdate())
