"""What is published, and where: announcements and their deliveries, one per channel.

This app knows councils but nothing of consultations: an announcement points at what it announces through a
generic reference and is given its Kazakh and Russian text by the caller.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from councils.models import Council


class AnnouncementQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def waiting(self):
        """Written for a time to come, not gone out yet."""
        return self.filter(published_at__isnull=True)

    def about(self, subject: models.Model):
        return self.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)


class Announcement(models.Model):
    """A message to citizens: on the portal first, then on every other channel."""

    class Event(models.TextChoices):
        # The codes are the webhook's `event` values (DESIGN.md, "Interfaces that stay stable").
        SCHEDULE_PUBLISHED = "schedule.published", _("schedule published")
        MEETING_ANNOUNCED = "meeting.announced", _("meeting announced")
        CONSULTATION_ANNOUNCED = "consultation.announced", _("consultation announced")
        NEWS_PUBLISHED = "news.published", _("news")
        RESULTS_PUBLISHED = "results.published", _("results published")
        CONSULTATION_CANCELLED = "consultation.cancelled", _("consultation cancelled")

    # What the compliance rules want published in social networks or the media too: the secretary records
    # those publications (`services.record_publication`).
    RECORDABLE_EVENTS = (Event.SCHEDULE_PUBLISHED, Event.CONSULTATION_ANNOUNCED, Event.RESULTS_PUBLISHED)

    council = models.ForeignKey(
        Council, verbose_name=_("public council"), on_delete=models.PROTECT, related_name="announcements"
    )
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("what it announces"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    subject_id = models.PositiveBigIntegerField(_("its number"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("text"))
    path = models.CharField(
        _("page"),
        max_length=255,
        blank=True,
        help_text=_("The portal page it links to, without the language prefix."),
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    # The news form's one-time token: a second post with it (a double click) writes nothing.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False, default=None)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["council", "published_at"], name="announce_council_published"),
            models.Index(fields=["subject_type", "subject_id"], name="announcement_subject"),
            models.Index(fields=["publish_at"], name="announcement_publish_at", condition=Q(published_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title


def scan_path(delivery: "Delivery", filename: str) -> str:
    """Scans of recorded publications, by council; the file name is generated (`councils.uploads.stored_name`)."""
    return f"publications/{delivery.announcement.council_id}/scans/{filename}"


class Delivery(models.Model):
    """One announcement on one channel (and target): its own state, attempts and error."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("portal")
        TELEGRAM = "telegram", _("Telegram")
        EMAIL = "email", _("email to subscribers")
        WEBHOOK = "webhook", _("webhook")
        RECORDED = "recorded", _("publication recorded by hand")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("sending")
        SENT = "sent", _("delivered")
        FAILED = "failed", _("failed")

    class OutletKind(models.TextChoices):
        # Where a recorded publication appeared: the recommendations ask for social networks or the media.
        NEWSPAPER = "newspaper", _("newspaper")
        NEWS_SITE = "news_site", _("news site")
        SOCIAL = "social", _("social network")

    class Error(models.TextChoices):
        # Stored at the head of `last_error`, before the channel's own detail; read in the secretary's language.
        UNREACHABLE = "unreachable", _("The channel could not be reached.")
        BUSY = "busy", _("The channel asked to try again later.")
        SERVER_ERROR = "server-error", _("The channel answered with an error on its side.")
        NO_ANSWER = "no-answer", _("The channel did not answer in time.")
        REFUSED = "refused", _("The channel refused the message.")
        MISCONFIGURED = "misconfigured", _("The channel's settings are wrong: check its address or token.")
        RECEIVER_REMOVED = "receiver-removed", _("The receiver was removed or deactivated.")
        OUTCOME_UNKNOWN = (
            "outcome-unknown",
            _(
                "The post may or may not have gone out (no answer came, or the worker stopped while posting). "
                "Check the channel, then retry if it is missing."
            ),
        )
        UNEXPECTED = "unexpected", _("An unexpected error; the administrators can see it in the log.")

    announcement = models.ForeignKey(
        Announcement, verbose_name=_("announcement"), on_delete=models.PROTECT, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target = models.CharField(
        _("target"),
        max_length=500,
        blank=True,
        help_text=_("Telegram chat, webhook address, or the link of a recorded publication."),
    )
    outlet = models.CharField(
        _("outlet"),
        max_length=255,
        blank=True,
        help_text=_("For a recorded publication: the newspaper, site or network."),
    )
    # A recorded publication's own fields (see `publications.recorded`); empty on the other channels.
    outlet_kind = models.CharField(_("kind of outlet"), max_length=10, choices=OutletKind.choices, blank=True)
    scan = models.FileField(_("scan or screenshot"), upload_to=scan_path, blank=True, max_length=200)
    scan_type = models.CharField(_("type of the scan"), max_length=100, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    external_id = models.CharField(_("external id"), max_length=255, blank=True)
    # Sent with every attempt, so that a receiver can drop a repeat (the webhook's X-Qogam-Delivery).
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Set by each claim: a worker that outlived its lease finds another's token and stops.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["announcement", "channel", "id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]
        constraints = [
            # A printed newspaper may be recorded by its scan alone: recorded publications without a link
            # (an empty target) may be several; a link is recorded once per announcement.
            models.UniqueConstraint(
                fields=["announcement", "channel", "target"],
                condition=~Q(channel="recorded") | ~Q(target=""),
                name="delivery_once_per_channel_target",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
                violation_error_message=_("A delivered publication needs its time."),
            ),
            models.CheckConstraint(
                condition=~Q(channel="recorded") | (~Q(outlet="") & ~Q(outlet_kind="") & (~Q(target="") | ~Q(scan=""))),
                name="delivery_recorded_has_outlet_and_evidence",
                violation_error_message=_("A recorded publication needs its outlet, and its link or scan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.announcement} → {self.get_channel_display()}"

    def council_pk(self) -> int:
        return self.announcement.council_id

    @property
    def has_web_link(self) -> bool:
        """Whether the target is a link a page may offer (http or https only: never `javascript:` or the like)."""
        return self.target.lower().startswith(("http://", "https://"))

    @property
    def error_message(self) -> str:
        """The last error for the secretary: what it means in their language, then the channel's detail."""
        code, _sep, detail = self.last_error.partition(": ")
        if code not in self.Error.values:
            return self.last_error
        meaning = str(self.Error(code).label)
        return f"{meaning} ({detail})" if detail else meaning

    @property
    def has_failed(self) -> bool:
        return self.state == self.State.FAILED


class RecordedPublicationChange(models.Model):
    """Append-only: who recorded, changed or removed a recorded publication, when, and what it was before.

    Kept with the announcement, so that removing a record keeps its history (the row's `delivery` is then
    empty). `before` and `after` hold the record as it was (`publications.recorded.snapshot`)."""

    class Action(models.TextChoices):
        RECORDED = "recorded", _("publication recorded")
        CHANGED = "changed", _("record changed")
        REMOVED = "removed", _("record removed")

    announcement = models.ForeignKey(
        Announcement, verbose_name=_("announcement"), on_delete=models.PROTECT, related_name="recorded_changes"
    )
    delivery = models.ForeignKey(
        Delivery,
        verbose_name=_("recorded publication"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("when"), default=timezone.now)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        verbose_name = _("change of a recorded publication")
        verbose_name_plural = _("changes of recorded publications")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.announcement} · {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The log of recorded publications is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The log of recorded publications is append-only.")

    def council_pk(self) -> int:
        return self.announcement.council_id

    @staticmethod
    def describe(snapshot: dict) -> str:
        """A record as the log stores it, in the reader's language: kind, outlet, date, link, scan."""
        if not snapshot:
            return ""
        kinds = dict(Delivery.OutletKind.choices)
        parts = [f"{kinds.get(snapshot.get('outlet_kind'), '')} «{snapshot.get('outlet', '')}»".strip()]
        if snapshot.get("published_on"):
            day = datetime.date.fromisoformat(snapshot["published_on"])
            parts.append(date_format(day, "SHORT_DATE_FORMAT"))
        if snapshot.get("link"):
            parts.append(snapshot["link"])
        if snapshot.get("scan"):
            parts.append(str(_("with a scan")))
        return ", ".join(parts)

    @property
    def before_text(self) -> str:
        return self.describe(self.before)

    @property
    def after_text(self) -> str:
        return self.describe(self.after)


class OutgoingMail(models.Model):
    """A mail to send, written in the same transaction as the change that causes it (an outbox).

    A Celery task only wakes the sender; a beat job sweeps what is due, so a task lost with Redis delays a
    mail and never loses it (DESIGN.md, "Nothing lost").
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("sending")
        SENT = "sent", _("delivered")
        FAILED = "failed", _("failed")
        # Nothing to send after all: a password reset asked for an address no account has.
        DROPPED = "dropped", _("not needed")

    class Kind(models.TextChoices):
        """What the mail is for. The kinds an anonymous visitor can cause to an address they typed are capped
        per address (`publications.mail.mail_allowed`), counted here so that the cap holds without Redis."""

        OTHER = "", _("other")
        PROPOSAL_CONFIRMATION = "proposal-confirmation", _("proposal confirmation")
        SUBSCRIPTION_CONFIRMATION = "subscription-confirmation", _("subscription confirmation")
        PASSWORD_RESET = "password-reset", _("password reset")

    to = models.EmailField(_("recipient"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER, blank=True)
    # A keyed hash of the client address that asked for the mail (password reset only): counted, never shown.
    requested_by = models.CharField(max_length=64, blank=True, editable=False)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=2)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="mail_due"),
            # The caps count one kind of mail to one address (in any case) over the last hours.
            models.Index(F("kind"), Lower("to"), F("created_at"), name="mail_kind_recipient"),
            models.Index(
                fields=["requested_by", "created_at"], condition=~Q(requested_by=""), name="mail_requested_by"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class WebhookEndpoint(models.Model):
    """A media partner or another network that receives every announcement as a signed JSON POST."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), max_length=500)
    secret = models.CharField(
        _("shared secret"), max_length=200, help_text=_("Signs each body (HMAC-SHA256); the receiver checks it.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook receiver")
        verbose_name_plural = _("webhook receivers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SubscriptionQuerySet(models.QuerySet):
    def open(self):
        """Not unsubscribed: confirmed, or waiting for its confirmation."""
        return self.filter(unsubscribed_at__isnull=True)

    def of_address(self, email: str):
        """Of this address whatever the case of its letters (matches the unique constraint's expression)."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=email.lower())


class Subscription(models.Model):
    """A citizen who asked for announcements by mail: of one council, of a region, or of all, in their
    language. Confirmed by a link (double opt-in); every mail carries a one-click unsubscribe link.

    An address has at most one open subscription per scope and target: asking again re-sends the
    confirmation (at most once a day) instead of writing another row."""

    class Scope(models.TextChoices):
        ALL = "all", _("all public councils")
        REGION = "region", _("the councils of a region")
        COUNCIL = "council", _("one public council")

    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=2, choices=[("kk", _("Kazakh")), ("ru", _("Russian"))])
    scope = models.CharField(_("what"), max_length=8, choices=Scope.choices, default=Scope.ALL)
    council = models.ForeignKey(
        Council, verbose_name=_("public council"), on_delete=models.CASCADE, null=True, blank=True
    )
    region = models.ForeignKey(
        "councils.Region", verbose_name=_("region"), on_delete=models.CASCADE, null=True, blank=True
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # When the mail asking to confirm last went out: it is not sent again within a day.
    confirmation_sent_at = models.DateTimeField(_("confirmation requested"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["confirmed_at", "unsubscribed_at"], name="subscription_active")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="all") & Q(council__isnull=True) & Q(region__isnull=True))
                | (Q(scope="region") & Q(region__isnull=False) & Q(council__isnull=True))
                | (Q(scope="council") & Q(council__isnull=False) & Q(region__isnull=True)),
                name="subscription_scope_matches",
            ),
            # One open row per address, scope and target (NULL council or region counts as equal).
            models.UniqueConstraint(
                # Coalesced, because NULLs never collide in a unique index (and SQLite has no NULLS NOT DISTINCT).
                Lower("email"),
                "scope",
                Coalesce("council", 0),
                Coalesce("region", 0),
                condition=Q(unsubscribed_at__isnull=True),
                name="subscription_open_once_per_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_scope_display()})"

    @property
    def scope_and_target(self) -> str:
        """What it brings, as its confirmation gives it: "one public council — <its name>", "all public councils"."""
        target = self.council or self.region
        return f"{self.get_scope_display()} — {target.name}" if target else self.get_scope_display()
