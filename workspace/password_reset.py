"""Password reset by mail, answered alike whether or not an account has the address typed.

The request only queues an outbox row naming the address — the same queries for a known and an unknown
address, and no mail server in the request — and the sender writes the mail after the response: it finds the
accounts with that address and puts a fresh link for each in the mail (links are never stored). An address no
account has gets nothing. Requests are capped per address and per client address (PASSWORD_RESET_RATE_LIMIT),
counted in the outbox so that the cap holds when Redis is down; beyond it the page answers as usual.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from common import ratelimit
from publications.mail import hold_count, queue_mail
from publications.models import OutgoingMail

SUBJECT_TEMPLATE = "workspace/password_reset_subject.txt"
BODY_TEMPLATE = "workspace/password_reset_email.txt"


def client_key(address: str) -> str:
    """A keyed hash of the client address: enough to count its requests, and no address kept in the table."""
    return salted_hmac("qogam.password_reset.client", address).hexdigest()


def request_password_reset(*, email: str, client: str, language: str) -> bool:
    """Queue a password reset for `email` unless the address or the client has used up its requests.
    Returns whether one was queued (for tests and logs only: the visitor must not learn it)."""
    limit, window = settings.PASSWORD_RESET_RATE_LIMIT
    requested_by = client_key(client)
    with transaction.atomic():
        # Requests arriving together are counted one after the other (the address's lock always first).
        hold_count(f"password-reset:{email.strip().lower()}")
        hold_count(f"password-reset-client:{requested_by}")
        return _queue_unless_capped(
            email=email, requested_by=requested_by, language=language, limit=limit, window=window
        )


def _queue_unless_capped(*, email: str, requested_by: str, language: str, limit: int, window: int) -> bool:
    counts = (
        OutgoingMail.objects.filter(
            kind=OutgoingMail.Kind.PASSWORD_RESET,
            created_at__gte=timezone.now() - datetime.timedelta(seconds=window),
        )
        .annotate(recipient=Lower("to"))
        .aggregate(
            to_address=Count("pk", filter=Q(recipient=email.strip().lower())),
            from_client=Count("pk", filter=Q(requested_by=requested_by)),
        )
    )
    if counts["to_address"] >= limit or counts["from_client"] >= limit:
        return False
    queue_mail(
        to=email,
        subject="",
        body="",
        language=language,
        kind=OutgoingMail.Kind.PASSWORD_RESET,
        requested_by=requested_by,
    )
    return True


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, queuing the request instead of looking up accounts and sending in the request."""

    def save(self, request=None, **_options):
        request_password_reset(
            email=self.cleaned_data["email"],
            client=ratelimit.client_address(request),
            language=translation.get_language(),
        )


def reset_messages(mail: OutgoingMail) -> list[EmailMessage]:
    """The mails of a queued password reset, one per active account with the address and a usable password
    (as Django's form chooses them), in the language of the page it was asked from; [] when there is none."""
    site = urlsplit(settings.SITE_URL)
    messages = []
    with translation.override(mail.language):
        for user in auth_forms.PasswordResetForm().get_users(mail.to):
            context = {
                "email": mail.to,
                "domain": site.netloc,
                "site_name": "Qogam",
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "user": user,
                "token": default_token_generator.make_token(user),
                "protocol": site.scheme or "https",
            }
            subject = "".join(render_to_string(SUBJECT_TEMPLATE, context).splitlines()).strip()
            body = render_to_string(BODY_TEMPLATE, context)
            messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    return messages
