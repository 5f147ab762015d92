"""The seven steps of a public consultation — the only code that changes a consultation's step.

Read it beside DESIGN.md, "The seven steps", and the ministry's recommendations (1-қадам … 7-қадам /
Шаг 1 … Шаг 7). `STEPS` below is that table: one row per step, and one per the other actions (closing the
intake early, cancelling, going one step back). A row declares everything about its step — where it may be
taken from, its conditions, what the person taking it gives (the form), its deadline, and what the workspace
tells the secretary about it — and every reader takes it from there: the workspace's step form and hints, the
dashboard's next step and deadline, the reminders, and the ministry's compliance review.

Taking a step (`take`, or the function named for it: `decide`, `announce` …) locks the consultation, checks
that the step may be taken from where the consultation stands and that its conditions hold, performs its
effect (steps 3 and 7 publish on the portal), writes the new state and one row of the append-only log — all
in one database transaction (`consultations.transitions`, the runner the schedule's transitions share). A
refused step raises `ActionRefused` whose messages say what is missing, in the user's language, and nothing
has changed.

Why a table of our own rather than django-fsm-2: every condition here must explain itself, a refused step must
leave no trace, and every step must lock its row, log who / when / the date it happened / the meeting, and
publish inside the same transaction. django-fsm's conditions are yes-or-no callables and it neither saves,
locks nor logs; `StateField` keeps the column out of reach of everything else.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.errors import ActionRefused
from councils.models import Meeting
from councils.permissions import can_act
from publications.models import Announcement

from . import announcements, answers, deadlines, pdf
from .conditions import (
    Act,
    Condition,
    draft_readable,
    every_proposal_decided,
    every_proposal_sorted,
    has_dates,
    has_participation,
    has_place_or_link,
    has_questions,
    has_window,
    in_published_schedule,
    intake_closed,
    intake_open,
    position_complete,
    quorate_meeting,
    reason_given,
    recommendation_complete,
)
from .deadlines import DueRule, Reached
from .models import CompliancePolicy, Consultation, ConsultationTransition
from .transitions import transition

State = Consultation.State
Event = Announcement.Event


def _always(consultation: Consultation) -> bool:
    return True


def _draft_acts_only(consultation: Consultation) -> bool:
    return consultation.is_draft_act


@dataclass(eq=False)
class Step:
    """One row of the table: a step (numbered 1–7), or another action on a consultation. Rows compare by
    identity: each exists once."""

    name: str  # the action's code: the workspace's URL and the log's `name`
    label: str | Promise  # the action, as in "it is not possible to <label>"
    sources: tuple[str, ...]  # the states it may be taken from
    target: str | None  # the state it leads to; None: one step back
    number: int | None = None  # 1–7 for the seven steps
    conditions: tuple[Condition, ...] = ()
    form: str = "date"  # what the person taking it gives: a key of `consultations.forms.STEP_FORMS`
    event: str = ""  # the announcement it publishes, prepared for the secretary to edit
    due: DueRule | None = None  # its deadline, as the compliance rules set it
    hint: str | Promise = ""  # what the workspace tells the secretary about it
    pages: tuple[tuple[str, str | Promise], ...] = ()  # (workspace URL name, link text): where it is prepared
    applies: Callable[[Consultation], bool] = _always
    not_applicable: str | Promise = ""  # the refusal when it does not apply to the consultation
    by_system: bool = False  # the beat job may take it (when its time comes)

    def due_on(self, consultation: Consultation, reached: Reached, policy: CompliancePolicy) -> datetime.date | None:
        return self.due(consultation, reached, policy) if self.due else None

    @property
    def closes_intake(self) -> bool:
        """ "Close the intake now": the workspace says until when proposals are accepted before offering it."""
        return self is CLOSE_INTAKE


# The states a consultation goes through, in order (a state is named for the step that enters it).
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
FINAL = (State.POSITION_PUBLISHED, State.CANCELLED)

DECIDE = Step(
    "decide",
    _("decide to hold the consultation"),
    number=1,
    sources=(State.PLANNED,),
    target=State.DECIDED,
    conditions=(quorate_meeting,),
    form="meeting",
    hint=_("Record the quorate meeting at which the council decided to hold the consultation."),
    pages=(("workspace:questions", _("The list of questions")),),
)
APPROVE_QUESTIONS = Step(
    "approve_questions",
    _("approve the list of questions"),
    number=2,
    sources=(State.DECIDED,),
    target=State.QUESTIONS_APPROVED,
    conditions=(has_questions, quorate_meeting),
    form="meeting",
    hint=_("Write the list of questions, then record the quorate meeting at which the council approved it."),
    pages=(("workspace:questions", _("The list of questions")),),
)
ANNOUNCE = Step(
    "announce",
    _("inform citizens"),
    number=3,
    sources=(State.QUESTIONS_APPROVED,),
    target=State.ANNOUNCED,
    conditions=(
        in_published_schedule,
        has_questions,
        has_dates,
        has_place_or_link,
        has_participation,
        has_window,
        draft_readable,
    ),
    form="announcement",
    event=Event.CONSULTATION_ANNOUNCED,
    due=deadlines.before_window_opens,
    hint=_(
        "Publish the announcement — the dates, the place or link, how to take part and the questions — before "
        "the proposal window opens. It goes on the portal at once (or at the time you give), then to the channels; "
        "record where else it was published."
    ),
    by_system=True,
)
OPEN_INTAKE = Step(
    "open_intake",
    _("open the consultation"),
    number=4,
    sources=(State.ANNOUNCED,),
    target=State.HELD,
    conditions=(in_published_schedule, has_window),
    due=deadlines.before_window_opens,
    hint=_(
        "The consultation opens by itself when the proposal window opens. Open it now only to start earlier: "
        "the window then opens now, and the log and the public page say so."
    ),
    by_system=True,
)
CLOSE_INTAKE = Step(
    "close_intake",
    _("close the intake now"),
    sources=(State.HELD,),
    target=State.HELD,
    conditions=(intake_open, reason_given(_("Give the reason for closing the intake early, in Kazakh and Russian."))),
    form="close_intake",
    hint=_(
        "Proposals are accepted until the window closes. To end the intake earlier, close it now with the reason, "
        "in Kazakh and Russian: it is logged and shown on the public page."
    ),
)
COMPILE_PROPOSALS = Step(
    "compile_proposals",
    _("form the list of proposals"),
    number=5,
    sources=(State.HELD,),
    target=State.PROPOSALS_COMPILED,
    conditions=(intake_closed, every_proposal_sorted),
    due=deadlines.list_due,
    hint=_(
        "Once the intake has closed, include every proposal in the list or set it aside (spam, a duplicate, "
        "off-topic) with the reason."
    ),
    pages=(("workspace:inbox", _("Sort the proposals")),),
)
DRAFT_RECOMMENDATION = Step(
    "draft_recommendation",
    _("prepare the draft recommendation"),
    number=6,
    sources=(State.PROPOSALS_COMPILED,),
    target=State.RECOMMENDATION_DRAFTED,
    conditions=(every_proposal_sorted, recommendation_complete),
    due=deadlines.recommendation_due,
    hint=_("Write the draft recommendation in Kazakh and Russian, naming the proposals it takes into account."),
    pages=(("workspace:recommendation", _("The draft recommendation")),),
    applies=_draft_acts_only,
    not_applicable=_("A draft recommendation is prepared only for a draft legal act; publish the position instead."),
)
PUBLISH_POSITION = Step(
    "publish_position",
    _("publish the position"),
    number=7,
    sources=(State.PROPOSALS_COMPILED, State.RECOMMENDATION_DRAFTED),
    target=State.POSITION_PUBLISHED,
    conditions=(every_proposal_sorted, position_complete, every_proposal_decided),
    form="position",
    event=Event.RESULTS_PUBLISHED,
    due=deadlines.results_due,
    hint=_(
        "Decide on every proposal in the list, with reasons in Kazakh and Russian, and write the council's "
        "position. Publishing it publishes the results, and answers the authors who asked for an answer."
    ),
    pages=(("workspace:inbox", _("Decide on each proposal")), ("workspace:position", _("The position"))),
)
CANCEL = Step(
    "cancel",
    _("cancel the consultation"),
    sources=tuple(s for s in SEQUENCE if s not in FINAL),
    target=State.CANCELLED,
    conditions=(reason_given(_("Give the reason for cancelling.")),),
    form="cancel",
    event=Event.CONSULTATION_CANCELLED,
)
STEP_BACK = Step(
    "step_back",
    _("go one step back"),
    sources=(
        State.DECIDED,
        State.QUESTIONS_APPROVED,
        State.ANNOUNCED,
        State.HELD,
        State.PROPOSALS_COMPILED,
        State.RECOMMENDATION_DRAFTED,
    ),
    target=None,
    conditions=(reason_given(_("Give the reason for going back.")),),
    form="step_back",
)
STEPS = {
    step.name: step
    for step in (
        DECIDE,
        APPROVE_QUESTIONS,
        ANNOUNCE,
        OPEN_INTAKE,
        CLOSE_INTAKE,
        COMPILE_PROPOSALS,
        DRAFT_RECOMMENDATION,
        PUBLISH_POSITION,
        CANCEL,
        STEP_BACK,
    )
}
SEVEN = tuple(step for step in STEPS.values() if step.number)
STEP_OF = {step.target: step for step in SEVEN}  # the step that enters each state


def steps_of(consultation: Consultation) -> tuple[Step, ...]:
    """The steps this consultation goes through (step 6 applies to draft legal acts only)."""
    return tuple(step for step in SEVEN if step.applies(consultation))


def states_of(consultation: Consultation) -> tuple[str, ...]:
    return (State.PLANNED, *(step.target for step in steps_of(consultation)))


def previous_state(consultation: Consultation) -> str:
    states = states_of(consultation)
    return states[states.index(consultation.state) - 1]


def is_announced(consultation: Consultation) -> bool:
    """Whether citizens were informed (step 3 taken); a cancellation is then announced too."""
    return consultation.state in SEQUENCE and SEQUENCE.index(consultation.state) >= SEQUENCE.index(State.ANNOUNCED)


# ---------------------------------------------------------------------------------------------------------
# Reading the history


def _reaching_entries(transitions: Iterable[ConsultationTransition]) -> dict[str, ConsultationTransition]:
    """The log entry by which each state was reached: a step undone (one step back) is not reached; an action
    within a step (closing the intake early) reaches nothing. Pass the log in any order."""
    entries: dict[str, ConsultationTransition] = {}
    for entry in sorted(transitions, key=lambda t: (t.recorded_at, t.id)):
        _reach(entries, entry.name, entry.from_state, entry.to_state, entry)
    return entries


def _reach(reached: dict, name: str, from_state: str, to_state: str, value) -> None:
    """One log entry, in the order of recording, applied to `reached` (state → `value`): the one rule of what a
    log reaches, for one consultation's entries and for tens of thousands of rows alike."""
    if name == STEP_BACK.name:
        reached.pop(from_state, None)
    elif from_state != to_state:
        reached[to_state] = value


def steps_reached(transitions: Iterable[ConsultationTransition]) -> Reached:
    """The date on which each state was reached, from the log (`_reaching_entries`)."""
    return {state: entry.occurred_on for state, entry in _reaching_entries(transitions).items()}


def steps_reached_by_consultation(
    rows: Iterable[tuple[int, str, str, str, datetime.date]],
) -> dict[int, Reached]:
    """`steps_reached` of many consultations in one pass over their logs' rows — (consultation id, name, from
    state, to state, date), in the order of recording — by the rule of `_reach`: the compliance review reads
    tens of thousands of them."""
    reached: dict[int, Reached] = defaultdict(dict)
    for consultation_id, name, from_state, to_state, occurred_on in rows:
        _reach(reached[consultation_id], name, from_state, to_state, occurred_on)
    return reached


def reached_by(consultation: Consultation) -> Reached:
    """`steps_reached` of a consultation, from its prefetched log when the caller prefetched it."""
    return steps_reached(consultation.transitions.all())


@dataclass(frozen=True)
class TimelineStep:
    number: int
    state: str
    label: str
    done_on: datetime.date | None
    is_current: bool
    meeting: Meeting | None = None  # the meeting that decided it (steps 1 and 2)


# The timeline names every step by what it achieves ("Consultation held", like "Position published"); only the
# current step of a state that lasts reads in the present, as its badge does.
DONE_LABELS = {State.HELD: _("Consultation held")}


def timeline(consultation: Consultation, log: Iterable[ConsultationTransition] | None = None) -> list[TimelineStep]:
    """The seven steps of this consultation (six for other occasions) with the date each was reached and the
    meeting that decided it (steps 1 and 2), from its log: `log` when the caller has read it (with its
    meetings), else the consultation's prefetched transitions."""
    reaching = _reaching_entries(consultation.transitions.all() if log is None else log)
    labels = dict(State.choices)
    steps = []
    for step in steps_of(consultation):
        entry = reaching.get(step.target)
        is_current = step.target == consultation.state
        steps.append(
            TimelineStep(
                number=step.number,
                state=step.target,
                label=labels[step.target] if is_current else DONE_LABELS.get(step.target, labels[step.target]),
                done_on=entry.occurred_on if entry else None,
                is_current=is_current,
                meeting=entry.meeting if entry and entry.meeting_id else None,
            )
        )
    return steps


@dataclass(frozen=True)
class NextStep:
    step: Step
    due: datetime.date | None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


def upcoming(consultation: Consultation) -> Step | None:
    """The next of the seven steps for this consultation; None once it is finished or cancelled."""
    return next((step for step in steps_of(consultation) if consultation.state in step.sources), None)


def next_step(
    consultation: Consultation, policy: CompliancePolicy | None = None, reached: Reached | None = None
) -> NextStep | None:
    """The step the secretary takes next, with its deadline when the compliance rules give one."""
    step = upcoming(consultation)
    if step is None:
        return None
    reached = reached_by(consultation) if reached is None else reached
    return NextStep(step, step.due_on(consultation, reached, policy or CompliancePolicy.current()))


def actions(consultation: Consultation, at: datetime.datetime | None = None) -> list[Step]:
    """What can be done to the consultation now, the next step first: what the workspace offers."""
    step = upcoming(consultation)
    if step is COMPILE_PROPOSALS and consultation.is_open_for_proposals(at):
        step = CLOSE_INTAKE  # the list is formed once the intake has closed
    return [s for s in (step, CANCEL, STEP_BACK) if s is not None and consultation.state in s.sources]


# ---------------------------------------------------------------------------------------------------------
# The steps


def decide(consultation: Consultation, *, by, meeting: Meeting | None, note: str = "") -> ConsultationTransition:
    """Step 1: the council decides at a quorate meeting to hold the consultation."""
    return _take(consultation, DECIDE, by=by, meeting=meeting, note=note)


def approve_questions(
    consultation: Consultation, *, by, meeting: Meeting | None, note: str = ""
) -> ConsultationTransition:
    """Step 2: the council approves the list of questions at a quorate meeting."""
    return _take(consultation, APPROVE_QUESTIONS, by=by, meeting=meeting, note=note)


def announce(
    consultation: Consultation,
    *,
    by,
    occurred_on: datetime.date | None = None,
    publish_at: datetime.datetime | None = None,
    note: str = "",
    scheduled: Announcement | None = None,
    **texts: str,
) -> ConsultationTransition | Announcement:
    """Step 3: citizens are informed — the announcement (date, place or link, how to take part, the
    questions) is published on the portal in this transaction; other channels deliver after commit.

    With `publish_at` to come, the announcement is written now and the beat job takes the step then
    (returns the waiting announcement); `scheduled` is such an announcement whose time has come."""
    if publish_at is not None and publish_at > timezone.now():
        return schedule_announcement(consultation, by=by, publish_at=publish_at, **texts)

    def publish(locked: Consultation, act: Act) -> dict:
        if scheduled is None:  # taken by hand: what was scheduled for it later does not go out as well
            announcements.withdraw_waiting(locked, event=Event.CONSULTATION_ANNOUNCED)
        announcements.publish_consultation_announced(locked, by=by, at=act.at, scheduled=scheduled, **texts)
        return {}

    return _take(consultation, ANNOUNCE, by=by, occurred_on=occurred_on, note=note, effect=publish)


def schedule_announcement(consultation: Consultation, *, by, publish_at: datetime.datetime, **texts: str):
    """Step 3 prepared to go out at `publish_at`: the beat job takes the step then. Its conditions are checked
    now, so that it will not fail unseen; a later schedule replaces an earlier one."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().select_related("schedule__council").get(pk=consultation.pk)
        _check_actor(locked, ANNOUNCE, by)
        if locked.state not in ANNOUNCE.sources:
            raise ActionRefused(_("Citizens are informed once the list of questions is approved."))
        if publish_at <= timezone.now():
            raise ActionRefused(_("A scheduled announcement goes out in the future."))
        problems = announce_problems(locked)
        if problems:
            raise ActionRefused(problems)
        announcements.withdraw_waiting(locked, event=Event.CONSULTATION_ANNOUNCED)  # the later replaces it
        return announcements.schedule_consultation_announced(locked, by=by, publish_at=publish_at, **texts)


def announce_problems(consultation: Consultation) -> list[str]:
    """What keeps step 3 from being taken now (checked too when it is scheduled for later)."""
    act = Act(by=None, date=timezone.localdate())
    return [problem for condition in ANNOUNCE.conditions for problem in condition(consultation, act)]


def open_intake(
    consultation: Consultation, *, by=None, occurred_on: datetime.date | None = None, note: str = ""
) -> ConsultationTransition:
    """Step 4: the consultation is held; proposals are accepted (on the portal within the window).

    Taken by the system (`by=None`) when the proposal window opens. Taken by the secretary before that, it
    moves the window's start to that moment: "held" always means the portal form is open."""

    def open_window(locked: Consultation, act: Act) -> dict:
        planned = locked.window_opens_at
        # History entered afterwards is dated by the day only: on the planned day itself it was not early.
        early = act.at < planned if act.date == timezone.localdate() else act.date < timezone.localdate(planned)
        if not early:
            return {}
        locked.window_opens_at = act.at
        locked.save(update_fields=["window_opens_at", "updated_at"])
        return {"window_moved_from": planned}

    return _take(consultation, OPEN_INTAKE, by=by, occurred_on=occurred_on, note=note, effect=open_window)


def close_intake(consultation: Consultation, *, by, reason_kk: str, reason_ru: str) -> ConsultationTransition:
    """End the intake early: the window closes now, with the reason (logged, and shown on the public page).
    Only then may the list of proposals be formed before the planned end."""
    reason_kk, reason_ru = reason_kk.strip(), reason_ru.strip()

    def close_window(locked: Consultation, act: Act) -> dict:
        planned = locked.window_closes_at
        locked.window_closes_at = act.at
        locked.early_closing_reason_kk = reason_kk
        locked.early_closing_reason_ru = reason_ru
        locked.save(
            update_fields=[
                "window_closes_at",
                "early_closing_reason",
                "early_closing_reason_kk",
                "early_closing_reason_ru",
                "updated_at",
            ]
        )
        return {"window_moved_from": planned}

    return _take(
        consultation,
        CLOSE_INTAKE,
        by=by,
        reason=reason_kk if reason_ru else "",  # both languages: the public page shows it in each
        note=f"{reason_kk} / {reason_ru}",
        effect=close_window,
    )


def compile_proposals(
    consultation: Consultation, *, by, occurred_on: datetime.date | None = None, note: str = ""
) -> ConsultationTransition:
    """Step 5: intake closed; every proposal is in the list or set aside with a reason."""
    return _take(consultation, COMPILE_PROPOSALS, by=by, occurred_on=occurred_on, note=note)


def draft_recommendation(
    consultation: Consultation, *, by, occurred_on: datetime.date | None = None, note: str = ""
) -> ConsultationTransition:
    """Step 6, draft legal acts only: the council's draft recommendation, taking the proposals into account."""
    return _take(consultation, DRAFT_RECOMMENDATION, by=by, occurred_on=occurred_on, note=note)


def publish_position(
    consultation: Consultation, *, by, occurred_on: datetime.date | None = None, note: str = "", **texts: str
) -> ConsultationTransition:
    """Step 7: the council's position and its decision on every proposal are published on the portal."""

    def publish(locked: Consultation, act: Act) -> dict:
        pdf.publish_results_documents(locked)
        announcements.publish(Event.RESULTS_PUBLISHED, locked, by=by, at=act.at, **texts)
        answers.answer_authors(locked, by=by, at=act.at)
        return {}

    return _take(consultation, PUBLISH_POSITION, by=by, occurred_on=occurred_on, note=note, effect=publish)


def cancel(
    consultation: Consultation,
    *,
    by,
    reason_kk: str = "",
    reason_ru: str = "",
    occurred_on: datetime.date | None = None,
    **texts: str,
) -> ConsultationTransition:
    """Cancel, from any step before 7, with a reason; an announced consultation's cancellation is announced
    (with the title and text given, where given, else as prepared with the reason)."""
    reason_kk, reason_ru = reason_kk.strip(), reason_ru.strip()

    def record_and_announce(locked: Consultation, act: Act) -> dict:
        was_announced = is_announced(locked)
        locked.cancellation_reason_kk = reason_kk or reason_ru
        locked.cancellation_reason_ru = reason_ru or reason_kk
        locked.save(update_fields=["cancellation_reason", "cancellation_reason_kk", "cancellation_reason_ru"])
        announcements.withdraw_waiting(locked)
        if was_announced:
            announcements.publish(Event.CONSULTATION_CANCELLED, locked, by=by, at=act.at, **texts)
        announcements.tell_authors_of_cancellation(locked)
        return {}

    return _take(
        consultation,
        CANCEL,
        by=by,
        occurred_on=occurred_on,
        reason=reason_kk or reason_ru,
        note=reason_kk or reason_ru,
        effect=record_and_announce,
    )


def step_back(
    consultation: Consultation, *, by, reason: str, occurred_on: datetime.date | None = None
) -> ConsultationTransition:
    """Correct a mistake: one step back, with a reason. Nothing already published is withdrawn; a step-3
    announcement still waiting for its time is."""

    def undo_effects(locked: Consultation, act: Act) -> dict:
        # Going back before step 3: the questions may change, so the step-3 text written for them stays unsent.
        if locked.state == State.QUESTIONS_APPROVED:
            announcements.withdraw_waiting(locked, event=Event.CONSULTATION_ANNOUNCED)
        # Going back before step 4 taken early: the window opens when it was planned to (else the beat job would
        # take step 4 again at once).
        opened = locked.transitions.filter(name=OPEN_INTAKE.name).order_by("-recorded_at", "-id").first()
        if locked.state == State.HELD and opened and opened.window_moved_from and opened.window_moved_from > act.at:
            locked.window_opens_at = opened.window_moved_from
            locked.save(update_fields=["window_opens_at", "updated_at"])
        return {}

    return _take(
        consultation,
        STEP_BACK,
        by=by,
        occurred_on=occurred_on,
        reason=reason,
        note=reason.strip(),
        effect=undo_effects,
    )


# Each row's function, for callers that take a step by its name with what its form gathered (the workspace).
PERFORM: dict[str, Callable[..., object]] = {
    DECIDE.name: decide,
    APPROVE_QUESTIONS.name: approve_questions,
    ANNOUNCE.name: announce,
    OPEN_INTAKE.name: open_intake,
    CLOSE_INTAKE.name: close_intake,
    COMPILE_PROPOSALS.name: compile_proposals,
    DRAFT_RECOMMENDATION.name: draft_recommendation,
    PUBLISH_POSITION.name: publish_position,
    CANCEL.name: cancel,
    STEP_BACK.name: step_back,
}


def take(name: str, consultation: Consultation, *, by, **given):
    """Take the step `name` with what its form gathered (`given`: the keyword arguments of its function)."""
    return PERFORM[name](consultation, by=by, **given)


# ---------------------------------------------------------------------------------------------------------
# Taking a step


def _take(
    consultation: Consultation,
    step: Step,
    *,
    by,
    occurred_on: datetime.date | None = None,
    meeting: Meeting | None = None,
    reason: str = "",
    note: str = "",
    effect: Callable[[Consultation, Act], dict] | None = None,
) -> ConsultationTransition:
    date = meeting.date if meeting is not None else occurred_on or timezone.localdate()
    act = Act(by=by, date=date, meeting=meeting, reason=reason)

    def guard(locked: Consultation) -> None:
        _check_actor(locked, step, by)
        _check_source(locked, step)

    return transition(
        consultation,
        by=by,
        date=date,
        target=lambda locked: step.target or previous_state(locked),
        guard=guard,
        conditions=lambda locked: [problem for condition in step.conditions for problem in condition(locked, act)],
        effect=(lambda locked: effect(locked, act)) if effect is not None else None,
        columns=lambda _locked: {"state_since": date},
        logged=lambda _locked: {"name": step.name},
        meeting=meeting,
        note=note,
    )


def _check_actor(consultation: Consultation, step: Step, by) -> None:
    if by is None:
        if not step.by_system:
            raise ActionRefused(_("Only the council's secretary or chair may do this."))
        return
    if not can_act(by, consultation.schedule.council):
        raise ActionRefused(_("Only the council's secretary or chair may do this."))


def _check_source(consultation: Consultation, step: Step) -> None:
    """The step may be taken from where the consultation stands: it applies to it, and for one of the seven
    steps, the step before it (of those that apply) is the last one taken."""
    if not step.applies(consultation):
        raise ActionRefused(step.not_applicable)
    if consultation.state in step.sources and step.number:
        states = states_of(consultation)
        expected = states[states.index(step.target) - 1]
        if consultation.state != expected:  # e.g. the position of a draft act before its recommendation
            before = STEP_OF[expected]
            raise ActionRefused(
                _("Step %(number)s, “%(label)s”, comes first.") % {"number": before.number, "label": before.label}
            )
    if consultation.state not in step.sources:
        raise ActionRefused(
            _("The consultation is at the step “%(state)s”: it is not possible to %(action)s from there.")
            % {"state": consultation.get_state_display(), "action": step.label}
        )
