"""Reads of consultations for the public pages: each queryset built once, with what its page shows."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import Consultation, ConsultationTransition


def public_consultations() -> QuerySet[Consultation]:
    return Consultation.objects.public().select_related("schedule__council__region")


def open_for_proposals() -> QuerySet[Consultation]:
    return public_consultations().open_for_proposals(timezone.now()).order_by("window_closes_at")


def latest_results() -> QuerySet[Consultation]:
    return public_consultations().filter(state=Consultation.State.POSITION_PUBLISHED).order_by("-updated_at")


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
