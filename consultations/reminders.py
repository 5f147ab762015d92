"""Reminders to secretaries and chairs: steps overdue, and a quarter under way without an approved schedule.
Mailed at most once a day per council (through the outbox), and shown on the dashboard."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from common.quarters import quarter_of
from councils.models import Council, Membership
from publications.mail import queue_mail

from . import workflow
from .models import CompliancePolicy, Consultation, QuarterlySchedule, Reminder


def due(today: datetime.date, policy: CompliancePolicy) -> dict[int, dict]:
    """What to remind each active council of, by council id: its overdue steps, and whether the quarter has no
    approved schedule. Read for every council at once (a few queries, however many councils there are)."""
    year, quarter = quarter_of(today)
    councils = {council.pk: council for council in Council.objects.active()}
    approved = set(
        QuarterlySchedule.objects.filter(council__in=councils, year=year, quarter=quarter)
        .exclude(state=QuarterlySchedule.State.DRAFT, published_revision=0)
        .values_list("council_id", flat=True)
    )
    overdue: dict[int, list] = {pk: [] for pk in councils}
    running = Consultation.objects.running().of_councils(councils)
    for consultation in running.select_related("schedule").prefetch_related("transitions").order_by("pk"):
        step = workflow.next_step(consultation, policy)
        if step and step.overdue:
            overdue[consultation.schedule.council_id].append((consultation, step))
    return {
        pk: {"council": council, "year": year, "quarter": quarter, "no_schedule": pk not in approved,
             "overdue": overdue[pk]}
        for pk, council in councils.items()
    }  # fmt: skip


def recipients(today: datetime.date) -> dict[int, list[str]]:
    """The addresses of each council's secretary, chair and deputy chair on `today`, by council id."""
    acting = Membership.objects.filter(role__in=Membership.ACTING_ROLES, user__isnull=False).on(today)
    addresses: dict[int, set[str]] = {}
    for council_id, email in acting.values_list("council_id", "user__email"):
        if email:
            addresses.setdefault(council_id, set()).add(email)
    return {council_id: sorted(emails) for council_id, emails in addresses.items()}


def send_due(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    addresses = recipients(today)
    sent = 0
    for council_id, what in due(today, CompliancePolicy.current()).items():
        if not (what["no_schedule"] or what["overdue"]) or not addresses.get(council_id):
            continue
        parts = []
        for language in ("kk", "ru"):  # the account does not say which language its holder reads
            with translation.override(language):
                parts.append(render_to_string("consultations/mail/reminder.txt", what).strip())
        subject = parts[0].partition("\n")[0] + " / " + parts[1].partition("\n")[0]
        body = "\n\n— — —\n\n".join(part.partition("\n")[2].strip() for part in parts)
        try:
            with transaction.atomic():
                Reminder.objects.create(council_id=council_id, sent_on=today, text=body)
                for address in addresses[council_id]:
                    queue_mail(to=address, subject=subject, body=body, language="kk")
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent
