"""Writes for schedules and consultations (the seven steps themselves are in `consultations.workflow`).

The quarterly schedule: "at least once a quarter" the council approves at a meeting, and publishes in
social networks or the media, the schedule of public consultations (the recommendations, "Mechanisms").
Its life is draft → approved (at a quorate meeting) → published; a consultation added during the quarter
goes into a new revision, approved and published like the first.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import ActionRefused
from councils.models import Council, Meeting
from councils.permissions import can_act
from councils.services import decision_meeting_problems

from . import announcements, conditions, pdf, workflow
from .conditions import moment
from .models import (
    PLANNING_FIELDS,
    WINDOW_FIELDS,
    Consultation,
    InformationRequest,
    Position,
    QuarterlySchedule,
    Question,
    Recommendation,
    RecommendationPoint,
    ScheduleChange,
    ScheduleTransition,
)
from .proposal_codes import Moderation
from .revisions import SCHEDULE_FIELDS
from .transitions import transition

ScheduleState = QuarterlySchedule.State


def _require_actor(by, council: Council) -> None:
    if not can_act(by, council):
        raise ActionRefused(_("Only the council's secretary or chair may do this."))


def schedule_for(council: Council, year: int, quarter: int) -> QuarterlySchedule:
    """The council's schedule for that quarter, created as a draft when there is none yet."""
    if not 1 <= quarter <= 4:
        raise ActionRefused(_("A quarter is 1, 2, 3 or 4."))
    if not 2020 <= year <= 2100:
        raise ActionRefused(_("Choose a year between 2020 and 2100."))
    schedule, _created = QuarterlySchedule.objects.get_or_create(council=council, year=year, quarter=quarter)
    return schedule


def plan_consultation(schedule: QuarterlySchedule, *, by, occasion: str, **fields) -> Consultation:
    """Add a consultation to a draft schedule. Its address is made now and never changes."""
    unknown = set(fields).difference(PLANNING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown consultation fields: {sorted(unknown)}")
    if occasion not in Consultation.Occasion.values:
        raise ActionRefused(_("Choose the occasion of the consultation."))
    if not (fields.get("title_kk") or fields.get("title_ru")):
        raise ActionRefused(_("Give the title of the consultation."))
    with transaction.atomic():
        locked = QuarterlySchedule.objects.select_for_update().select_related("council").get(pk=schedule.pk)
        _require_actor(by, locked.council)
        if locked.state != ScheduleState.DRAFT:
            raise ActionRefused(_("The schedule has been approved: start a new revision of it to add a consultation."))
        number = (locked.consultations.aggregate(last=Max("number"))["last"] or 0) + 1
        consultation = Consultation(
            schedule=locked,
            number=number,
            revision=locked.revision,
            slug=f"{locked.council.slug}-{locked.year}-q{locked.quarter}-{number}",
            occasion=occasion,
            **fields,
        )
        try:
            consultation.full_clean(exclude=["slug"])
        except ValidationError as error:
            raise ActionRefused(error.messages) from None
        consultation.save()
    return consultation


def set_questions(consultation: Consultation, *, by, questions: list[tuple[str, str]]) -> list[Question]:
    """Replace the list of questions with `questions`, (kk, ru) pairs, in order. Only before step 2."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().select_related("schedule__council").get(pk=consultation.pk)
        _require_actor(by, locked.schedule.council)
        if locked.state not in (Consultation.State.PLANNED, Consultation.State.DECIDED):
            raise ActionRefused(_("The list of questions has been approved and can no longer be changed."))
        # Updated in place, by position: proposals already answering a question keep it.
        wanted = [(kk.strip(), ru.strip()) for kk, ru in questions if (kk or ru).strip()]
        existing = list(locked.questions.order_by("position", "id"))
        saved = []
        for position, (kk, ru) in enumerate(wanted, start=1):
            question = existing[position - 1] if position <= len(existing) else Question(consultation=locked)
            question.position, question.text_kk, question.text_ru = position, kk or ru, ru or kk
            question.save()
            saved.append(question)
        for question in existing[len(wanted) :]:
            question.delete()
        return saved


def approve_schedule(schedule: QuarterlySchedule, *, by, meeting: Meeting | None, note: str = "") -> ScheduleTransition:
    """The council approves the schedule at a quorate meeting."""

    def check(locked: QuarterlySchedule) -> list[str]:
        problems = []
        if not locked.consultations.exists():
            problems.append(_("Add at least one consultation to the schedule."))
        return problems + decision_meeting_problems(meeting, locked.council)

    return _perform(
        schedule, by=by, sources=(ScheduleState.DRAFT,), target=ScheduleState.APPROVED,
        occurred_on=meeting.date if meeting else None, meeting=meeting, note=note, check=check,
    )  # fmt: skip


def publish_schedule(
    schedule: QuarterlySchedule, *, by, occurred_on: datetime.date | None = None, **texts: str
) -> ScheduleTransition:
    """Publish the approved schedule: its consultations become public, the changes made for this revision
    are applied to them, and it is announced (with the secretary's own title and text, if given)."""

    def publish(locked: QuarterlySchedule, date: datetime.date) -> None:
        apply_schedule_changes(locked)  # before the announcement and the PDF, which show them
        announcements.publish(announcements.Event.SCHEDULE_PUBLISHED, locked, by=by, at=moment(date), **texts)
        pdf.publish_schedule_document(locked)

    return _perform(
        schedule, by=by, sources=(ScheduleState.APPROVED,), target=ScheduleState.PUBLISHED,
        occurred_on=occurred_on, effect=publish, columns=lambda locked: {"published_revision": locked.revision},
    )  # fmt: skip


def start_revision(schedule: QuarterlySchedule, *, by, reason: str) -> ScheduleTransition:
    """Reopen the schedule to add consultations; the last published revision stays public meanwhile."""
    reason = reason.strip()

    def check(_locked: QuarterlySchedule) -> list[str]:
        return [] if reason else [_("Give the reason for revising the schedule.")]

    def reopen(locked: QuarterlySchedule) -> dict:
        """A published schedule opens its next revision; an approved one goes back to being a draft of its own."""
        return {"revision": locked.revision + 1} if locked.state == ScheduleState.PUBLISHED else {}

    return _perform(
        schedule, by=by, sources=(ScheduleState.APPROVED, ScheduleState.PUBLISHED), target=ScheduleState.DRAFT,
        note=reason, check=check, columns=reopen,
    )  # fmt: skip


def _perform(
    schedule: QuarterlySchedule,
    *,
    by,
    sources: tuple[str, ...],
    target: str,
    occurred_on: datetime.date | None = None,
    meeting: Meeting | None = None,
    note: str = "",
    check: Callable[[QuarterlySchedule], list[str]] | None = None,
    effect: Callable[[QuarterlySchedule, datetime.date], None] | None = None,
    columns: Callable[[QuarterlySchedule], dict] | None = None,
) -> ScheduleTransition:
    """A transition of the schedule from one of `sources` to `target`, by `transitions.transition`: `check`
    says what is missing; `effect`, given the locked schedule and the date, does what the transition does
    besides; `columns` are written with the state. The log entry keeps the revision it was taken in."""
    date = occurred_on or timezone.localdate()

    def guard(locked: QuarterlySchedule) -> None:
        _require_actor(by, locked.council)
        if locked.state not in sources:
            raise ActionRefused(
                _("The schedule is “%(state)s”: this is not possible now.") % {"state": locked.get_state_display()}
            )

    return transition(
        schedule,
        by=by,
        date=date,
        target=target,
        guard=guard,
        conditions=check,
        effect=(lambda locked: effect(locked, date)) if effect else None,
        columns=columns,
        logged=lambda locked: {"revision": locked.revision},
        meeting=meeting,
        note=note,
    )


# ---------------------------------------------------------------------------------------------------------
# Editing a consultation and what it gathers


def update_consultation(consultation: Consultation, *, by, reason: str = "", **fields) -> ScheduleChange | None:
    """Correct what the secretary planned; nothing changes once the position is published or it is cancelled.

    What a published schedule says of a consultation — its title, dates, format and venue
    (`SCHEDULE_FIELDS`) — stays as published: a change to those is kept as a `ScheduleChange` for the
    schedule's next revision, and applied when that revision, approved at a quorate meeting, is published
    (a published or approved schedule is reopened as a draft for it, with `reason`). Saving again before
    then updates the same change. The other fields (description, link, how to take part, the draft act)
    change at once. A consultation not yet public changes at once; if its schedule was approved, the
    schedule is reopened as a draft, to be approved again. Returns the change waiting for the next
    revision, or None when nothing waits."""
    unknown = set(fields).difference(PLANNING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown consultation fields: {sorted(unknown)}")
    schedule_id = Consultation.objects.values_list("schedule_id", flat=True).get(pk=consultation.pk)
    with transaction.atomic():
        # The schedule first, then the consultation: the order in which publishing the schedule locks them.
        schedule = QuarterlySchedule.objects.select_for_update().select_related("council").get(pk=schedule_id)
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        locked.schedule = schedule
        waiting = _update_locked(locked, by=by, reason=reason.strip(), fields=fields)
    consultation.refresh_from_db()
    return waiting


def _update_locked(locked: Consultation, *, by, reason: str, fields: dict) -> ScheduleChange | None:
    schedule = locked.schedule
    _require_actor(by, schedule.council)
    if locked.state in (Consultation.State.POSITION_PUBLISHED, Consultation.State.CANCELLED):
        raise ActionRefused(
            _("A consultation whose position is published, or that is cancelled, is no longer changed.")
        )
    published = {name: getattr(locked, name) for name in SCHEDULE_FIELDS}
    waiting = (
        locked.schedule_changes.pending().select_for_update().filter(revision__gt=schedule.published_revision).first()
    )
    coming = published | (waiting.new_values() if waiting else {})  # what the next revision says so far
    window = {name: getattr(locked, name) for name in WINDOW_FIELDS}
    for name, value in fields.items():
        setattr(locked, name, value)
    try:
        locked.full_clean(exclude=["slug", "schedule"])
    except ValidationError as error:
        raise ActionRefused(error.messages) from None
    moved = {name: getattr(locked, name) for name in WINDOW_FIELDS if getattr(locked, name) != window[name]}
    problems = window_problems(locked, moved, now=timezone.now())
    if problems:
        raise ActionRefused(problems)
    if workflow.is_announced(locked):
        # Citizens were told where to read the draft: it stays readable (the condition of step 3).
        problems = conditions.draft_readable(locked, None)
        if problems:
            raise ActionRefused(problems)
    if "window_closes_at" in moved and locked.early_closing_reason:
        # A new end replaces the early closing: the intake runs until then.
        locked.early_closing_reason = locked.early_closing_reason_kk = locked.early_closing_reason_ru = ""
    wanted = {name: getattr(locked, name) for name in SCHEDULE_FIELDS}
    revises = any(not _same(wanted[name], coming[name]) for name in SCHEDULE_FIELDS)
    reopens = revises and schedule.state != ScheduleState.DRAFT
    if reopens and not reason:
        raise ActionRefused(_("Give the reason for the change: the schedule is reopened as a draft revision for it."))
    if not locked.is_public:
        if reopens:
            start_revision(schedule, by=by, reason=reason)
        locked.save()
        return None
    for name, value in published.items():  # the portal keeps what was published
        setattr(locked, name, value)
    changed = {name: value for name, value in wanted.items() if not _same(value, published[name])}
    locked.save()
    if not revises:
        return waiting
    if reopens:
        start_revision(schedule, by=by, reason=reason)
    if not changed:  # set back to what was published: nothing waits any more
        waiting.delete()
        return None
    waiting = waiting or ScheduleChange(consultation=locked, revision=schedule.revision)
    waiting.values = {name: ScheduleChange.encode(value) for name, value in changed.items()}
    waiting.replaced = {name: ScheduleChange.encode(published[name]) for name in changed}
    waiting.by = by
    waiting.reason = reason or waiting.reason
    waiting.save()
    return waiting


def window_problems(consultation: Consultation, moved: dict, *, now: datetime.datetime) -> list[str]:
    """What keeps the proposal window from moving to `moved` (the new values of the fields that change): its
    opening cannot move once the intake has begun, nor its end once the list of proposals is formed; while
    proposals are taken (or until step 5), its end moves only into the future — which reopens an intake that
    had closed."""
    State = Consultation.State
    problems = []
    begun = consultation.state not in (State.PLANNED, State.DECIDED, State.QUESTIONS_APPROVED, State.ANNOUNCED)
    if "window_opens_at" in moved and begun:
        problems.append(_("The proposal window has already opened: its opening can no longer be moved."))
    if "window_closes_at" in moved:
        closes = moved["window_closes_at"]
        if begun and consultation.state != State.HELD:
            problems.append(_("The list of proposals is formed: the proposal window can no longer be moved."))
        elif consultation.state == State.HELD and (closes is None or closes <= now):
            problems.append(_("The proposal window can only be moved to close in the future."))
    return problems


def _same(one, other) -> bool:
    """Equal as the schedule shows them (an empty text is no text)."""
    return (None if one == "" else one) == (None if other == "" else other)


def withdraw_schedule_change(change: ScheduleChange, *, by) -> None:
    """Discard a change waiting for the schedule's next revision, while that revision is still a draft: the
    published values stay."""
    schedule_id = Consultation.objects.values_list("schedule_id", flat=True).get(pk=change.consultation_id)
    with transaction.atomic():
        schedule = QuarterlySchedule.objects.select_for_update().select_related("council").get(pk=schedule_id)
        _require_actor(by, schedule.council)
        locked = ScheduleChange.objects.pending().filter(pk=change.pk).first()
        if locked is None:
            raise ActionRefused(_("This change is no longer waiting: it has been published or withdrawn."))
        if schedule.state != ScheduleState.DRAFT:
            raise ActionRefused(
                _("The revision with this change is approved: open a new revision of the schedule to withdraw it.")
            )
        locked.delete()


def apply_schedule_changes(schedule: QuarterlySchedule) -> None:
    """Apply the changes of the revision being published to its consultations (called, in the transaction
    that publishes, before the PDF is frozen). A change that can no longer be made refuses the publication."""
    waiting = list(
        ScheduleChange.objects.pending()
        .filter(consultation__schedule=schedule, revision=schedule.revision)
        .order_by("consultation__number")
    )
    if not waiting:
        return
    ids = [change.consultation_id for change in waiting]
    locked = {c.pk: c for c in Consultation.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    now = timezone.now()
    problems = []
    for change in waiting:
        consultation = locked[change.consultation_id]
        if consultation.state in (Consultation.State.POSITION_PUBLISHED, Consultation.State.CANCELLED):
            change.delete()  # finished meanwhile: it stays as it was published
            continue
        values, title = change.new_values(), consultation.title  # the title as published names it
        replaced = {name: getattr(consultation, name) for name in values}
        found = []
        for name, value in values.items():
            setattr(consultation, name, value)
        try:
            consultation.full_clean(exclude=["slug", "schedule"])
        except ValidationError as error:
            found += error.messages
        if found:
            problems += [
                _("№ %(number)s “%(title)s”: %(problem)s")
                % {"number": consultation.number, "title": title, "problem": p}
                for p in found
            ]
            continue
        consultation.save()
        change.replaced = {name: ScheduleChange.encode(value) for name, value in replaced.items()}
        change.applied_at = now
        change.save(update_fields=["replaced", "applied_at", "updated_at"])
    if problems:
        raise ActionRefused(
            [
                *problems,
                _(
                    "Open a new revision of the schedule, withdraw or correct these changes, and have it approved "
                    "again at a quorate meeting."
                ),
            ]
        )


def remove_consultation(consultation: Consultation, *, by) -> None:
    """Take a consultation out of a draft schedule before anyone has seen it; after that, cancel it."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().select_related("schedule__council").get(pk=consultation.pk)
        _require_actor(by, locked.schedule.council)
        schedule = locked.schedule
        if (
            locked.state != Consultation.State.PLANNED
            or schedule.state != ScheduleState.DRAFT
            or locked.revision <= schedule.published_revision
            or locked.transitions.exists()
        ):
            raise ActionRefused(
                _("Only a consultation not yet published can be removed from the schedule; cancel it instead.")
            )
        locked.questions.all().delete()
        locked.delete()


def save_recommendation(
    consultation: Consultation, *, by, introduction_kk: str, introduction_ru: str, points: list[dict]
) -> Recommendation:
    """Write the council's draft recommendation (step 6) as numbered points, each naming the proposals it
    takes into account: [{"text_kk", "text_ru", "proposals": [Proposal…]}]."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().select_related("schedule__council").get(pk=consultation.pk)
        _require_actor(by, locked.schedule.council)
        if not locked.is_draft_act:
            raise ActionRefused(_("A draft recommendation is prepared only for a draft legal act."))
        if locked.state != Consultation.State.PROPOSALS_COMPILED:
            raise ActionRefused(_("The draft recommendation is written once the list of proposals is formed."))
        listed = set(locked.proposals.filter(moderation=Moderation.LISTED).values_list("pk", flat=True))
        recommendation, _created = Recommendation.objects.update_or_create(
            consultation=locked, defaults={"introduction_kk": introduction_kk, "introduction_ru": introduction_ru}
        )
        recommendation.points.all().delete()
        for number, point in enumerate((p for p in points if p["text_kk"] or p["text_ru"]), start=1):
            strangers = [p for p in point.get("proposals", []) if p.pk not in listed]
            if strangers:
                raise ActionRefused(_("A recommendation names only proposals in this consultation's list."))
            saved = RecommendationPoint.objects.create(
                recommendation=recommendation, number=number, text_kk=point["text_kk"], text_ru=point["text_ru"]
            )
            saved.proposals.set(point.get("proposals", []))
    return recommendation


def save_position(consultation: Consultation, *, by, text_kk: str, text_ru: str) -> Position:
    """Write the council's position on the results (published with step 7)."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().select_related("schedule__council").get(pk=consultation.pk)
        _require_actor(by, locked.schedule.council)
        if locked.state not in (Consultation.State.PROPOSALS_COMPILED, Consultation.State.RECOMMENDATION_DRAFTED):
            raise ActionRefused(_("The position is written once the list of proposals is formed."))
        position, _created = Position.objects.update_or_create(
            consultation=locked, defaults={"text_kk": text_kk.strip(), "text_ru": text_ru.strip()}
        )
    return position


def save_information_request(
    consultation: Consultation, *, by, request: InformationRequest | None = None, **fields
) -> InformationRequest:
    """A request for additional information to a state body (public expertise), and later its answer."""
    allowed = {
        "addressee_kk",
        "addressee_ru",
        "subject_kk",
        "subject_ru",
        "requested_on",
        "answer_kk",
        "answer_ru",
        "answered_on",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    _require_actor(by, consultation.schedule.council)
    if request is not None and request.consultation_id != consultation.pk:
        raise ActionRefused(_("That request belongs to another consultation."))
    request = request or InformationRequest(consultation=consultation)
    for name, value in fields.items():
        setattr(request, name, value)
    try:
        request.full_clean(exclude=["consultation"])
    except ValidationError as error:
        raise ActionRefused(error.messages) from None
    request.save()
    return request


def record_state_body_answer(
    consultation: Consultation,
    *,
    by,
    sent_on: datetime.date | None,
    answer_received_on: datetime.date | None,
    answers: dict[int, tuple[str, str, str]],
) -> Recommendation:
    """When the recommendation went to the state body, and its answer to each point (accepted / partly /
    rejected, with reasons) and when it came (Law "On Public Control", art. 13). `answers` maps a point's
    number to (answer, reasons in Kazakh, reasons in Russian)."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().select_related("schedule__council").get(pk=consultation.pk)
        _require_actor(by, locked.schedule.council)
        recommendation = Recommendation.objects.filter(consultation=locked).first()
        drafted = workflow.reached_by(locked).get(Consultation.State.RECOMMENDATION_DRAFTED)
        if recommendation is None or drafted is None:
            raise ActionRefused(_("The recommendation is sent once it is drafted (step 6)."))
        recommendation.consultation = locked  # read once (the page cache asks whose it is)
        today = timezone.localdate()
        problems = []
        if sent_on and not drafted <= sent_on <= today:
            problems.append(_("The recommendation is sent after it was drafted, and not in the future."))
        if answer_received_on and not sent_on:
            problems.append(_("Give the date the recommendation was sent before the date of the answer."))
        if answer_received_on and sent_on and not sent_on <= answer_received_on <= today:
            problems.append(_("The answer comes after the recommendation was sent, and not in the future."))
        if any(answer for answer, _kk, _ru in answers.values()) and not answer_received_on:
            problems.append(_("Give the date the state body's answer came."))
        if problems:
            raise ActionRefused(problems)
        recommendation.sent_on, recommendation.answer_received_on = sent_on, answer_received_on
        recommendation.save(update_fields=["sent_on", "answer_received_on", "updated_at"])
        for point in recommendation.points.all():
            answer, kk, ru = answers.get(point.number, ("", "", ""))
            point.answer, point.answer_reasons_kk, point.answer_reasons_ru = answer, kk.strip(), ru.strip()
            point.save(update_fields=["answer", "answer_reasons_kk", "answer_reasons_ru"])
    return recommendation


def write_news(consultation: Consultation, *, by, publish_at=None, submission_token=None, **texts: str):
    """Free-form news about the consultation, while it runs. A second post of the same form (its one-time
    `submission_token`) returns the news the first one wrote, and writes nothing."""
    from publications.models import Announcement

    _require_actor(by, consultation.schedule.council)
    has_title = any(texts.get(f"title_{lang}") for lang in ("kk", "ru"))
    if not (has_title and any(texts.get(f"text_{lang}") for lang in ("kk", "ru"))):
        raise ActionRefused(_("Give the title and the text of the news."))
    same_form = Announcement.objects.about(consultation).filter(submission_token=submission_token)
    if submission_token and (earlier := same_form.first()):
        return earlier
    try:
        with transaction.atomic():
            return announcements.write_news(
                consultation, by=by, publish_at=publish_at, submission_token=submission_token, **texts
            )
    except IntegrityError:  # two posts of one form raced: the other one wrote it
        earlier = same_form.first()
        if earlier is None:
            raise
        return earlier


@contextmanager
def _scheduled(announcement, by):
    """The announcement, locked, while it still waits for its time; refused once it went out or was withdrawn.

    A consultation's is locked after its consultation, in the order the workflow's steps lock them (a step
    that withdraws it, and the beat job that publishes it, must not wait for each other crosswise)."""
    from publications.models import Announcement

    with transaction.atomic():
        if isinstance(announcement.subject, Consultation):
            Consultation.objects.select_for_update(of=("self",)).filter(pk=announcement.subject_id).first()
        locked = Announcement.objects.select_for_update(of=("self",)).select_related("council")
        locked = locked.filter(pk=announcement.pk).first()
        if locked is None:
            raise ActionRefused(_("This announcement was withdrawn."))
        if by is not None:
            _require_actor(by, locked.council)
        if locked.published_at is not None:
            raise ActionRefused(_("This announcement is already published; it can no longer be changed."))
        yield locked


def publish_scheduled(announcement, *, by=None) -> None:
    """A scheduled announcement goes out now: its time has come (the beat job, `by=None`) or the secretary
    publishes it early. Dated when it really goes out (a beat job that was down publishes late, and says so).
    A consultation's step-3 announcement takes step 3."""
    from publications.models import Announcement
    from publications.services import publish_on_portal

    with _scheduled(announcement, by) as locked:
        subject = locked.subject
        if isinstance(subject, Consultation) and locked.event == Announcement.Event.CONSULTATION_ANNOUNCED:
            workflow.announce(subject, by=by, scheduled=locked)
        else:
            publish_on_portal(locked)


def revise_scheduled(
    announcement, *, by, title_kk: str, title_ru: str, text_kk: str, text_ru: str, publish_at: datetime.datetime
) -> None:
    """The secretary changes a scheduled announcement's texts or time before it goes out."""
    if publish_at <= timezone.now():
        raise ActionRefused(_("A scheduled announcement goes out in the future."))
    if not all((title_kk, title_ru, text_kk, text_ru)):
        raise ActionRefused(_("Give the title and the text in both languages."))
    with _scheduled(announcement, by) as locked:
        locked.title_kk, locked.title_ru, locked.text_kk, locked.text_ru = title_kk, title_ru, text_kk, text_ru
        locked.publish_at = publish_at
        locked.save(update_fields=["title_kk", "title_ru", "text_kk", "text_ru", "publish_at", "updated_at"])


def withdraw_scheduled(announcement, *, by) -> None:
    """The secretary withdraws a scheduled announcement: nothing goes out (step 3, if it was step 3's, is
    not taken)."""
    with _scheduled(announcement, by) as locked:
        locked.delete()
