"""The one error every service raises when a rule refuses an action, whatever the app."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise


class ActionRefused(Exception):
    """An action was refused and nothing changed. `messages` say why, in the user's language."""

    def __init__(self, messages: str | Iterable[str]):
        if isinstance(messages, str | Promise):
            messages = [messages]
        self.messages = [str(m) for m in messages]
        super().__init__(" ".join(str(m) for m in self.messages))
