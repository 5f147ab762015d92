"""The seven steps of a public consultation — the only code that changes a consultation's step.

Read it beside DESIGN.md, "The seven steps", and the ministry's recommendations (1-қадам … 7-қадам /
Шаг 1 … Шаг 7). Each public function below is one row of that table: it locks the consultation, checks that
the step may be taken from where the consultation stands and that the step's conditions hold, performs the
step's effect (steps 3 and 7 publish on the portal), writes the new state and one log row — all in one
database transaction. A refused step raises `ActionRefused` whose messages say what is missing, in the
user's language, and nothing has changed.

Why a small explicit table rather than django-fsm-2: every condition here must explain itself, a refused
transition must leave no trace, and every transition must lock its row, log who / when / the date it
happened / the meeting, and publish inside the same transaction. django-fsm's conditions are yes-or-no
callables and it neither saves, locks nor logs, so all of that would have to be written around it anyway;
the table below is shorter than that glue and reads like the recommendations. `StateField` keeps the
column out of reach of everything else.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from councils.errors import ActionRefused
from councils.models import Meeting
from councils.permissions import can_act
from councils.services import decision_meeting_problems
from publications.models import Announcement

from . import announcements, pdf
from .attachments import draft_available_problems
from .fields import write_state
from .models import Consultation, ConsultationTransition, Position

State = Consultation.State

# The order of the steps. Step 6 applies to draft legal acts only; other occasions go from 5 to 7.
SEQUENCE = (
    State.PLANNED,
    State.DECIDED,
    State.QUESTIONS_APPROVED,
    State.ANNOUNCED,
    State.HELD,
    State.PROPOSALS_COMPILED,
    State.RECOMMENDATION_DRAFTED,
    State.POSITION_PUBLISHED,
)
STEP_NUMBER = {state: number for number, state in enumerate(SEQUENCE) if number}
FINAL = (State.POSITION_PUBLISHED, State.CANCELLED)


def steps_of(consultation: Consultation) -> tuple[str, ...]:
    """The states this consultation passes through, in order."""
    if consultation.is_draft_act:
        return SEQUENCE
    return tuple(s for s in SEQUENCE if s != State.RECOMMENDATION_DRAFTED)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: computed (one step back)
    system_may_perform: bool = False


DECIDE = Transition("decide", _("decide to hold the consultation"), (State.PLANNED,), State.DECIDED)
APPROVE_QUESTIONS = Transition(
    "approve_questions", _("approve the list of questions"), (State.DECIDED,), State.QUESTIONS_APPROVED
)
ANNOUNCE = Transition(
    "announce", _("inform citizens"), (State.QUESTIONS_APPROVED,), State.ANNOUNCED, system_may_perform=True
)
OPEN_INTAKE = Transition(
    "open_intake", _("open the consultation"), (State.ANNOUNCED,), State.HELD, system_may_perform=True
)
COMPILE_PROPOSALS = Transition(
    "compile_proposals", _("form the list of proposals"), (State.HELD,), State.PROPOSALS_COMPILED
)
DRAFT_RECOMMENDATION = Transition(
    "draft_recommendation",
    _("prepare the draft recommendation"),
    (State.PROPOSALS_COMPILED,),
    State.RECOMMENDATION_DRAFTED,
)
PUBLISH_POSITION = Transition(
    "publish_position",
    _("publish the position"),
    (State.PROPOSALS_COMPILED, State.RECOMMENDATION_DRAFTED),
    State.POSITION_PUBLISHED,
)
CANCEL = Transition(
    "cancel", _("cancel the consultation"), tuple(s for s in SEQUENCE if s not in FINAL), State.CANCELLED
)
STEP_BACK = Transition(
    "step_back",
    _("go one step back"),
    (
        State.DECIDED,
        State.QUESTIONS_APPROVED,
        State.ANNOUNCED,
        State.HELD,
        State.PROPOSALS_COMPILED,
        State.RECOMMENDATION_DRAFTED,
    ),
    None,
)
TRANSITIONS = {
    t.name: t
    for t in (
        DECIDE,
        APPROVE_QUESTIONS,
        ANNOUNCE,
        OPEN_INTAKE,
        COMPILE_PROPOSALS,
        DRAFT_RECOMMENDATION,
        PUBLISH_POSITION,
        CANCEL,
        STEP_BACK,
    )
}

Check = Callable[[Consultation], list[str]]


# ---------------------------------------------------------------------------------------------------------
# The steps


def decide(consultation: Consultation, *, by, meeting: Meeting | None, note: str = "") -> ConsultationTransition:
    """Step 1: the council decides at a quorate meeting to hold the consultation."""
    return _perform(consultation, DECIDE, by=by, meeting=meeting, note=note, checks=[_quorate_meeting(meeting)])


def approve_questions(
    consultation: Consultation, *, by, meeting: Meeting | None, note: str = ""
) -> ConsultationTransition:
    """Step 2: the council approves the list of questions at a quorate meeting."""
    return _perform(
        consultation,
        APPROVE_QUESTIONS,
        by=by,
        meeting=meeting,
        note=note,
        checks=[_has_questions, _quorate_meeting(meeting)],
    )


def announce(
    consultation: Consultation,
    *,
    by,
    occurred_on: datetime.date | None = None,
    title_kk: str = "",
    title_ru: str = "",
    text_kk: str = "",
    text_ru: str = "",
    note: str = "",
    scheduled: Announcement | None = None,
) -> ConsultationTransition:
    """Step 3: citizens are informed — the announcement (date, place or link, how to take part, the
    questions) is published on the portal in this transaction; other channels deliver after commit."""

    def publish(locked: Consultation, date: datetime.date) -> None:
        if scheduled is None:  # taken by hand: what was scheduled for it later does not go out as well
            announcements.withdraw_waiting(locked, event=Announcement.Event.CONSULTATION_ANNOUNCED)
        announcements.publish_consultation_announced(
            locked,
            by=by,
            at=moment(date),
            scheduled=scheduled,
            title_kk=title_kk,
            title_ru=title_ru,
            text_kk=text_kk,
            text_ru=text_ru,
        )

    return _perform(
        consultation,
        ANNOUNCE,
        by=by,
        occurred_on=occurred_on,
        note=note,
        checks=ANNOUNCE_CHECKS,
        effect=publish,
    )


def open_intake(
    consultation: Consultation, *, by=None, occurred_on: datetime.date | None = None
) -> ConsultationTransition:
    """Step 4: the consultation is held; proposals are accepted (on the portal within the window).

    Performed by the secretary, or by the system (`by=None`) when the proposal window opens.
    """
    return _perform(
        consultation, OPEN_INTAKE, by=by, occurred_on=occurred_on, checks=[_in_published_schedule, _has_window]
    )


def compile_proposals(
    consultation: Consultation, *, by, occurred_on: datetime.date | None = None, note: str = ""
) -> ConsultationTransition:
    """Step 5: intake closes; every proposal is in the list or set aside with a reason."""
    return _perform(
        consultation,
        COMPILE_PROPOSALS,
        by=by,
        occurred_on=occurred_on,
        note=note,
        checks=[_every_proposal_sorted],
    )


def draft_recommendation(
    consultation: Consultation, *, by, occurred_on: datetime.date | None = None, note: str = ""
) -> ConsultationTransition:
    """Step 6, draft legal acts only: the council's draft recommendation, taking the proposals into account."""
    return _perform(
        consultation,
        DRAFT_RECOMMENDATION,
        by=by,
        occurred_on=occurred_on,
        note=note,
        checks=[_is_draft_act, _every_proposal_sorted, _recommendation_complete],
    )


def publish_position(
    consultation: Consultation,
    *,
    by,
    occurred_on: datetime.date | None = None,
    title_kk: str = "",
    title_ru: str = "",
    text_kk: str = "",
    text_ru: str = "",
    note: str = "",
) -> ConsultationTransition:
    """Step 7: the council's position and its decision on every proposal are published on the portal."""

    def publish(locked: Consultation, date: datetime.date) -> None:
        pdf.publish_results_documents(locked)
        announcements.publish_results(
            locked,
            by=by,
            at=moment(date),
            title_kk=title_kk,
            title_ru=title_ru,
            text_kk=text_kk,
            text_ru=text_ru,
        )

    return _perform(
        consultation,
        PUBLISH_POSITION,
        by=by,
        occurred_on=occurred_on,
        note=note,
        checks=[_recommendation_first, _every_proposal_sorted, _position_complete, _every_proposal_decided],
        effect=publish,
    )


def cancel(
    consultation: Consultation,
    *,
    by,
    reason_kk: str = "",
    reason_ru: str = "",
    occurred_on: datetime.date | None = None,
    **given: str,
) -> ConsultationTransition:
    """Cancel, from any step before 7, with a reason; an announced consultation's cancellation is announced
    (with the title and text `given`, where given, else as prepared with the reason)."""
    reason_kk, reason_ru = reason_kk.strip(), reason_ru.strip()

    def has_reason(_consultation: Consultation) -> list[str]:
        return [] if (reason_kk or reason_ru) else [_("Give the reason for cancelling.")]

    def record_and_announce(locked: Consultation, date: datetime.date) -> None:
        was_announced = is_announced(locked)
        locked.cancellation_reason_kk = reason_kk or reason_ru
        locked.cancellation_reason_ru = reason_ru or reason_kk
        locked.save(update_fields=["cancellation_reason", "cancellation_reason_kk", "cancellation_reason_ru"])
        announcements.withdraw_waiting(locked)
        if was_announced:
            announcements.publish_cancellation(locked, by=by, at=moment(date), **given)
        announcements.tell_authors_of_cancellation(locked)

    return _perform(
        consultation,
        CANCEL,
        by=by,
        occurred_on=occurred_on,
        note=reason_kk or reason_ru,
        checks=[has_reason],
        effect=record_and_announce,
    )


def step_back(
    consultation: Consultation, *, by, reason: str, occurred_on: datetime.date | None = None
) -> ConsultationTransition:
    """Correct a mistake: one step back, with a reason. Nothing already published is withdrawn; a step-3
    announcement still waiting for its time is."""
    reason = reason.strip()

    def has_reason(_consultation: Consultation) -> list[str]:
        return [] if reason else [_("Give the reason for going back.")]

    def withdraw_scheduled_announcement(locked: Consultation, _date: datetime.date) -> None:
        # Going back before step 3: the questions may change, so the step-3 text written for them stays unsent.
        if locked.state == State.QUESTIONS_APPROVED:
            announcements.withdraw_waiting(locked, event=Announcement.Event.CONSULTATION_ANNOUNCED)

    return _perform(
        consultation,
        STEP_BACK,
        by=by,
        occurred_on=occurred_on,
        note=reason,
        checks=[has_reason],
        effect=withdraw_scheduled_announcement,
    )


def is_announced(consultation: Consultation) -> bool:
    """Whether citizens were informed (step 3 taken); a cancellation is then announced too."""
    return SEQUENCE.index(consultation.state) >= SEQUENCE.index(State.ANNOUNCED)


def previous_state(consultation: Consultation) -> str:
    steps = steps_of(consultation)
    return steps[steps.index(consultation.state) - 1]


# ---------------------------------------------------------------------------------------------------------
# Conditions: each returns what is missing, as messages for the person performing the step.


def _quorate_meeting(meeting: Meeting | None) -> Check:
    def check(consultation: Consultation) -> list[str]:
        return decision_meeting_problems(meeting, consultation.schedule.council)

    return check


def announce_problems(consultation: Consultation) -> list[str]:
    """What keeps step 3 from being taken now (checked too when it is scheduled for later)."""
    problems = []
    for check in ANNOUNCE_CHECKS:
        problems += check(consultation)
    return problems


def _in_published_schedule(consultation: Consultation) -> list[str]:
    """Nothing of a schedule is public before it is published: a consultation is announced only once the
    schedule revision that planned it is."""
    if consultation.revision <= consultation.schedule.published_revision:
        return []
    return [_("Publish the schedule of public consultations that includes this consultation first.")]


def _has_questions(consultation: Consultation) -> list[str]:
    if consultation.questions.exists():
        return []
    return [_("Add at least one question to the list of questions.")]


def _has_dates(consultation: Consultation) -> list[str]:
    if consultation.starts_on:
        return []
    return [_("Give the date on which the consultation is held.")]


def _has_place_or_link(consultation: Consultation) -> list[str]:
    problems = []
    Format = Consultation.Format
    if consultation.format in (Format.IN_PERSON, Format.MIXED) and not (consultation.venue_kk or consultation.venue_ru):
        problems.append(_("Give the venue of the consultation."))
    if consultation.format in (Format.ONLINE, Format.MIXED) and not consultation.link:
        problems.append(_("Give the link to the online consultation."))
    return problems


def _has_participation(consultation: Consultation) -> list[str]:
    if consultation.participation_kk or consultation.participation_ru:
        return []
    return [_("Explain how citizens can take part.")]


def _has_window(consultation: Consultation) -> list[str]:
    if consultation.window_opens_at and consultation.window_closes_at:
        return []
    return [_("Set the period in which proposals are accepted.")]


def _every_proposal_sorted(consultation: Consultation) -> list[str]:
    unsorted = list(
        consultation.proposals.filter(moderation="new").order_by("submitted_at").values_list("reference", flat=True)
    )
    if not unsorted:
        return []
    return [
        ngettext(
            "%(count)s proposal is neither in the list nor set aside: %(references)s.",
            "%(count)s proposals are neither in the list nor set aside: %(references)s.",
            len(unsorted),
        )
        % {"count": len(unsorted), "references": _short_list(unsorted)}
    ]


def _is_draft_act(consultation: Consultation) -> list[str]:
    if consultation.is_draft_act:
        return []
    return [_("A draft recommendation is prepared only for a draft legal act; publish the position instead.")]


def _recommendation_complete(consultation: Consultation) -> list[str]:
    recommendation = getattr(consultation, "recommendation", None)
    if recommendation is None:
        return [_("Write the draft recommendation.")]
    points = list(recommendation.points.all())
    if not points:
        return [_("Add at least one point to the draft recommendation.")]
    problems = []
    missing = [str(p.number) for p in points if not (p.text_kk and p.text_ru)]
    if missing:
        problems.append(
            _("Write these points of the recommendation in both Kazakh and Russian: %(numbers)s.")
            % {"numbers": ", ".join(missing)}
        )
    listed = consultation.proposals.filter(moderation="listed")
    if listed.exists() and not listed.filter(recommendation_points__recommendation=recommendation).exists():
        problems.append(_("Name the proposals of citizens that the recommendation takes into account."))
    return problems


def _recommendation_first(consultation: Consultation) -> list[str]:
    if consultation.is_draft_act and consultation.state != State.RECOMMENDATION_DRAFTED:
        return [_("For a draft legal act the draft recommendation (step 6) comes before the position.")]
    return []


def _position_complete(consultation: Consultation) -> list[str]:
    position = Position.objects.filter(consultation=consultation).first()
    if position is None or not (position.text_kk or position.text_ru):
        return [_("Write the council's position.")]
    if not (position.text_kk and position.text_ru):
        return [_("Write the council's position in both Kazakh and Russian.")]
    return []


def _every_proposal_decided(consultation: Consultation) -> list[str]:
    listed = consultation.proposals.filter(moderation="listed").order_by("submitted_at")
    undecided = list(listed.filter(decision="").values_list("reference", flat=True))
    unexplained = list(
        listed.exclude(decision="")
        .exclude(decision_reasons_kk__gt="", decision_reasons_ru__gt="")
        .values_list("reference", flat=True)
    )
    problems = []
    if undecided:
        problems.append(
            ngettext(
                "%(count)s proposal in the list has no decision: %(references)s.",
                "%(count)s proposals in the list have no decision: %(references)s.",
                len(undecided),
            )
            % {"count": len(undecided), "references": _short_list(undecided)}
        )
    if unexplained:
        problems.append(
            ngettext(
                "%(count)s decision lacks its reasons in Kazakh and Russian: %(references)s.",
                "%(count)s decisions lack their reasons in Kazakh and Russian: %(references)s.",
                len(unexplained),
            )
            % {"count": len(unexplained), "references": _short_list(unexplained)}
        )
    return problems


ANNOUNCE_CHECKS = [
    _in_published_schedule,
    _has_questions,
    _has_dates,
    _has_place_or_link,
    _has_participation,
    _has_window,
    draft_available_problems,
]


def _short_list(references: list[str], shown: int = 5) -> str:
    if len(references) <= shown:
        return ", ".join(references)
    return ", ".join(references[:shown]) + " …"


# ---------------------------------------------------------------------------------------------------------
# Performing a transition


def _perform(
    consultation: Consultation,
    transition: Transition,
    *,
    by,
    occurred_on: datetime.date | None = None,
    meeting: Meeting | None = None,
    note: str = "",
    checks: list[Check] = (),
    effect: Callable[[Consultation, datetime.date], None] | None = None,
) -> ConsultationTransition:
    with transaction.atomic():
        # Locking the row makes a double click wait for the first click, then find the step already taken.
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        _check_actor(locked, transition, by)
        if locked.state not in transition.sources:
            raise ActionRefused(
                _("The consultation is at the step “%(state)s”: it is not possible to %(action)s from there.")
                % {"state": locked.get_state_display(), "action": transition.label}
            )
        if meeting is not None:
            occurred_on = meeting.date
        date = occurred_on or timezone.localdate()
        problems = _date_problems(locked, date)
        for check in checks:
            problems += check(locked)
        if problems:
            raise ActionRefused(problems)
        if effect is not None:
            effect(locked, date)
        source = locked.state
        target = transition.target or previous_state(locked)
        write_state(locked, "state", target, state_since=date, updated_at=timezone.now())
        entry = ConsultationTransition.objects.create(
            consultation=locked,
            name=transition.name,
            from_state=source,
            to_state=target,
            by=by,
            occurred_on=date,
            meeting=meeting,
            note=note,
        )
    # The caller's instance now shows what the database holds.
    consultation.refresh_from_db()
    return entry


def _check_actor(consultation: Consultation, transition: Transition, by) -> None:
    if by is None:
        if not transition.system_may_perform:
            raise ActionRefused(_("Only the council's secretary or chair may do this."))
        return
    if not can_act(by, consultation.schedule.council):
        raise ActionRefused(_("Only the council's secretary or chair may do this."))


def _date_problems(consultation: Consultation, date: datetime.date) -> list[str]:
    previous = consultation.transitions.order_by("-occurred_on").values_list("occurred_on", flat=True).first()
    return date_problems(date, previous=previous)


def date_problems(date: datetime.date, *, previous: datetime.date | None) -> list[str]:
    """A step is dated on the day it happened: never in the future, never before the previous step."""
    if date > timezone.localdate():
        return [_("The date cannot be in the future.")]
    if previous and date < previous:
        return [
            _("The date cannot be earlier than that of the previous step (%(date)s).")
            % {"date": previous.strftime("%d.%m.%Y")}
        ]
    return []


def moment(date: datetime.date) -> datetime.datetime:
    """When something dated `date` happened: now for today, noon of that day for history entered later."""
    if date == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(12, 0)))


# ---------------------------------------------------------------------------------------------------------
# Reading the history


@dataclass(frozen=True)
class TimelineStep:
    number: int
    state: str
    label: str
    done_on: datetime.date | None
    is_current: bool


def timeline(consultation: Consultation, transitions: list[ConsultationTransition] | None = None) -> list[TimelineStep]:
    """The steps of this consultation with the date each was reached (a step undone is not reached).

    Pass the consultation's transitions when already loaded (prefetched), to avoid a query.
    """
    if transitions is None:
        transitions = list(consultation.transitions.all())
    reached: dict[str, datetime.date] = {}
    for entry in sorted(transitions, key=lambda t: (t.recorded_at, t.id)):
        if entry.name == STEP_BACK.name:
            reached.pop(entry.from_state, None)
        else:
            reached[entry.to_state] = entry.occurred_on
    labels = dict(State.choices)
    return [
        TimelineStep(
            number=STEP_NUMBER[state],
            state=state,
            label=labels[state],
            done_on=reached.get(state),
            is_current=state == consultation.state,
        )
        for state in steps_of(consultation)
        if state != State.PLANNED
    ]
