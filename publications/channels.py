"""The channels an announcement goes out on, each a small backend behind one interface.

A channel says which targets an announcement needs on it (`targets`) and sends the announcement to one
(`send`). It knows nothing of the rows that record deliveries: it is given the announcement, the target, the
idempotency key, how far an earlier attempt got (`resume_after`, what the channel itself reported) and a
`progress` callable, which a channel sending in parts calls with how far it got after each part, so that a
later attempt resumes there; whatever that callable raises stops the sending. What goes wrong is classified
by what the other end may have done:
- `TemporaryFailure`: the request never reached it (refused connection, unknown host) or it said "later"
  (408, 429) — a later attempt is safe;
- `UncertainFailure`: the request went out but no good answer came back (a timeout, a dropped connection,
  a 5xx) — it may have been acted on; safe to repeat only where the receiver drops repeats by the
  idempotency key (webhooks), not for a Telegram post (at most once);
- `PermanentFailure`: it will not work by repeating (a 4xx: a wrong token, a closed chat; a bad address).
Each carries a code (`Delivery.ERRORS`) that the secretary reads in their language, and the detail.
The portal is not among them: an announcement is on the portal once `published_at` is set.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import smtplib
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core import mail
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Announcement, Delivery, Subscription, WebhookEndpoint

logger = logging.getLogger(__name__)
TIMEOUT = 10
EMAIL_BATCH = 100
Error = Delivery.Error  # the codes a failure is stored under (only the vocabulary: no row is read here)
Progress = Callable[[str], None]  # told how far a channel sending in parts got; may raise to stop it


class DeliveryFailure(Exception):
    def __init__(self, code: str, detail: str = ""):
        self.code, self.detail = code, detail
        super().__init__(f"{code}: {detail}" if detail else code)


class TemporaryFailure(DeliveryFailure):
    pass


class UncertainFailure(TemporaryFailure):
    pass


class PermanentFailure(DeliveryFailure):
    pass


def page_url(announcement: Announcement, language: str) -> str:
    return f"{settings.SITE_URL}/{language}{announcement.path or '/'}"


def one_line(text: str) -> str:
    """A title as a mail subject: no line breaks (a header cannot carry them)."""
    return " ".join(text.split())


def post_json(url: str, body: bytes, headers: dict[str, str]) -> dict:
    """POST a JSON body; classify what goes wrong by what the receiver may have done."""
    try:
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        detail = f"HTTP {error.code}: {error.read()[:300].decode(errors='replace')}"
        if error.code in (408, 429):
            raise TemporaryFailure(Error.BUSY, detail) from None
        if error.code >= 500:
            raise UncertainFailure(Error.SERVER_ERROR, detail) from None
        raise PermanentFailure(Error.REFUSED, detail) from None
    except urllib.error.URLError as error:  # while connecting or sending: nothing was received
        raise TemporaryFailure(Error.UNREACHABLE, str(error.reason)) from None
    except (ValueError, http.client.InvalidURL) as error:  # a wrong address in the settings (the message
        raise PermanentFailure(Error.MISCONFIGURED, type(error).__name__) from None  # holds it: not kept)
    except (OSError, http.client.HTTPException) as error:  # sent, but the answer timed out or broke off
        raise UncertainFailure(Error.NO_ANSWER, f"{type(error).__name__}: {error}") from None
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


class Telegram:
    """A post in the portal's Telegram channel and in the council's own, through the Bot API's sendMessage.

    Telegram offers no idempotency key: deliveries are at most once (see `delivery.sweep`)."""

    name = Delivery.Channel.TELEGRAM

    def enabled(self) -> bool:
        return bool(settings.TELEGRAM_BOT_TOKEN)

    def targets(self, announcement: Announcement) -> list[str]:
        chats = [settings.TELEGRAM_CHAT_ID, announcement.council.telegram_chat_id]
        return list(dict.fromkeys(chat for chat in chats if chat))

    def text(self, announcement: Announcement) -> str:
        parts = []
        for language in ("kk", "ru"):
            title, body = getattr(announcement, f"title_{language}"), getattr(announcement, f"text_{language}")
            parts.append(f"{title}\n\n{body}\n{page_url(announcement, language)}")
        return "\n\n— — —\n\n".join(parts)[:4000]

    def send(
        self, announcement: Announcement, target: str, *, key: uuid.UUID, resume_after: str, progress: Progress
    ) -> str:
        token = settings.TELEGRAM_BOT_TOKEN

        def secret_kept(detail: str) -> str:  # the token is a secret: never in what is stored or shown
            return detail.replace(token, "***") if token else detail

        url = f"{settings.TELEGRAM_API_URL.rstrip('/')}/bot{token}/sendMessage"
        body = json.dumps({"chat_id": target, "text": self.text(announcement)}).encode()
        try:
            answer = post_json(url, body, {})
        except UncertainFailure as error:  # it may be posted: not repeated (at most once)
            raise PermanentFailure(Error.OUTCOME_UNKNOWN, secret_kept(error.detail)) from None
        except DeliveryFailure as error:
            raise type(error)(error.code, secret_kept(error.detail)) from None
        if not answer.get("ok"):
            raise PermanentFailure(Error.REFUSED, secret_kept(str(answer.get("description", answer))[:500]))
        result = answer.get("result")
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""


class Webhook:
    """A signed JSON POST to each active receiver (DESIGN.md: X-Qogam-Event, X-Qogam-Delivery = the
    idempotency key, X-Qogam-Signature = sha256=HMAC of the raw body)."""

    name = Delivery.Channel.WEBHOOK

    def enabled(self) -> bool:
        return True

    def targets(self, announcement: Announcement) -> list[str]:
        return [str(pk) for pk in WebhookEndpoint.objects.filter(is_active=True).values_list("pk", flat=True)]

    def body(self, announcement: Announcement, key: uuid.UUID) -> bytes:
        subject = announcement.subject
        payload = {
            "id": str(key),
            "event": announcement.event,
            "occurred_at": (announcement.published_at or announcement.created_at).isoformat(),
            "council": announcement.council.slug,
            "consultation": getattr(subject, "slug", None),
            "url": page_url(announcement, "kk"),
            "title": {"kk": announcement.title_kk, "ru": announcement.title_ru},
            "text": {"kk": announcement.text_kk, "ru": announcement.text_ru},
        }
        return json.dumps(payload, ensure_ascii=False).encode()

    def send(
        self, announcement: Announcement, target: str, *, key: uuid.UUID, resume_after: str, progress: Progress
    ) -> str:
        endpoint = WebhookEndpoint.objects.filter(pk=target, is_active=True).first()
        if endpoint is None:
            raise PermanentFailure(Error.RECEIVER_REMOVED)
        body = self.body(announcement, key)
        signature = hmac.new(endpoint.secret.encode(), body, hashlib.sha256).hexdigest()
        post_json(
            endpoint.url,
            body,
            {
                "X-Qogam-Event": announcement.event,
                "X-Qogam-Delivery": str(key),
                "X-Qogam-Signature": f"sha256={signature}",
            },
        )
        return str(key)


class Email:
    """Mail to the confirmed subscribers of the council, of its region, or of everything, each in their
    language with a one-click unsubscribe link; sent in batches, resuming after the last one sent."""

    name = Delivery.Channel.EMAIL

    def enabled(self) -> bool:
        return True

    def subscribers(self, announcement: Announcement):
        council = announcement.council
        matching = Subscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True).filter(
            Q(scope=Subscription.Scope.ALL)
            | Q(scope=Subscription.Scope.COUNCIL, council=council)
            | Q(scope=Subscription.Scope.REGION, region_id=council.region_id, region__isnull=False)
        )
        # One mail per address, though it may follow both the council and its region, say.
        return matching.exclude(Exists(matching.filter(email=OuterRef("email"), pk__lt=OuterRef("pk"))))

    def targets(self, announcement: Announcement) -> list[str]:
        return [""] if self.subscribers(announcement).exists() else []

    def message(self, announcement: Announcement, subscription: Subscription) -> mail.EmailMessage:
        with translation.override(subscription.language):
            unsubscribe = settings.SITE_URL + reverse("publications:unsubscribe", kwargs={"token": subscription.token})
            body = render_to_string(
                "publications/mail/announcement.txt",
                {
                    "announcement": announcement,
                    "url": page_url(announcement, subscription.language),
                    "unsubscribe": unsubscribe,
                },
            )
            subject = one_line(announcement.title)
        return mail.EmailMessage(
            subject, body, settings.DEFAULT_FROM_EMAIL, [subscription.email],
            headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )  # fmt: skip

    def send(
        self, announcement: Announcement, target: str, *, key: uuid.UUID, resume_after: str, progress: Progress
    ) -> str:
        """Sends after the subscriber an earlier attempt reached (`resume_after`), reporting progress (the last
        subscriber sent) after each batch and before giving up, so that a retry resends at most the batch a
        dead worker was in. An address the mail server refuses is skipped (logged) rather than blocking
        everyone after it."""
        last = int(resume_after or 0)
        subscribers = self.subscribers(announcement).order_by("pk")
        try:
            with mail.get_connection() as connection:
                while batch := list(subscribers.filter(pk__gt=last)[:EMAIL_BATCH]):
                    for subscription in batch:
                        try:
                            connection.send_messages([self.message(announcement, subscription)])
                        except smtplib.SMTPRecipientsRefused as error:
                            if not all(code >= 500 for code, _text in error.recipients.values()):
                                raise  # "try later" (greylisting, a rate limit): not this address's fault
                            logger.warning("Subscription %s skipped: %s", subscription.pk, error)
                        last = subscription.pk
                    progress(str(last))
        except smtplib.SMTPAuthenticationError as error:
            progress(str(last))
            raise PermanentFailure(Error.MISCONFIGURED, f"SMTP {error.smtp_code}") from None
        except OSError as error:  # the server is down, or dropped the connection (smtplib's errors too)
            progress(str(last))
            raise TemporaryFailure(Error.UNREACHABLE, f"{type(error).__name__}: {error}") from None
        return str(last)


CHANNELS = [Telegram(), Webhook(), Email()]
BY_NAME = {channel.name: channel for channel in CHANNELS}
