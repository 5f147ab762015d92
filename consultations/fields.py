"""A state column that only its workflow writes.

`StateField` is a CharField whose value cannot be assigned on a loaded instance, and `Model.save()` of a
`StateMachineModel` never writes it back: a stale instance saved after a transition cannot undo the
transition. The workflow writes the column with a guarded UPDATE on a locked row (see `write_state`).
"""

from __future__ import annotations

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from common import page_cache


class StateWriteRefused(AttributeError):
    pass


class _StateDescriptor(DeferredAttribute):
    def __set__(self, instance, value):
        attname = self.field.attname
        loaded = attname in instance.__dict__
        if loaded and instance.__dict__[attname] != value and not getattr(instance, "_writing_state", False):
            raise StateWriteRefused(
                f"{type(instance).__name__}.{attname} changes only through its workflow's transitions."
            )
        instance.__dict__[attname] = value


class StateField(models.CharField):
    descriptor_class = _StateDescriptor


class StateMachineModel(models.Model):
    """Base for models with a `StateField`: save() leaves the state to the workflow."""

    # What a transition reads with the row it locks (consultations.transitions): its council, whose secretary acts.
    LOCKED_WITH: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        state_fields = {f.attname for f in self._meta.concrete_fields if isinstance(f, StateField)}
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and state_fields & set(update_fields):
            raise StateWriteRefused("The state changes only through the workflow's transitions.")
        if not self._state.adding and update_fields is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.attname not in state_fields
            ]
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args, **kwargs):
        self._writing_state = True
        try:
            super().refresh_from_db(*args, **kwargs)
        finally:
            self._writing_state = False


def write_state(instance: StateMachineModel, field: str, value: str, **also) -> None:
    """Store a new state (and any `also` columns) with an UPDATE, then mirror it on the instance.

    Only workflow modules call this, on a row they have locked with select_for_update().
    """
    type(instance)._default_manager.filter(pk=instance.pk).update(**{field: value}, **also)
    page_cache.bump(instance)  # an UPDATE sends no signal: the public pages show the step
    instance._writing_state = True
    try:
        setattr(instance, field, value)
        for name, column_value in also.items():
            setattr(instance, name, column_value)
    finally:
        instance._writing_state = False
