"""The outbox of mails: queue one with the change that causes it, send it after commit, sweep what is due.

Mails an anonymous visitor can cause to an address they typed (`ANONYMOUS_KINDS`) are capped per address and
kind, counted in this table rather than in the cache so that the cap holds when Redis is down; the caller asks
`mail_allowed` and, beyond the cap, queues nothing and answers the visitor as usual.

Some kinds are composed only when sent (`register_composer`): a password reset is queued with the address
alone, whether or not an account has it, so that the page answers alike for both; the sender finds the
accounts and writes the links, which are never stored.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from common import page_cache

from .models import OutgoingMail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STUCK_AFTER = datetime.timedelta(minutes=10)
Kind = OutgoingMail.Kind
ANONYMOUS_KINDS = (Kind.PROPOSAL_CONFIRMATION, Kind.SUBSCRIPTION_CONFIRMATION, Kind.PASSWORD_RESET)

# kind -> function(mail) giving the messages to send for that row ([] when there is nothing to send).
_composers: dict[str, Callable[[OutgoingMail], list[EmailMessage]]] = {}


def register_composer(kind: str, compose: Callable[[OutgoingMail], list[EmailMessage]]) -> None:
    """Let an app above this one write the mails of `kind` at sending time (the app's `ready()` calls it)."""
    _composers[kind] = compose


def queue_mail(
    *, to: str, subject: str, body: str, language: str, kind: str = "", requested_by: str = ""
) -> OutgoingMail:
    """Write the mail in the caller's transaction; the sender is woken once it commits."""
    mail = OutgoingMail.objects.create(
        to=to, subject=subject, body=body, language=language, kind=kind, requested_by=requested_by
    )
    transaction.on_commit(lambda: wake_sender(mail.pk))
    return mail


def lock_number(key: str) -> int:
    """The PostgreSQL advisory lock that requests counting under `key` take (see `hold_count`)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


def cap_key(kind: str, to: str) -> str:
    """What the cap of mails of `kind` to `to` counts under (`mail_allowed`, `queue_mail_within_cap`)."""
    return f"mail-cap:{kind}:{to.strip().lower()}"


def hold_count(key: str) -> None:
    """Make requests counting under `key` wait for each other until the caller's transaction ends, so that
    requests arriving together cannot all see the count below the cap (a PostgreSQL advisory lock)."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_number(key)])


def recently_queued(
    kind: str, *, within: datetime.timedelta, to: str | None = None, requested_by: str | None = None
) -> int:
    """How many mails of `kind` were queued in the last `within`, to the address `to` (in any case) or at the
    request of `requested_by`."""
    mails = OutgoingMail.objects.filter(kind=kind, created_at__gte=timezone.now() - within)
    if to is not None:
        mails = mails.annotate(recipient=Lower("to")).filter(recipient=to.strip().lower())
    if requested_by is not None:
        mails = mails.filter(requested_by=requested_by)
    return mails.count()


def mail_allowed(kind: str, to: str) -> bool:
    """Whether one more mail of an anonymous `kind` may go to `to` (ANONYMOUS_MAIL_CAP per window, each kind
    counted apart). Call it in the transaction that queues the mail: requests for one address then queue one
    after the other."""
    limit, window = settings.ANONYMOUS_MAIL_CAP
    hold_count(cap_key(kind, to))
    allowed = recently_queued(kind, to=to, within=datetime.timedelta(seconds=window)) < limit
    if not allowed:
        logger.info("Mail cap reached: no %s mail queued", kind)
    return allowed


def queue_mail_within_cap(*, to: str, subject: str, body: str, language: str, kind: str) -> OutgoingMail | None:
    """`mail_allowed` and `queue_mail` in one statement: the mail is written unless `to` has had its cap of
    `kind` (ANONYMOUS_MAIL_CAP) in the window; None then. For a busy form, where every query counts.

    The caller has taken the cap's lock (`lock_number(cap_key(kind, to))`) in an earlier statement of its
    transaction, so that the count here sees the mails of the requests that held it before (each statement
    reads what was committed when it began). PostgreSQL only."""
    limit, window = settings.ANONYMOUS_MAIL_CAP
    mail = OutgoingMail(to=to, subject=subject, body=body, language=language, kind=kind)
    fields = [field for field in OutgoingMail._meta.concrete_fields if not field.primary_key]
    table = connection.ops.quote_name(OutgoingMail._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = ", ".join(f"CAST(%s AS {field.db_type(connection)})" for field in fields)
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {values} WHERE ("
        f'SELECT count(*) FROM {table} WHERE "kind" = %s AND lower("to") = %s AND "created_at" >= %s'
        ') < %s RETURNING "id"'
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                *(field.get_db_prep_save(field.pre_save(mail, True), connection) for field in fields),
                kind,
                to.strip().lower(),
                timezone.now() - datetime.timedelta(seconds=window),
                limit,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        logger.info("Mail cap reached: no %s mail queued", kind)
        return None
    mail.pk = row[0]
    mail._state.adding = False
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
        messages = _messages_of(mail)
        if messages:
            get_connection().send_messages(messages)
    except Exception as error:  # any failure of the mail server is retried with backoff
        failed = mail.attempts >= MAX_ATTEMPTS
        OutgoingMail.objects.filter(pk=mail.pk).update(
            state=OutgoingMail.State.FAILED if failed else OutgoingMail.State.PENDING,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=None if failed else timezone.now() + datetime.timedelta(minutes=2**mail.attempts),
        )
        if failed and mail.kind == OutgoingMail.Kind.OTHER:
            # A results page counts the answers not failed, and an UPDATE sends no signal. Answers are mails of
            # no particular kind; a confirmation or a password reset that fails changes no public page.
            page_cache.bump()
        return "failed" if failed else "retry"
    if not messages:
        OutgoingMail.objects.filter(pk=mail.pk).update(state=OutgoingMail.State.DROPPED, next_attempt_at=None)
        return "dropped"
    OutgoingMail.objects.filter(pk=mail.pk).update(
        state=OutgoingMail.State.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return "sent"


def _messages_of(mail: OutgoingMail) -> list[EmailMessage]:
    compose = _composers.get(mail.kind)
    if compose is not None:
        return compose(mail)
    return [EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to])]


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
