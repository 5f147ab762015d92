"""Celery tasks: thin wrappers that take ids and are safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import pdf
from .models import RenderedDocument


@shared_task(ignore_result=True)
def render_document(document_id: int) -> str:
    return pdf.render(document_id)


@shared_task(ignore_result=True)
def render_pending_documents() -> int:
    """The sweep: render what a lost task left waiting."""
    stale = timezone.now() - datetime.timedelta(minutes=2)
    ids = RenderedDocument.objects.filter(state=RenderedDocument.State.PENDING, created_at__lt=stale).values_list(
        "pk", flat=True
    )
    return sum(pdf.render(pk) == "ready" for pk in list(ids[:20]))
