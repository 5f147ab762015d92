"""Reads of consultations (and of what was published about them) for the pages: each queryset built once, with
what its page shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
    prefetch_related_objects,
)
from django.utils import timezone

from common.quarters import quarter_of
from councils.models import Council
from publications.models import Announcement, Delivery

from . import pdf
from .models import (
    Consultation,
    ConsultationTransition,
    Document,
    QuarterlySchedule,
    RenderedDocument,
    ScheduleChange,
)
from .proposal_codes import Moderation

State = Consultation.State


def public_consultations() -> QuerySet[Consultation]:
    """What citizens may see, with what a list row shows (its council and region) in the same query."""
    return Consultation.objects.public().select_related("schedule__council__region")


def newest_first(consultations: QuerySet[Consultation]) -> QuerySet[Consultation]:
    return consultations.order_by("-schedule__year", "-schedule__quarter", "-state_since", "-id")


def decided_at(meeting) -> QuerySet[Consultation]:
    """The public consultations whose step 1 or 2 the meeting decided (its page links them back)."""
    decided = ConsultationTransition.objects.filter(
        meeting=meeting, to_state__in=(State.DECIDED, State.QUESTIONS_APPROVED)
    ).values("consultation")
    return public_consultations().filter(pk__in=decided).order_by("number", "id")


def open_for_proposals() -> QuerySet[Consultation]:
    return public_consultations().open_for_proposals(timezone.now()).order_by("window_closes_at", "id")


def coming_up(at: datetime.datetime | None = None) -> QuerySet[Consultation]:
    """Planned in a published schedule, not yet taking proposals (at `at`, now by default)."""
    now = at or timezone.now()
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
    return public_consultations().prefetch_related(_log(), *_details()).get(slug=slug)


def consultation_head(slug: str) -> Consultation:
    """The public consultation with its log (its intake, its steps), or Consultation.DoesNotExist; the rest of
    what its page shows is read by `read_details`, for the part of the page not kept yet."""
    return public_consultations().prefetch_related(_log()).get(slug=slug)


def read_details(consultation: Consultation) -> None:
    prefetch_related_objects([consultation], *_details())


def _log() -> Prefetch:
    return Prefetch(
        "transitions", queryset=ConsultationTransition.objects.select_related("meeting").order_by("recorded_at", "id")
    )


def _details() -> list:
    return [
        "questions",
        Prefetch("documents", queryset=Document.objects.in_order()),
        Prefetch("schedule_changes", queryset=ScheduleChange.objects.applied().order_by("revision"), to_attr="revised"),
    ]


def consultation_to_propose(slug: str) -> Consultation:
    """The public consultation with what a post of the proposal form needs (its council, its questions), or
    Consultation.DoesNotExist: two queries, where `consultation_page` takes five."""
    return public_consultations().prefetch_related("questions").get(slug=slug)


@dataclass(frozen=True)
class Intake:
    """Where the intake of proposals stands, for the public pages to say it in the right tense."""

    state: str  # "open", "not_yet", "closed" or "cancelled" (`Consultation.intake`)
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    opened_early_from: datetime.datetime | None  # the planned start, when step 4 was taken before it
    closed_early: bool  # "close the intake now": `closes_at` is when, `reason` why
    reason: str
    finished: bool  # the position is published

    @property
    def ended_at(self) -> datetime.datetime | None:
        """When a closed intake ended, if its end has passed (a closed intake whose planned end is still to
        come says only that proposals are no longer accepted)."""
        if self.state == "closed" and self.closes_at and self.closes_at <= timezone.now():
            return self.closes_at
        return None

    @property
    def opening_late(self) -> bool:
        """Not open although its planned start has passed: the council has not yet announced or opened the
        consultation, so the planned start is no longer a date to speak of in the future tense."""
        return self.state == "not_yet" and self.opens_at is not None and self.opens_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def is_not_yet_open(self) -> bool:
        return self.state == "not_yet"

    @property
    def is_closed(self) -> bool:
        return self.state == "closed"

    @property
    def is_cancelled(self) -> bool:
        return self.state == "cancelled"


def intake_of(consultation: Consultation, at: datetime.datetime | None = None) -> Intake:
    """The intake of a consultation, from its fields and its log (prefetched by `consultation_page`)."""
    moved = {entry.name: entry for entry in consultation.transitions.all() if entry.window_moved_from}
    opened = moved.get("open_intake")
    closed_early = "close_intake" in moved and bool(consultation.early_closing_reason)
    return Intake(
        state=consultation.intake(at),
        opens_at=consultation.window_opens_at,
        closes_at=consultation.window_closes_at,
        opened_early_from=opened.window_moved_from if opened else None,
        closed_early=closed_early,
        reason=consultation.early_closing_reason if closed_early else "",
        finished=consultation.state == State.POSITION_PUBLISHED,
    )


def documents_of(consultation: Consultation) -> QuerySet[Document]:
    """The consultation's documents in the order pages list them, with who uploaded each."""
    return consultation.documents.in_order().select_related("uploaded_by")


def published_results(slug: str) -> Consultation:
    """A consultation whose position is published, without its position and recommendation: what the results
    page shows besides the part kept (consultations.views.consultation_results)."""
    return public_consultations().filter(state=State.POSITION_PUBLISHED).get(slug=slug)


def results_page(slug: str) -> Consultation:
    """A consultation whose position is published, with its position and recommendation."""
    return (
        public_consultations()
        .filter(state=State.POSITION_PUBLISHED)
        .select_related("position", "recommendation")
        .prefetch_related("recommendation__points")
        .get(slug=slug)
    )


# The order of the results page, unique: the proposals as they came (a range of the index proposal_received).
RESULTS_ORDER = ("submitted_at", "pk")


def results_proposals(consultation: Consultation) -> QuerySet:
    """The proposals of the consultation's list, with their question, in the order they came."""
    return (
        consultation.proposals.filter(moderation=Moderation.LISTED).select_related("question").order_by(*RESULTS_ORDER)
    )


def council_schedules(council: Council) -> list[QuarterlySchedule]:
    """The council's published schedules, newest quarter first."""
    return list(council.schedules.published().order_by("-year", "-quarter"))


def schedule_consultations(schedule: QuarterlySchedule) -> QuerySet[Consultation]:
    return public_consultations().filter(schedule=schedule).order_by("number")


def current_quarter() -> tuple[int, int]:
    return quarter_of(timezone.localdate())


def failed_deliveries(council_ids) -> QuerySet[Delivery]:
    """The failed deliveries of these councils' announcements, whatever they announce (a schedule, a meeting,
    news, a consultation), most recent first, each with `consultation_slug` when it announced a consultation.

    Only a consultation's page shows its own deliveries; without this list a failed post of the schedule or
    of a meeting would be shown nowhere. The slug comes from a subquery, so the rows cost one query in all.
    """
    consultation = ContentType.objects.get_for_model(Consultation)
    slug = Consultation.objects.filter(
        pk=OuterRef("announcement__subject_id"), schedule__council=OuterRef("announcement__council")
    ).values("slug")[:1]
    return (
        Delivery.objects.filter(state=Delivery.State.FAILED, announcement__council__in=council_ids)
        .select_related("announcement__council")
        .annotate(
            consultation_slug=Case(
                When(announcement__subject_type=consultation, then=Subquery(slug)), output_field=CharField()
            )
        )
        .order_by("-updated_at", "-pk")
    )


# ---------------------------------------------------------------------------------------------------------
# A consultation's page in the workspace: a fixed number of queries however long its log and however many
# proposals it has (tests/workspace/test_query_budgets.py)


def with_questions(consultation: Consultation) -> Consultation:
    """The consultation with its questions read once, for the page and for the texts its step forms propose
    (`announcements.consultation_context`)."""
    prefetch_related_objects([consultation], "questions")
    return consultation


def workspace_log(consultation: Consultation) -> list[ConsultationTransition]:
    """The consultation's log, oldest first, with who wrote each entry and the meeting that decided it: read
    once for the steps reached, the timeline and the log shown."""
    return list(consultation.transitions.select_related("by", "meeting").order_by("recorded_at", "id"))


def proposal_counts(consultation: Consultation) -> dict[str, int]:
    """The consultation's proposals by moderation ("new", "listed", "set_aside") and the listed ones not yet
    decided ("undecided"), in one query."""
    return consultation.proposals.aggregate(
        new=Count("pk", filter=Q(moderation=Moderation.NEW)),
        listed=Count("pk", filter=Q(moderation=Moderation.LISTED)),
        set_aside=Count("pk", filter=Q(moderation=Moderation.SET_ASIDE)),
        undecided=Count("pk", filter=Q(moderation=Moderation.LISTED, decision="")),
    )


def document_kinds(consultation: Consultation) -> list:
    """The documents of a consultation whose list is formed: (kind, label, the published one or None)."""
    if consultation.state not in (State.PROPOSALS_COMPILED, State.RECOMMENDATION_DRAFTED, State.POSITION_PUBLISHED):
        return []
    published = {d.kind: d for d in consultation.rendered_documents.filter(is_published=True)}
    labels = dict(RenderedDocument.Kind.choices)
    return [(kind, labels[kind], published.get(kind)) for kind in pdf.kinds_for(consultation)]


def workspace_announcements(consultation: Consultation) -> QuerySet[Announcement]:
    """Everything announced about the consultation, scheduled ones included, newest first, with each one's
    deliveries and recorded changes."""
    return (
        Announcement.objects.about(consultation)
        .prefetch_related("deliveries__recorded_by", "recorded_changes__by")
        .order_by("-created_at")
    )
