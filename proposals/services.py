"""Writes for proposals: receiving them, sorting them into the list (step 5), and the council's decisions."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.errors import ActionRefused
from consultations import answers
from consultations.models import Consultation, Question
from councils.models import Reception
from councils.permissions import can_act
from publications.mail import cap_key as mail_cap_key
from publications.mail import lock_number as mail_lock_number
from publications.mail import queue_mail_within_cap
from publications.models import OutgoingMail

from .models import ConsentText, Proposal, ProposalEvent

logger = logging.getLogger(__name__)

Moderation = Proposal.Moderation
State = Consultation.State

# Staff enter proposals from other channels until the list is formed (step 5 closes intake).
STAFF_ENTRY_STATES = (State.ANNOUNCED, State.HELD)
CONFIRMATION = OutgoingMail.Kind.PROPOSAL_CONFIRMATION


def allocate_references(year: int, count: int = 1) -> list[str]:
    """The next `count` public references of `year`, QG-<year>-<six digits>; never reused. The year's counter
    stays locked until the caller's transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO proposals_referencecounter AS counter (year, last_number) VALUES (%s, %s) "
            "ON CONFLICT (year) DO UPDATE SET last_number = counter.last_number + EXCLUDED.last_number "
            "RETURNING last_number",
            [year, count],
        )
        (last,) = cursor.fetchone()
    return [f"QG-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


# One statement takes the locks a portal proposal needs and its number: the consultation is read FOR SHARE
# with its window checked (the workflow locks it FOR UPDATE to close the intake or form the list, and so waits
# for the proposals being stored — and they for it); when a confirmation will be mailed, the cap's lock of the
# address (publications.mail), so that the count of its confirmations, read in a later statement, is exact;
# then the year's counter, incremented in place. No row comes back when the window is not open.
CLAIM_SQL = """
WITH open_consultation AS (
    SELECT id FROM consultations_consultation
    WHERE id = %(consultation)s AND state = %(held)s AND window_opens_at <= %(at)s AND %(at)s < window_closes_at
    FOR SHARE
), mail_cap AS (
    SELECT pg_advisory_xact_lock(%(mail_cap_lock)s) IS NULL AS unlocked FROM open_consultation
)
INSERT INTO proposals_referencecounter AS counter (year, last_number)
SELECT %(year)s, 1 FROM open_consultation, mail_cap
ON CONFLICT (year) DO UPDATE SET last_number = counter.last_number + 1
RETURNING last_number
"""


def _claim_reference(consultation: Consultation, *, at: datetime.datetime, mail_to: str) -> str | None:
    """The next reference of `at`'s year, if the consultation's window is open at `at` (in the caller's
    transaction, which keeps the consultation and the counter locked until it ends); None otherwise."""
    if connection.vendor != "postgresql":
        # SQLite (the demo, one writer at a time): no row locks nor advisory locks to take.
        window_open = Consultation.objects.filter(
            pk=consultation.pk, state=State.HELD, window_opens_at__lte=at, window_closes_at__gt=at
        ).exists()
        return allocate_references(at.year)[0] if window_open else None
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL,
            {
                "consultation": consultation.pk,
                "held": State.HELD,
                "at": at,
                "year": at.year,
                # NULL takes no lock (the function is strict)
                "mail_cap_lock": mail_lock_number(mail_cap_key(CONFIRMATION, mail_to)) if mail_to else None,
            },
        )
        row = cursor.fetchone()
    return f"QG-{at.year}-{row[0]:06d}" if row else None


def submit_proposal(
    consultation: Consultation,
    *,
    token: uuid.UUID,
    language: str,
    text: str,
    author_name: str,
    author_kind: str = Proposal.AuthorKind.CITIZEN,
    organisation: str = "",
    hide_name: bool = False,
    wants_answer: bool = False,
    contact: str = "",
    question: Question | None = None,
    consent_text: ConsentText,
    at: datetime.datetime | None = None,
) -> tuple[Proposal, bool]:
    """A citizen's proposal from the portal form. Returns (proposal, created).

    The form's one-time `token` makes a second post of the same form (a double click, a reload) return the
    proposal the first one stored, and store nothing: the token is unique, so the second insert fails and
    everything it did is rolled back (its number too).
    """
    at = at or timezone.now()
    if question is not None and question.consultation_id != consultation.pk:
        raise ActionRefused(_("Choose one of this consultation's questions."))
    mail_to = contact if "@" in contact else ""
    try:
        with transaction.atomic():
            reference = _claim_reference(consultation, at=at, mail_to=mail_to)
            if reference is None:
                raise ActionRefused(_("This consultation does not accept proposals now."))
            proposal = Proposal.objects.create(
                consultation=consultation,
                reference=reference,
                submission_token=token,
                language=language,
                text=text,
                author_name=author_name,
                author_kind=author_kind,
                organisation=organisation,
                hide_name=hide_name,
                wants_answer=wants_answer,
                contact=contact,
                question=question,
                channel=Proposal.Channel.PORTAL,
                consent_text=consent_text,
                consent_given_at=at,
                consent_operator=consent_text.operator,
                submitted_at=at,
            )
            ProposalEvent.objects.create(proposal=proposal, action=ProposalEvent.Action.SUBMITTED, at=at)
            if mail_to:
                queue_confirmation(proposal)
            queue_vector(proposal.pk)
    except (IntegrityError, ActionRefused):
        # The form was posted before (perhaps at the same moment, perhaps before the window closed): the
        # first post stored it.
        existing = Proposal.objects.filter(submission_token=token).first()
        if existing is None:
            raise
        return existing, False
    return proposal, True


def queue_confirmation(proposal: Proposal) -> None:
    """The confirmation mail, in the proposal's language, written with the proposal (an outbox row) — unless
    the address has had its day's share of confirmations: anyone can type anyone's address in the form. In the
    transaction of `submit_proposal`, which holds the cap's lock of the address."""
    with translation.override(proposal.language):
        rendered = render_to_string(
            "proposals/mail/confirmation.txt",
            {
                "proposal": proposal,
                "consultation": proposal.consultation,
                "status_url": settings.SITE_URL + reverse("proposals:status", kwargs={"reference": proposal.reference}),
            },
        )
    subject, _sep, body = rendered.strip().partition("\n")
    queue_mail_within_cap(
        to=proposal.contact,
        subject=subject.strip(),
        body=body.strip(),
        language=proposal.language,
        kind=CONFIRMATION,
    )


def queue_vector(proposal_id: int) -> None:
    """Once the proposal is committed, ask a worker to store its vector for finding similar proposals
    (proposals/similarity.py). Nothing is queued for the n-grams (fitted when a consultation is grouped) nor
    without a broker (the task would run in the request, which must not wait for the model): grouping a
    consultation embeds what has no vector yet."""
    if settings.SIMILARITY_BACKEND != "model" or settings.CELERY_TASK_ALWAYS_EAGER:
        return

    def wake():
        from .tasks import embed_proposal

        try:
            embed_proposal.apply_async((proposal_id,), retry=False)
        except Exception:  # the broker is down: grouping the consultation embeds it
            logger.warning("Could not queue proposal %s for its vector", proposal_id, exc_info=True)

    transaction.on_commit(wake)


def enter_proposal(
    consultation: Consultation,
    *,
    by,
    channel: str,
    language: str,
    text: str,
    author_name: str = "",
    author_kind: str = Proposal.AuthorKind.CITIZEN,
    organisation: str = "",
    hide_name: bool = False,
    wants_answer: bool = False,
    contact: str = "",
    question: Question | None = None,
    reception: Reception | None = None,
    received_at: datetime.datetime | None = None,
) -> Proposal:
    """A proposal received at the consultation, at a personal reception, by mail or in social networks,
    entered by the secretary (until the list of proposals is formed)."""
    council = consultation.schedule.council
    if not can_act(by, council):
        raise ActionRefused(_("Only the council's secretary or chair may do this."))
    if channel == Proposal.Channel.PORTAL or channel not in Proposal.Channel.values:
        raise ActionRefused(_("Choose the channel through which the proposal was received."))
    if reception is not None and reception.member.council_id != council.pk:
        raise ActionRefused(_("Choose a personal reception of this council."))
    received_at = received_at or timezone.now()
    with transaction.atomic():
        # Locked and checked here: the list of proposals may be formed at the same moment (step 5 locks it too).
        current = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if current.state not in STAFF_ENTRY_STATES:
            raise ActionRefused(_("Proposals are entered from the announcement until the list of proposals is formed."))
        proposal = Proposal.objects.create(
            consultation=consultation,
            reference=allocate_references(received_at.year)[0],
            language=language,
            text=text,
            author_name=author_name,
            author_kind=author_kind,
            organisation=organisation,
            hide_name=hide_name,
            wants_answer=wants_answer,
            contact=contact,
            question=question,
            channel=channel,
            reception=reception,
            submitted_at=received_at,
            entered_by=by,
        )
        ProposalEvent.objects.create(proposal=proposal, action=ProposalEvent.Action.ENTERED, by=by)
        queue_vector(proposal.pk)
    return proposal


def _lock_for_sorting(proposals: Iterable[Proposal], by) -> list[Proposal]:
    ids = [p.pk for p in proposals]
    locked = list(
        Proposal.objects.select_for_update().filter(pk__in=ids).select_related("consultation__schedule__council")
    )
    for proposal in locked:
        if not can_act(by, proposal.consultation.schedule.council):
            raise ActionRefused(_("Only the council's secretary or chair may do this."))
        if proposal.consultation.state != State.HELD:
            raise ActionRefused(_("Proposals are sorted while the consultation is held, before the list is formed."))
    return locked


@transaction.atomic
def include_in_list(proposals: Iterable[Proposal], *, by) -> int:
    """Step 5: put proposals in the list of proposals."""
    locked = _lock_for_sorting(proposals, by)
    for proposal in locked:
        proposal.moderation = Moderation.LISTED
        proposal.set_aside_reason = ""
        proposal.set_aside_note = ""
        proposal.duplicate_of = None
        proposal.save(update_fields=["moderation", "set_aside_reason", "set_aside_note", "duplicate_of", "updated_at"])
        ProposalEvent.objects.create(proposal=proposal, action=ProposalEvent.Action.LISTED, by=by)
    return len(locked)


@transaction.atomic
def set_aside(
    proposals: Iterable[Proposal], *, by, reason: str, note: str = "", duplicate_of: Proposal | None = None
) -> int:
    """Leave proposals out of the list as spam, a duplicate of another, or off-topic, with a reason."""
    if reason not in Proposal.SetAsideReason.values:
        raise ActionRefused(_("Choose why the proposal is not included in the list."))
    if reason == Proposal.SetAsideReason.DUPLICATE and duplicate_of is None:
        raise ActionRefused(_("Point at the proposal it repeats."))
    if reason != Proposal.SetAsideReason.DUPLICATE:
        duplicate_of = None
    locked = _lock_for_sorting(proposals, by)
    for proposal in locked:
        if duplicate_of is not None and (
            duplicate_of.consultation_id != proposal.consultation_id or duplicate_of.pk == proposal.pk
        ):
            raise ActionRefused(_("A duplicate must repeat another proposal of the same consultation."))
        proposal.moderation = Moderation.SET_ASIDE
        proposal.set_aside_reason = reason
        proposal.set_aside_note = note
        proposal.duplicate_of = duplicate_of
        proposal.decision = ""
        proposal.save(
            update_fields=[
                "moderation",
                "set_aside_reason",
                "set_aside_note",
                "duplicate_of",
                "decision",
                "updated_at",
            ]
        )
        ProposalEvent.objects.create(proposal=proposal, action=ProposalEvent.Action.SET_ASIDE, by=by, note=note)
    return len(locked)


@transaction.atomic
def decide(
    proposals: Iterable[Proposal], *, by, decision: str, reasons_kk: str, reasons_ru: str, note: str = ""
) -> int:
    """Record the council's decision on listed proposals, with its reasons; in bulk when the reasons are the
    same. Decisions are recorded after the list is formed and before the position is published. `note` is added
    to each one's history after the decision (a group's trace)."""
    if decision not in Proposal.Decision.values:
        raise ActionRefused(_("Choose the decision."))
    if not (reasons_kk.strip() and reasons_ru.strip()):
        raise ActionRefused(_("Give the reasons for the decision in Kazakh and in Russian."))
    ids = [p.pk for p in proposals]
    locked = list(
        Proposal.objects.select_for_update().filter(pk__in=ids).select_related("consultation__schedule__council")
    )
    now = timezone.now()
    for proposal in locked:
        if not can_act(by, proposal.consultation.schedule.council):
            raise ActionRefused(_("Only the council's secretary or chair may do this."))
        if proposal.consultation.state not in (State.PROPOSALS_COMPILED, State.RECOMMENDATION_DRAFTED):
            raise ActionRefused(
                _("Decisions are recorded once the list of proposals is formed, before the position is published.")
            )
        if proposal.moderation != Moderation.LISTED:
            raise ActionRefused(_("Proposal %(reference)s is not in the list.") % {"reference": proposal.reference})
        proposal.decision = decision
        proposal.decision_reasons_kk = reasons_kk.strip()
        proposal.decision_reasons_ru = reasons_ru.strip()
        proposal.decided_at = now
        proposal.decided_by = by
        proposal.save(
            update_fields=[
                "decision",
                "decision_reasons_kk",
                "decision_reasons_ru",
                "decided_at",
                "decided_by",
                "updated_at",
            ]
        )
        ProposalEvent.objects.create(
            proposal=proposal,
            action=ProposalEvent.Action.DECIDED,
            by=by,
            note=f"{proposal.get_decision_display()}. {note}" if note else proposal.get_decision_display(),
        )
    return len(locked)


# ---------------------------------------------------------------------------------------------------------
# Corrections and answers


@transaction.atomic
def correct_proposal(proposal: Proposal, *, by, language: str, question: Question | None) -> bool:
    """Correct the language a proposal is written in and the question it answers — never its text — until
    the position is published. Logged with what changed from what to what. Returns whether anything
    changed (the same correction sent twice changes nothing the second time)."""
    # The consultation first, as the workflow locks it: the position cannot be published meanwhile.
    consultation = (
        Consultation.objects.select_for_update().select_related("schedule__council").get(pk=proposal.consultation_id)
    )
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("question").get(pk=proposal.pk)
    if not can_act(by, consultation.schedule.council):
        raise ActionRefused(_("Only the council's secretary or chair may do this."))
    if consultation.state in (State.POSITION_PUBLISHED, State.CANCELLED):
        raise ActionRefused(
            _("A proposal is corrected until the position is published; its decision is already public.")
            if consultation.state == State.POSITION_PUBLISHED
            else _("The consultation is cancelled: its proposals are kept as they are.")
        )
    if language not in Proposal.Language.values:
        raise ActionRefused(_("Choose the language the proposal is written in."))
    if question is not None and question.consultation_id != consultation.pk:
        raise ActionRefused(_("Choose one of this consultation's questions."))
    changes = []
    if language != locked.language:
        labels = dict(Proposal.Language.choices)
        changes.append(
            gettext("Language: %(old)s → %(new)s.") % {"old": labels[locked.language], "new": labels[language]}
        )
    if (question.pk if question else None) != locked.question_id:
        changes.append(
            gettext("Question: %(old)s → %(new)s.")
            % {"old": _question_label(locked.question), "new": _question_label(question)}
        )
    if not changes:
        return False
    locked.language = language
    locked.question = question
    locked.save(update_fields=["language", "question", "updated_at"])
    ProposalEvent.objects.create(proposal=locked, action=ProposalEvent.Action.CORRECTED, by=by, note=" ".join(changes))
    proposal.refresh_from_db()
    return True


def _question_label(question: Question | None) -> str:
    return f"«{question.text}»" if question is not None else gettext("no question")


@transaction.atomic
def mark_answered(proposal: Proposal, *, by, answered_on: datetime.date | None = None) -> bool:
    """Record that the secretary answered by phone an author who asked for an answer and gave only a phone
    number, on `answered_on` (today unless given; never in the future, never before the position was
    published). Returns whether it was recorded now; a proposal already marked stays as it was."""
    consultation = (
        Consultation.objects.select_for_update().select_related("schedule__council").get(pk=proposal.consultation_id)
    )
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not can_act(by, consultation.schedule.council):
        raise ActionRefused(_("Only the council's secretary or chair may do this."))
    if consultation.state != State.POSITION_PUBLISHED:
        raise ActionRefused(_("Authors are answered once the council's position is published."))
    if not answers.to_answer_by_phone(consultation).filter(pk=locked.pk).exists():
        raise ActionRefused(
            _(
                "Only an author who asked for an answer and gave a phone number is answered by phone; "
                "the others are answered by mail."
            )
        )
    if locked.answered_by_phone_on is not None:
        return False
    today = timezone.localdate()
    answered_on = answered_on or today
    published_on = consultation.state_since
    if answered_on > today:
        raise ActionRefused(_("The date cannot be in the future."))
    if published_on and answered_on < published_on:
        raise ActionRefused(
            _("The date cannot be earlier than the publication of the position (%(date)s).")
            % {"date": published_on.strftime("%d.%m.%Y")}
        )
    locked.answered_by_phone_on = answered_on
    locked.save(update_fields=["answered_by_phone_on", "updated_at"])
    ProposalEvent.objects.create(
        proposal=locked,
        action=ProposalEvent.Action.ANSWERED,
        by=by,
        note=gettext("Answered by phone on %(date)s.") % {"date": answered_on.strftime("%d.%m.%Y")},
    )
    proposal.refresh_from_db()
    return True
