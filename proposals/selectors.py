"""Reads of proposals for the workspace's pages: each queryset built once, with what its page shows, so that the
inbox costs the same number of queries however many proposals a consultation has
(tests/workspace/test_query_budgets.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from consultations import answers
from consultations.models import Consultation

from .models import Proposal

State = Consultation.State


# The inbox's order, unique: the proposals as they came (read as a range of the index proposal_received).
INBOX_ORDER = ("submitted_at", "pk")


def inbox_proposals(consultation: Consultation, *, with_contacts: bool) -> QuerySet[Proposal]:
    """The consultation's proposals in the order they came, with their question and the original of a duplicate;
    their contacts only `with_contacts` (members read the inbox; contacts are the secretary's and chair's)."""
    proposals = (
        # The group a proposal was placed in, with its representative ("likely duplicate of …"): its reference,
        # not its text. (select_related, unlike an annotation, leaves the count of the proposals without joins.)
        consultation.proposals.select_related("question", "duplicate_of", "similar_group__leader")
        .defer("similar_group__leader__text", "similar_group__leader__contact")
        .order_by(*INBOX_ORDER)
    )
    return proposals if with_contacts else proposals.defer("contact")


def to_answer_by_phone(consultation: Consultation, *, with_contacts: bool) -> list[Proposal]:
    """Once the position is published: the authors who asked for an answer and gave only a phone number (the
    phone number only `with_contacts`: it is the secretary's and chair's to see)."""
    if consultation.state != State.POSITION_PUBLISHED:
        return []
    proposals = answers.to_answer_by_phone(consultation)
    return list(proposals if with_contacts else proposals.defer("contact"))


def unmailed(consultation: Consultation) -> int:
    """Once the position is published: authors owed a mailed answer that none was queued for (a position
    recorded days after it was published mails nobody by itself, like the channels)."""
    if consultation.state != State.POSITION_PUBLISHED:
        return 0
    return answers.awaiting_mail(consultation).count()
