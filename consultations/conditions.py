"""What must be true to take a step: the conditions of the step table in `consultations.workflow`.

Each condition looks at the consultation (locked, as it is in the database) and at the act — who takes the
step, on which date, at which meeting, for what reason — and returns what is missing, as messages for the
person taking the step, in their language. An empty list means the condition holds.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from councils.models import Meeting
from councils.services import decision_meeting_problems

from .models import Consultation, Document, Position
from .proposal_codes import Moderation


@dataclass(frozen=True)
class Act:
    """One attempt at a step: who takes it (None: the system), the date it happened, and what it was given."""

    by: object
    date: datetime.date
    meeting: Meeting | None = None
    reason: str = ""

    @property
    def at(self) -> datetime.datetime:
        return moment(self.date)


Condition = Callable[[Consultation, Act], list[str]]


def moment(date: datetime.date) -> datetime.datetime:
    """When something dated `date` happened: now for today, noon of that day for history entered later."""
    if date == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(12, 0)))


def _when(value: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _short_list(references: list[str], shown: int = 5) -> str:
    if len(references) <= shown:
        return ", ".join(references)
    return ", ".join(references[:shown]) + " …"


# ---------------------------------------------------------------------------------------------------------
# Steps 1 and 2: decisions at a quorate meeting (Law "On Public Councils", art. 13 p. 2)


def quorate_meeting(consultation: Consultation, act: Act) -> list[str]:
    return decision_meeting_problems(act.meeting, consultation.schedule.council)


def has_questions(consultation: Consultation, act: Act) -> list[str]:
    if consultation.questions.exists():
        return []
    return [_("Add at least one question to the list of questions.")]


# ---------------------------------------------------------------------------------------------------------
# Step 3: citizens informed — the announcement says when, where, how to take part, and the questions


def in_published_schedule(consultation: Consultation, act: Act) -> list[str]:
    """Nothing of a schedule is public before it is published."""
    if consultation.revision <= consultation.schedule.published_revision:
        return []
    return [_("Publish the schedule of public consultations that includes this consultation first.")]


def has_dates(consultation: Consultation, act: Act) -> list[str]:
    if consultation.starts_on:
        return []
    return [_("Give the date on which the consultation is held.")]


def has_place_or_link(consultation: Consultation, act: Act) -> list[str]:
    problems = []
    Format = Consultation.Format
    if consultation.format in (Format.IN_PERSON, Format.MIXED) and not (consultation.venue_kk or consultation.venue_ru):
        problems.append(_("Give the venue of the consultation."))
    if consultation.format in (Format.ONLINE, Format.MIXED) and not consultation.link:
        problems.append(_("Give the link to the online consultation."))
    return problems


def has_participation(consultation: Consultation, act: Act) -> list[str]:
    if consultation.participation_kk or consultation.participation_ru:
        return []
    return [_("Explain how citizens can take part.")]


def draft_readable(consultation: Consultation, act: Act | None) -> list[str]:
    """A draft-act consultation is announced only when citizens can read the draft: a document of kind "draft
    legal act" is attached, or the link to the draft on the open legal-acts portal is given."""
    if not consultation.is_draft_act or consultation.act_url:
        return []
    if consultation.documents.filter(kind=Document.Kind.DRAFT_ACT).exists():
        return []
    return [
        _(
            "Attach the draft legal act, or give the link to it on the open legal-acts portal, "
            "before informing citizens."
        )
    ]


def has_window(consultation: Consultation, act: Act) -> list[str]:
    if consultation.window_opens_at and consultation.window_closes_at:
        return []
    return [_("Set the period in which proposals are accepted.")]


# ---------------------------------------------------------------------------------------------------------
# Steps 4 and 5: the intake, bound to the proposal window


def intake_open(consultation: Consultation, act: Act) -> list[str]:
    """Closing early: only while the portal still accepts proposals."""
    if consultation.is_open_for_proposals(act.at):
        return []
    if consultation.window_closes_at and consultation.window_closes_at <= act.at:
        return [_("The intake closed on %(date)s already.") % {"date": _when(consultation.window_closes_at)}]
    return [_("The intake is not open.")]


def intake_closed(consultation: Consultation, act: Act) -> list[str]:
    """Step 5 forms the list once no more proposals can come: refused while the window is open."""
    closes = consultation.window_closes_at
    if closes is None:
        return []
    still_open = act.at < closes if act.date == timezone.localdate() else act.date < timezone.localdate(closes)
    if not still_open:
        return []
    return [
        _(
            "Proposals are accepted until %(date)s: the list of proposals is formed after the intake closes. "
            "To end it earlier, close the intake now, with the reason."
        )
        % {"date": _when(closes)}
    ]


def reason_given(message: str) -> Condition:
    """Cancelling, going back and closing early say why."""

    def check(consultation: Consultation, act: Act) -> list[str]:
        return [] if act.reason.strip() else [message]

    return check


def every_proposal_sorted(consultation: Consultation, act: Act) -> list[str]:
    unsorted = list(
        consultation.proposals.filter(moderation=Moderation.NEW)
        .order_by("submitted_at")
        .values_list("reference", flat=True)
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


# ---------------------------------------------------------------------------------------------------------
# Steps 6 and 7: the recommendation and the position


def recommendation_complete(consultation: Consultation, act: Act) -> list[str]:
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
    listed = consultation.proposals.filter(moderation=Moderation.LISTED)
    if listed.exists() and not listed.filter(recommendation_points__recommendation=recommendation).exists():
        problems.append(_("Name the proposals of citizens that the recommendation takes into account."))
    return problems


def position_complete(consultation: Consultation, act: Act) -> list[str]:
    position = Position.objects.filter(consultation=consultation).first()
    if position is None or not (position.text_kk or position.text_ru):
        return [_("Write the council's position.")]
    if not (position.text_kk and position.text_ru):
        return [_("Write the council's position in both Kazakh and Russian.")]
    return []


def every_proposal_decided(consultation: Consultation, act: Act) -> list[str]:
    listed = consultation.proposals.filter(moderation=Moderation.LISTED).order_by("submitted_at")
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
