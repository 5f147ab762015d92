"""Celery tasks: thin wrappers that take ids and are safe to run twice."""

import datetime
import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from common.errors import ActionRefused

from . import pdf, reminders, services, workflow
from .models import Consultation, RenderedDocument

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def render_document(document_id: int) -> str:
    return pdf.render(document_id)


# A part of 500 rows takes 5–90 s (BENCHMARKS.md); a render silent for this long has lost its worker.
RENDER_STALLED = datetime.timedelta(minutes=15)


@shared_task(ignore_result=True)
def render_pending_documents() -> int:
    """The sweep: render what a lost task left waiting, and take over a render whose worker died (killed or out
    of memory mid-render: its progress has not moved for RENDER_STALLED, while a part takes seconds)."""
    now = timezone.now()
    State = RenderedDocument.State
    silent = Q(progress_at__lt=now - RENDER_STALLED) | Q(progress_at=None, created_at__lt=now - RENDER_STALLED)
    RenderedDocument.objects.filter(silent, state=State.RENDERING).update(state=State.PENDING, progress=0)
    ids = RenderedDocument.objects.filter(state=State.PENDING, created_at__lt=now - datetime.timedelta(minutes=2))
    return sum(pdf.render(pk) == "ready" for pk in list(ids.values_list("pk", flat=True)[:20]))


@shared_task(ignore_result=True)
def open_due_intakes() -> int:
    """Step 4 by the system: open the consultations whose proposal window has opened (DESIGN.md,
    "Steps 4 and 5"), each once, logged as the system and dated when its window opened."""
    opened = 0
    now = timezone.now()
    # A window that passed unopened is left to the secretary (the dashboard shows step 4 overdue): opening it now
    # would count as "held" for compliance while nobody could propose.
    due = Consultation.objects.filter(
        state=Consultation.State.ANNOUNCED, window_opens_at__lte=now, window_closes_at__gt=now
    )
    for consultation in due.select_related("schedule"):
        # Dated when the window opened, unless citizens were informed only later (then on that day).
        opened_on = min(timezone.localdate(consultation.window_opens_at), timezone.localdate())
        announced_on = consultation.transitions.order_by("-occurred_on").values_list("occurred_on", flat=True).first()
        try:
            workflow.open_intake(consultation, by=None, occurred_on=max(opened_on, announced_on or opened_on))
        except ActionRefused as refused:
            logger.warning("Could not open %s: %s", consultation.slug, refused)
        else:
            opened += 1
    return opened


@shared_task(ignore_result=True)
def publish_due_announcements() -> int:
    """Announcements whose `publish_at` has come: step 3 is taken for a consultation's (logged as the
    system, dated that day); any other goes on the portal and its channels."""
    from publications.models import Announcement

    published = 0
    due = Announcement.objects.filter(published_at__isnull=True, publish_at__lte=timezone.now())
    for announcement in due.order_by("publish_at", "pk"):
        try:
            services.publish_scheduled(announcement)
        except ActionRefused as refused:  # shown on the consultation's page as not gone out
            logger.warning("Scheduled announcement %s not published: %s", announcement.pk, refused)
        except Exception:  # one announcement's defect does not hold back the others
            logger.exception("Scheduled announcement %s not published", announcement.pk)
        else:
            published += 1
    return published


@shared_task(ignore_result=True)
def remind_secretaries() -> int:
    return reminders.send_due()


@shared_task(ignore_result=True)
def judge_compliance_ahead() -> int:
    from . import compliance_admin  # the admin's module: imported where the job runs, not by every task

    return compliance_admin.judge_ahead()
