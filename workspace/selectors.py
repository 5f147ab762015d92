"""Reads of the workspace's own pages: the dashboard of the user's councils. Each queryset is built once, with what
the page shows, so that the dashboard costs the same number of queries however many councils and consultations
it lists (tests/workspace/test_query_budgets.py)."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.db.models import Count, Prefetch, Q

from common.quarters import quarter_of
from consultations import selectors as consultation_selectors
from consultations import workflow
from consultations.models import CompliancePolicy, Consultation, QuarterlySchedule
from consultations.proposal_codes import Moderation
from councils import ordering
from councils.models import Council
from publications.models import Delivery


def dashboard_rows(user, today: datetime.date) -> list[dict]:
    """One row per council `user` may read, in the councils' order: the council, its schedule of `today`'s
    quarter (or None), its running consultations grouped by step, each with its next step
    (`(consultation, workflow.NextStep | None)`), the new proposals waiting, the steps overdue, and whether
    the user acts for it (`can_act`)."""
    year, quarter = quarter_of(today)
    consultations = (
        Consultation.objects.running()
        .annotate(new_proposals=Count("proposals", filter=Q(proposals__moderation=Moderation.NEW)))
        .select_related("schedule")
        .prefetch_related("transitions")  # the log dates each step's deadline
        .order_by("schedule__year", "schedule__quarter", "number")
    )
    councils = list(
        ordering.councils(Council.objects.readable_by(user)).prefetch_related(
            Prefetch(
                "schedules",
                queryset=QuarterlySchedule.objects.filter(year=year, quarter=quarter),
                to_attr="current_schedules",
            )
        )
    )
    acted_for = set(Council.objects.acted_for_by(user).values_list("pk", flat=True))
    by_council: dict[int, list] = {council.pk: [] for council in councils}
    policy = CompliancePolicy.current()
    for consultation in consultations.of_councils(councils):
        by_council[consultation.schedule.council_id].append((consultation, workflow.next_step(consultation, policy)))
    for rows in by_council.values():  # grouped by step, in the order of the steps
        rows.sort(key=lambda row: workflow.SEQUENCE.index(row[0].state))
    return [
        {
            "council": council,
            "schedule": council.current_schedules[0] if council.current_schedules else None,
            "consultations": by_council[council.pk],
            "new_proposals": sum(c.new_proposals for c, _step in by_council[council.pk]),
            "overdue": sum(1 for _c, step in by_council[council.pk] if step and step.overdue),
            "can_act": council.pk in acted_for,
        }
        for council in councils
    ]


def dashboard_failures(council_ids: Collection[int], *, shown: int) -> tuple[list[Delivery], int]:
    """The most recent `shown` failed deliveries of these councils' announcements, and how many failed in all
    (`consultations.selectors.failed_deliveries`); none without councils."""
    if not council_ids:
        return [], 0
    deliveries = consultation_selectors.failed_deliveries(council_ids)
    total = deliveries.count()
    return (list(deliveries[:shown]) if total else []), total
