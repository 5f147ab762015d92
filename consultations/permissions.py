"""Which consultations a workspace user may open: those of their own councils (`councils.permissions`)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from councils.models import Council

from .models import Consultation


def consultation_or_404(request, slug: str) -> Consultation:
    """One of the user's councils' consultations, or 404: another council's address is not found."""
    return get_object_or_404(
        Consultation.objects.filter(schedule__council__in=Council.objects.readable_by(request.user)).select_related(
            "schedule__council"
        ),
        slug=slug,
    )
