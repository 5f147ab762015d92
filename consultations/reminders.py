"""Reminders to secretaries and chairs: steps overdue, and a quarter under way without an approved schedule.
Mailed at most once a day per council (through the outbox), and shown on the dashboard."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from councils.models import Council, Membership
from publications.mail import queue_mail

from .deadlines import next_step
from .models import CompliancePolicy, Consultation, QuarterlySchedule, Reminder, quarter_of


def due_for(council: Council, *, today: datetime.date, policy: CompliancePolicy) -> dict:
    """What to remind a council of: its overdue steps, and whether the quarter has no approved schedule."""
    year, quarter = quarter_of(today)
    schedule = QuarterlySchedule.objects.filter(council=council, year=year, quarter=quarter).first()
    unapproved = schedule is None or (
        schedule.state == QuarterlySchedule.State.DRAFT and schedule.published_revision == 0
    )
    overdue = []
    for consultation in Consultation.objects.filter(schedule__council=council).exclude(
        state__in=[Consultation.State.POSITION_PUBLISHED, Consultation.State.CANCELLED]
    ):
        step = next_step(consultation, policy)
        if step and step.overdue:
            overdue.append((consultation, step))
    return {"year": year, "quarter": quarter, "no_schedule": unapproved, "overdue": overdue}


def send_due(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    policy = CompliancePolicy.current()
    sent = 0
    for council in Council.objects.active():
        due = due_for(council, today=today, policy=policy)
        if not (due["no_schedule"] or due["overdue"]):
            continue
        recipients = sorted(
            {
                m.user.email
                for m in Membership.objects.filter(
                    council=council, role__in=Membership.ACTING_ROLES, user__isnull=False
                )
                .on(today)
                .select_related("user")
                if m.user.email
            }
        )
        if not recipients:
            continue
        parts = []
        for language in ("kk", "ru"):  # the account does not say which language its holder reads
            with translation.override(language):
                parts.append(render_to_string("consultations/mail/reminder.txt", {"council": council, **due}).strip())
        subject = parts[0].partition("\n")[0] + " / " + parts[1].partition("\n")[0]
        body = "\n\n— — —\n\n".join(part.partition("\n")[2].strip() for part in parts)
        try:
            with transaction.atomic():
                Reminder.objects.create(council=council, sent_on=today, text=body)
                for address in recipients:
                    queue_mail(to=address, subject=subject, body=body, language="kk")
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent
