"""The channels an announcement goes out on, each a small backend behind one interface.

A channel says which deliveries an announcement needs on it (`targets`) and sends one (`send`). Sending
raises `TemporaryFailure` for what a later attempt may fix (a timeout, a 5xx, a refused connection) and
`PermanentFailure` for what it will not (a 4xx: a wrong token, a closed chat). The portal is not among
them: an announcement is on the portal once `published_at` is set (`services.publish_on_portal`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core import mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Announcement, Delivery, Subscription, WebhookEndpoint

TIMEOUT = 10
EMAIL_BATCH = 100


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


def page_url(announcement: Announcement, language: str) -> str:
    return f"{settings.SITE_URL}/{language}{announcement.path or '/'}"


def post_json(url: str, body: bytes, headers: dict[str, str]) -> dict:
    """POST a JSON body; classify what goes wrong as temporary or permanent."""
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        detail = f"HTTP {error.code}: {error.read()[:300].decode(errors='replace')}"
        if error.code in (408, 429) or error.code >= 500:
            raise TemporaryFailure(detail) from None
        raise PermanentFailure(detail) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from None
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {}


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

    def send(self, delivery: Delivery) -> str:
        url = f"{settings.TELEGRAM_API_URL.rstrip('/')}/bot{settings.TELEGRAM_BOT_TOKEN}/sendMessage"
        body = json.dumps({"chat_id": delivery.target, "text": self.text(delivery.announcement)}).encode()
        answer = post_json(url, body, {})
        if not answer.get("ok"):
            raise PermanentFailure(str(answer.get("description", answer))[:500])
        return str(answer.get("result", {}).get("message_id", ""))


class Webhook:
    """A signed JSON POST to each active receiver (DESIGN.md: X-Qogam-Event, X-Qogam-Delivery = the
    idempotency key, X-Qogam-Signature = sha256=HMAC of the raw body)."""

    name = Delivery.Channel.WEBHOOK

    def enabled(self) -> bool:
        return True

    def targets(self, announcement: Announcement) -> list[str]:
        return [str(pk) for pk in WebhookEndpoint.objects.filter(is_active=True).values_list("pk", flat=True)]

    def body(self, delivery: Delivery) -> bytes:
        announcement = delivery.announcement
        subject = announcement.subject
        payload = {
            "id": str(delivery.idempotency_key),
            "event": announcement.event,
            "occurred_at": (announcement.published_at or announcement.created_at).isoformat(),
            "council": announcement.council.slug,
            "consultation": getattr(subject, "slug", None),
            "url": page_url(announcement, "kk"),
            "title": {"kk": announcement.title_kk, "ru": announcement.title_ru},
            "text": {"kk": announcement.text_kk, "ru": announcement.text_ru},
        }
        return json.dumps(payload, ensure_ascii=False).encode()

    def send(self, delivery: Delivery) -> str:
        endpoint = WebhookEndpoint.objects.filter(pk=delivery.target, is_active=True).first()
        if endpoint is None:
            raise PermanentFailure("The receiver was removed or deactivated.")
        body = self.body(delivery)
        signature = hmac.new(endpoint.secret.encode(), body, hashlib.sha256).hexdigest()
        post_json(
            endpoint.url,
            body,
            {
                "X-Qogam-Event": delivery.announcement.event,
                "X-Qogam-Delivery": str(delivery.idempotency_key),
                "X-Qogam-Signature": f"sha256={signature}",
            },
        )
        return str(delivery.idempotency_key)


class Email:
    """Mail to the confirmed subscribers of the council, of its region, or of everything, each in their
    language with a one-click unsubscribe link; sent in batches, resuming after the last one sent."""

    name = Delivery.Channel.EMAIL

    def enabled(self) -> bool:
        return True

    def subscribers(self, announcement: Announcement):
        council = announcement.council
        return Subscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True).filter(
            Q(scope=Subscription.Scope.ALL)
            | Q(scope=Subscription.Scope.COUNCIL, council=council)
            | Q(scope=Subscription.Scope.REGION, region_id=council.region_id, region__isnull=False)
        )

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
            subject = announcement.title
        return mail.EmailMessage(
            subject, body, settings.DEFAULT_FROM_EMAIL, [subscription.email],
            headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )  # fmt: skip

    def send(self, delivery: Delivery) -> str:
        """Sends after the subscriber the last attempt reached (kept in `external_id`), batch by batch."""
        from .delivery import record_progress

        last = int(delivery.external_id or 0)
        subscribers = self.subscribers(delivery.announcement).filter(pk__gt=last).order_by("pk")
        try:
            with mail.get_connection() as connection:
                while batch := list(subscribers.filter(pk__gt=last)[:EMAIL_BATCH]):
                    connection.send_messages([self.message(delivery.announcement, s) for s in batch])
                    last = batch[-1].pk
                    record_progress(delivery, str(last))
        except (OSError, mail.BadHeaderError) as error:
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from None
        return str(last)


CHANNELS = [Telegram(), Webhook(), Email()]
BY_NAME = {channel.name: channel for channel in CHANNELS}
