"""Subscribing to announcements by mail: double opt-in, and a one-click way out in every mail."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .mail import queue_mail
from .models import Subscription


@transaction.atomic
def subscribe(*, email: str, language: str, scope: str, council=None, region=None) -> Subscription:
    """Write the subscription unconfirmed, and the mail that asks to confirm it (an outbox row)."""
    subscription = Subscription.objects.create(
        email=email.strip().lower(),
        language=language,
        scope=scope,
        council=council if scope == Subscription.Scope.COUNCIL else None,
        region=region if scope == Subscription.Scope.REGION else None,
    )
    with translation.override(language):
        link = settings.SITE_URL + reverse("publications:confirm", kwargs={"token": subscription.token})
        text = render_to_string("publications/mail/confirm.txt", {"subscription": subscription, "link": link}).strip()
    subject, _sep, body = text.partition("\n")
    queue_mail(to=subscription.email, subject=subject.strip(), body=body.strip(), language=language)
    return subscription


def confirm(subscription: Subscription) -> None:
    Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())


def unsubscribe(subscription: Subscription) -> None:
    Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
