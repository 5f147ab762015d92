"""The outbox of mails: queue one with the change that causes it, send it after commit, sweep what is due."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import OutgoingMail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STUCK_AFTER = datetime.timedelta(minutes=10)


def queue_mail(*, to: str, subject: str, body: str, language: str) -> OutgoingMail:
    """Write the mail in the caller's transaction; the sender is woken once it commits."""
    mail = OutgoingMail.objects.create(to=to, subject=subject, body=body, language=language)
    transaction.on_commit(lambda: wake_sender(mail.pk))
    return mail


def wake_sender(mail_id: int) -> None:
    """Ask a worker to send now. If the broker cannot be reached, the sweep sends it later."""
    from .tasks import send_outgoing_mail

    try:
        send_outgoing_mail.apply_async((mail_id,), retry=False)
    except Exception:  # the broker is down: nothing is lost, the beat sweep will pick it up
        logger.warning("Could not queue mail %s; the sweep will send it", mail_id, exc_info=True)


def send_one(mail_id: int) -> str:
    """Send one mail if it is due. Marks it `sending` before the call and `sent` after it."""
    now = timezone.now()
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update(skip_locked=True).filter(pk=mail_id).first()
        if mail is None or mail.state != OutgoingMail.State.PENDING:
            return "skipped"
        if mail.next_attempt_at and mail.next_attempt_at > now:
            return "not due"
        mail.state = OutgoingMail.State.SENDING
        mail.attempts += 1
        # A lease: if this worker dies mid-call, the sweep takes the mail back once it runs out.
        mail.next_attempt_at = now + STUCK_AFTER
        mail.save(update_fields=["state", "attempts", "next_attempt_at"])
    try:
        send_mail(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to])
    except Exception as error:  # any failure of the mail server is retried with backoff
        failed = mail.attempts >= MAX_ATTEMPTS
        OutgoingMail.objects.filter(pk=mail.pk).update(
            state=OutgoingMail.State.FAILED if failed else OutgoingMail.State.PENDING,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=None if failed else timezone.now() + datetime.timedelta(minutes=2**mail.attempts),
        )
        return "failed" if failed else "retry"
    OutgoingMail.objects.filter(pk=mail.pk).update(
        state=OutgoingMail.State.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return "sent"


def sweep() -> int:
    """Send what is due, and put back mails left `sending` by a worker that died."""
    now = timezone.now()
    OutgoingMail.objects.filter(state=OutgoingMail.State.SENDING, next_attempt_at__lt=now).update(
        state=OutgoingMail.State.PENDING, next_attempt_at=None
    )
    due = OutgoingMail.objects.filter(state=OutgoingMail.State.PENDING).exclude(next_attempt_at__gt=now)
    sent = 0
    for mail_id in due.values_list("pk", flat=True)[:500]:
        sent += send_one(mail_id) == "sent"
    return sent
