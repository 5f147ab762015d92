"""Delivering announcements: one row per announcement, channel and target, each with its own fate.

- Rows are written in the transaction that publishes the announcement; a worker is woken only after it
  commits (`transaction.on_commit`), and a beat job sweeps what is due, so a task lost with Redis delays
  a delivery and never loses it.
- A worker claims a row with a conditional UPDATE (pending → sending, with a lease and a claim token)
  before the external call and marks it sent after, only while its token is still the row's: two workers
  never send the same row, a second run does nothing, and a worker that outlived its lease (a long mailing
  extends it batch by batch) stops when it finds another's token.
- A temporary failure is retried with exponential backoff up to a limit; then, or at once for a permanent
  failure, the row is failed, with its error shown to the secretary, who may retry it.
- A worker that dies mid-call leaves the row `sending`; when its lease runs out the sweep decides: a
  webhook is sent again (its receiver drops the repeat by the idempotency key) and so is mail (it resumes
  after the last batch sent) — at least once; a Telegram post, which has no idempotency key, is not sent
  again but failed as "outcome unknown" for the secretary to check — at most once. For the same reason a
  Telegram call that timed out or got a 5xx is not repeated either (`channels.UncertainFailure`).
"""

from __future__ import annotations

import datetime
import functools
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from common import page_cache

from .channels import BY_NAME, CHANNELS, PermanentFailure, TemporaryFailure
from .models import Announcement, Delivery

logger = logging.getLogger(__name__)
State = Delivery.State
Error = Delivery.Error


class LeaseLost(Exception):
    """Another worker took the delivery over (this one outlived its lease): stop without touching it."""


def enqueue(announcement: Announcement) -> list[Delivery]:
    """Write the announcement's deliveries on every enabled channel; wake a worker for each after commit."""
    created = []
    for channel in CHANNELS:
        if not channel.enabled():
            continue
        for target in channel.targets(announcement):
            delivery, is_new = Delivery.objects.get_or_create(
                announcement=announcement, channel=channel.name, target=target
            )
            if is_new:
                created.append(delivery)
    for delivery in created:
        transaction.on_commit(lambda pk=delivery.pk: wake(pk))
    return created


def wake(delivery_id: int) -> None:
    from .tasks import deliver as deliver_task

    try:
        deliver_task.apply_async((delivery_id,), retry=False)
    except Exception:  # the broker is down: the sweep sends it later
        logger.warning("Could not queue delivery %s; the sweep will send it", delivery_id, exc_info=True)


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.DELIVERY_BACKOFF_SECONDS * 2 ** (attempts - 1))


def lease() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)


def deliver(delivery_id: int) -> str:
    """Send one due delivery. Returns what happened: sent, retry, failed or skipped."""
    now = timezone.now()
    claim = uuid.uuid4()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, state=State.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(state=State.SENDING, attempts=F("attempts") + 1, next_attempt_at=lease(), claim=claim, updated_at=now)
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("announcement__council").get(pk=delivery_id)
    channel = BY_NAME[delivery.channel]
    try:
        external_id = channel.send(
            delivery.announcement,
            delivery.target,
            key=delivery.idempotency_key,
            resume_after=delivery.external_id,
            progress=functools.partial(record_progress, delivery),
        )
    except LeaseLost:
        return "skipped"
    except TemporaryFailure as error:
        if delivery.attempts < settings.DELIVERY_MAX_ATTEMPTS:
            _finish(
                delivery, State.PENDING, error=str(error), next_attempt_at=timezone.now() + backoff(delivery.attempts)
            )
            return "retry"
        _finish(delivery, State.FAILED, error=str(error))
        return "failed"
    except PermanentFailure as error:
        _finish(delivery, State.FAILED, error=str(error))
        return "failed"
    except Exception:  # a defect, not the channel: logged; repeated only where a repeat is harmless
        logger.exception("Delivery %s: unexpected error", delivery_id)
        if delivery.channel == Delivery.Channel.TELEGRAM:  # it may have been posted before the error
            _finish(delivery, State.FAILED, error=Error.OUTCOME_UNKNOWN)
            return "failed"
        if delivery.attempts < settings.DELIVERY_MAX_ATTEMPTS:
            _finish(
                delivery,
                State.PENDING,
                error=Error.UNEXPECTED,
                next_attempt_at=timezone.now() + backoff(delivery.attempts),
            )
            return "retry"
        _finish(delivery, State.FAILED, error=Error.UNEXPECTED)
        return "failed"
    _finish(delivery, State.SENT, external_id=external_id, sent_at=timezone.now())
    return "sent"


def _finish(delivery: Delivery, state: str, *, error: str = "", **fields) -> None:
    finished = Delivery.objects.filter(pk=delivery.pk, state=State.SENDING, claim=delivery.claim).update(
        state=state,
        last_error=str(error)[:2000],
        next_attempt_at=fields.pop("next_attempt_at", None),
        updated_at=timezone.now(),
        **fields,
    )
    if finished and state == State.SENT:
        page_cache.bump(delivery)  # an UPDATE sends no signal: the compliance review counts when it went out


def record_progress(delivery: Delivery, external_id: str) -> None:
    """What a channel sending in batches is given as its `progress`: notes how far it got, so that a retry
    resumes there, and extends the lease; it stops the channel (LeaseLost) if another worker has taken the
    delivery over."""
    kept = Delivery.objects.filter(pk=delivery.pk, state=State.SENDING, claim=delivery.claim).update(
        external_id=external_id, next_attempt_at=lease(), updated_at=timezone.now()
    )
    if not kept:
        raise LeaseLost(delivery.pk)


def sweep() -> dict[str, int]:
    """The beat job: send what is due, and settle the rows a dead worker left `sending`."""
    now = timezone.now()
    stuck = Delivery.objects.filter(state=State.SENDING, next_attempt_at__lt=now)
    unknown = stuck.filter(channel=Delivery.Channel.TELEGRAM).update(
        state=State.FAILED, last_error=Error.OUTCOME_UNKNOWN.value, next_attempt_at=None, updated_at=now
    )
    requeued = stuck.exclude(channel=Delivery.Channel.TELEGRAM).update(
        state=State.PENDING, next_attempt_at=now, updated_at=now
    )
    due = Delivery.objects.filter(state=State.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    sent = 0
    for delivery_id in list(
        due.exclude(channel__in=[Delivery.Channel.PORTAL, Delivery.Channel.RECORDED]).values_list("pk", flat=True)[:200]
    ):
        sent += deliver(delivery_id) == "sent"
    return {"sent": sent, "requeued": requeued, "unknown": unknown}


def retry(delivery: Delivery) -> None:
    """The secretary's retry of a failed delivery: sent again at once."""
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, state=State.FAILED).update(
            state=State.PENDING, next_attempt_at=None, attempts=0, updated_at=timezone.now()
        )
        if updated:
            transaction.on_commit(lambda: wake(delivery.pk))
