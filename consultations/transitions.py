"""How a schedule or a consultation moves: the one runner both workflows take their transitions with.

A transition locks the row, checks who acts and from where (`guard`, which raises), dates it (never in the
future, never before the previous entry of its log) and checks its conditions (each says what is missing),
performs its effect, writes the new state (`fields.write_state`) and one row of the append-only log — all in
one database transaction. A refused transition raises `ActionRefused` with every problem found, and nothing has
changed. What each workflow adds lives with it: the schedule's in `consultations.services`, the seven steps in
`consultations.workflow`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import ActionRefused
from councils.models import Meeting

from .fields import StateMachineModel, write_state
from .models import TransitionLog

M = TypeVar("M", bound=StateMachineModel)


def transition(
    instance: M,
    *,
    by,
    date: datetime.date,
    target: str | Callable[[M], str],
    guard: Callable[[M], None],
    conditions: Callable[[M], list[str]] | None = None,
    effect: Callable[[M], dict | None] | None = None,
    columns: Callable[[M], dict] | None = None,
    logged: Callable[[M], dict] | None = None,
    meeting: Meeting | None = None,
    note: str = "",
) -> TransitionLog:
    """Take `instance` (a schedule or a consultation, with a `state` and a log of `transitions`) to `target`.

    Each callable is given the locked row: `guard` raises `ActionRefused` when the person may not act or the
    row is not where the transition starts; `conditions` returns what is missing; `effect` does what the
    transition does besides (publishing, moving the window…) and may return more fields for the log entry;
    `columns` gives more columns to write with the state, and `logged` more fields of the log entry. The state
    is written only when it changes; the entry always. The caller's instance is refreshed from the database."""
    with transaction.atomic():
        # Locking the row makes a double click wait for the first click, then find the transition already taken.
        # Only the row is locked (`of`): the council it is read with is not.
        model = type(instance)
        locked = model.objects.select_for_update(of=("self",)).select_related(*model.LOCKED_WITH).get(pk=instance.pk)
        guard(locked)
        previous = locked.transitions.order_by("-occurred_on").values_list("occurred_on", flat=True).first()
        problems = date_problems(date, previous=previous) + (conditions(locked) if conditions else [])
        if problems:
            raise ActionRefused(problems)
        also_logged = (effect(locked) if effect else None) or {}
        source, to = locked.state, target(locked) if callable(target) else target
        fields = {**(logged(locked) if logged else {}), **also_logged}  # as the row stood before it moved
        if to != source:
            write_state(locked, "state", to, updated_at=timezone.now(), **(columns(locked) if columns else {}))
        entry = locked.transitions.create(
            from_state=source, to_state=to, by=by, occurred_on=date, meeting=meeting, note=note, **fields
        )
    instance.refresh_from_db()
    return entry


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
