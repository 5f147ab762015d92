"""The codes of a proposal's moderation and of the council's decision on it (stored on `proposals.Proposal`).

They live here because this app reads proposals by them — through `consultation.proposals`, steps 5–7 —
and may not import `proposals`, the app above it; `proposals.models.Proposal` uses these same classes
(`Proposal.Moderation`, `Proposal.SetAsideReason`, `Proposal.Decision`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Moderation(models.TextChoices):
    NEW = "new", _("new")
    LISTED = "listed", _("included in the list")
    SET_ASIDE = "set_aside", _("not included in the list")


class SetAsideReason(models.TextChoices):
    SPAM = "spam", _("spam")
    DUPLICATE = "duplicate", _("duplicate")
    OFF_TOPIC = "off_topic", _("off-topic")


class Decision(models.TextChoices):
    TAKEN = "taken_into_account", _("taken into account")
    PARTLY = "partly_taken", _("partly taken into account")
    NOT_TAKEN = "not_taken", _("not taken into account")
