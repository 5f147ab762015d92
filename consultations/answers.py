"""Answers to the authors who asked for one ("I want an answer from the council").

When the position is published (step 7), every author who asked for an answer and gave an email address
is mailed, once, in the language of their proposal: the council's decision and its reasons, or why the
proposal was not included in the list, with links to the results and to the proposal's status. Spam is
never answered. Authors who gave only a phone number are answered by the secretary, who marks them
answered in the workspace (`proposals.services.mark_answered`).

This app sits below `proposals`: it reads and writes proposals through the reverse relation
`consultation.proposals`, never by importing them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import page_cache
from publications.mail import queue_mail
from publications.models import OutgoingMail
from publications.services import HISTORY

from .models import Consultation
from .proposal_codes import Moderation, SetAsideReason

# An author is owed an answer when they asked for one and their proposal was sorted: included in the list,
# or set aside for a reason other than spam.
OWED = Q(wants_answer=True) & (
    Q(moderation=Moderation.LISTED) | (Q(moderation=Moderation.SET_ASIDE) & ~Q(set_aside_reason=SetAsideReason.SPAM))
)
BY_MAIL = Q(contact__contains="@")
# Answered: a mail queued or sent (one that finally failed did not reach the author), or a phone call the
# secretary marked.
ANSWERED = (Q(answer_queued_at__isnull=False) & ~Q(answer_mail__state=OutgoingMail.State.FAILED)) | Q(
    answered_by_phone_on__isnull=False
)


def owed_an_answer(consultation: Consultation) -> QuerySet:
    return consultation.proposals.filter(OWED)


def to_answer_by_phone(consultation: Consultation) -> QuerySet:
    """The authors who asked for an answer and gave only a phone number (a contact is required to ask)."""
    return owed_an_answer(consultation).exclude(BY_MAIL).order_by("submitted_at", "id")


def awaiting_mail(consultation: Consultation) -> QuerySet:
    """The authors owed an answer by mail that none was queued for yet."""
    return owed_an_answer(consultation).filter(BY_MAIL, answer_queued_at__isnull=True)


def answer_counts(consultation: Consultation) -> dict[str, int]:
    """{"asked": authors owed an answer, "answered": those answered by mail or by phone} — counts only."""
    # OWED in the WHERE clause, not in the counts' FILTER: only the authors who asked for an answer are read (the
    # index proposal_wants_answer), not every proposal of a consultation of 50,000.
    return owed_an_answer(consultation).aggregate(asked=Count("pk"), answered=Count("pk", filter=ANSWERED))


def answer_authors(consultation: Consultation, *, by=None, at: datetime.datetime | None = None) -> int:
    """Queue one answer mail for each author owed an answer who gave an email address and has none queued
    yet; returns how many were queued. Runs in the caller's transaction (the one that publishes the
    position): the mails are outbox rows, sent after commit and swept if the worker or Redis is down.

    Safe to call twice: a proposal records when its answer was queued and is not answered again. A position
    dated further back than `publications.services.HISTORY` (`at`) is history entered afterwards: like the
    announcement's channels, nobody is mailed by itself; the inbox then offers to mail the answers now.
    """
    now = timezone.now()
    if at is not None and at < now - HISTORY:
        return 0
    with transaction.atomic():
        proposals = list(
            awaiting_mail(consultation)
            .select_related("duplicate_of")
            .select_for_update(of=("self",))
            .order_by("submitted_at", "id")
        )
        for proposal in proposals:
            mail = queue_mail(to=proposal.contact, language=proposal.language, **_answer_mail(consultation, proposal))
            consultation.proposals.filter(pk=proposal.pk).update(answer_mail=mail, answer_queued_at=now, updated_at=now)
            proposal.events.create(action="answered", by=by, at=now, note=_("An answer was mailed to the author."))
    if proposals:
        page_cache.bump(consultation)  # an UPDATE sends no signal: the results page counts the authors answered
    return len(proposals)


def _answer_mail(consultation: Consultation, proposal) -> dict[str, str]:
    """The subject and body of the answer, in the proposal's language: nothing of any other author."""
    language = proposal.language
    with translation.override(language):
        reasons = getattr(proposal, f"decision_reasons_{language}", "") or proposal.decision_reasons
        rendered = render_to_string(
            "consultations/mail/answer.txt",
            {
                "consultation": consultation,
                "council": consultation.schedule.council,
                "proposal": proposal,
                "reasons": reasons,
                "results_url": settings.SITE_URL + reverse("consultations:results", kwargs={"slug": consultation.slug}),
                "status_url": settings.SITE_URL + reverse("proposals:status", kwargs={"reference": proposal.reference}),
            },
        ).strip()
    subject, _sep, body = rendered.partition("\n")
    return {"subject": subject.strip(), "body": body.strip()}
