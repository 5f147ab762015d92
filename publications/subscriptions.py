"""Subscribing to announcements by mail: double opt-in, and a one-click way out in every mail.

The subscribe form must not become a way to flood someone's mailbox, nor tell a visitor whether an address
is subscribed: asking again for the same address and scope writes no second row, re-sends the confirmation
of a waiting subscription at most once a day and nothing for a confirmed one, and each address may ask only
a few times a day whoever asks, and gets at most ANONYMOUS_MAIL_CAP confirmations a day. The visitor sees the
same page whatever happened; only the address's owner learns more, by mail."""

import datetime
import hashlib
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from common import ratelimit

from .mail import mail_allowed, queue_mail
from .models import OutgoingMail, Subscription

# A waiting subscription's confirmation mail goes out again at most this often.
RESEND_CONFIRMATION_AFTER = datetime.timedelta(hours=24)
# Requests to subscribe one address (any scope, from anywhere) counted in a window of seconds; a citizen
# following a few councils stays well below it.
ADDRESS_LIMIT, ADDRESS_WINDOW = 10, 24 * 3600

Outcome = Literal["created", "resent", "waiting", "confirmed", "too-many"]


def normalise_email(email: str) -> str:
    """The address as stored and compared: trimmed, in lower case (mail providers ignore the case)."""
    return email.strip().lower()


def address_allowed(email: str) -> bool:
    """Count one request for the address; False once it has used up its requests of the window. Counted under
    a hash of the address, so that no address is stored in the cache."""
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()
    return ratelimit.allow_key(f"subscribe-address:{digest}", limit=ADDRESS_LIMIT, window=ADDRESS_WINDOW)


def request_subscription(*, email: str, language: str, scope: str, council=None, region=None) -> Outcome:
    """Ask for a subscription: write it unconfirmed with the mail that asks to confirm it (an outbox row),
    or, if the address already has one for this scope and target, at most re-send that mail.

    The outcome is for logs and tests; the visitor must be shown the same thing whatever it is.
    """
    email = normalise_email(email)
    if not address_allowed(email):
        return "too-many"
    council = council if scope == Subscription.Scope.COUNCIL else None
    region = region if scope == Subscription.Scope.REGION else None
    same = Subscription.objects.open().of_address(email).filter(scope=scope, council=council, region=region)
    now = timezone.now()
    with transaction.atomic():
        # The cache's count fails open without Redis; the cap on mails, counted in the outbox, holds regardless.
        if not mail_allowed(OutgoingMail.Kind.SUBSCRIPTION_CONFIRMATION, email):
            return "too-many"
        subscription = same.select_for_update().first()
        outcome: Outcome = "resent"
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(
                        email=email, language=language, scope=scope, council=council, region=region
                    )
                outcome = "created"
            except IntegrityError:  # written by a request running at the same time (the unique constraint)
                subscription = same.select_for_update().get()
        if subscription.confirmed_at is not None:
            return "confirmed"
        if (
            outcome == "resent"
            and subscription.confirmation_sent_at
            and (now - subscription.confirmation_sent_at < RESEND_CONFIRMATION_AFTER)
        ):
            return "waiting"
        # The last request chooses the language of a subscription not yet confirmed.
        subscription.language = language
        subscription.confirmation_sent_at = now
        subscription.save(update_fields=["language", "confirmation_sent_at"])
        _queue_confirmation(subscription)
        return outcome


def _queue_confirmation(subscription: Subscription) -> None:
    with translation.override(subscription.language):
        link = settings.SITE_URL + reverse("publications:confirm", kwargs={"token": subscription.token})
        text = render_to_string("publications/mail/confirm.txt", {"subscription": subscription, "link": link}).strip()
    subject, _sep, body = text.partition("\n")
    queue_mail(
        to=subscription.email,
        subject=subject.strip(),
        body=body.strip(),
        language=subscription.language,
        kind=OutgoingMail.Kind.SUBSCRIPTION_CONFIRMATION,
    )


def confirm(subscription: Subscription) -> None:
    """Confirm this subscription (the owner of the address pressed the button; opening the link is not enough)."""
    Subscription.objects.open().filter(pk=subscription.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )


def unsubscribe(subscription: Subscription) -> int:
    """End every open subscription of the subscription's address, confirmed or not.

    The link in a mail (and a mail program's one-click button) means "stop mailing me", and the page that
    follows says no more announcements will be sent to the address. Returns how many ended.
    """
    return Subscription.objects.open().of_address(subscription.email).update(unsubscribed_at=timezone.now())


def has_open_subscriptions(subscription: Subscription) -> bool:
    """Whether anything is still sent, or waiting to be confirmed, for the subscription's address."""
    return Subscription.objects.open().of_address(subscription.email).exists()
