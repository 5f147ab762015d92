"""What citizens say: proposals, the consent they gave, and the record of what was done with each."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations import proposal_codes
from consultations.models import Consultation, ConsultationPart, Question, RecommendationPoint
from councils.models import Reception

logger = logging.getLogger(__name__)


class ConsentText(models.Model):
    """A version of the consent to personal-data processing shown on the proposal form (Law "On Personal
    Data", art. 8): what is stored, why, and the operator. A proposal keeps the version its author saw."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("text"))
    operator = models.CharField(_("operator"), max_length=300, help_text=_("Who processes the personal data."))
    effective_from = models.DateTimeField(_("in force from"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    CACHE_KEY = "proposals:consent-text"
    CACHE_SECONDS = 300  # a text changed behind the model's back (in SQL) is shown at most this long

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["-version"]

    def __str__(self) -> str:
        return _("Consent text, version %(version)s") % {"version": self.version}

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.forget_cached()
        transaction.on_commit(self.forget_cached)  # a request between the save and the commit read the old one

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.forget_cached()
        transaction.on_commit(self.forget_cached)
        return result

    @classmethod
    def current(cls) -> ConsentText | None:
        return cls.objects.filter(effective_from__lte=timezone.now()).order_by("-version").first()

    @classmethod
    def current_cached(cls) -> ConsentText | None:
        """`current()`, kept in the cache: every view and post of the proposal form needs it. Forgotten when a
        text is saved or deleted, and when the next version saved ahead comes into force; read from the
        database when the cache (Redis) cannot be reached."""
        try:
            cached = cache.get(cls.CACHE_KEY)
        except Exception:  # the cache is down: the form still works
            logger.warning("Cache unavailable; reading the consent text from the database", exc_info=True)
            return cls.current()
        if cached is not None:
            return cached[0]
        now = timezone.now()
        consent = cls.current()
        following = cls.objects.filter(effective_from__gt=now).order_by("effective_from").first()
        seconds = cls.CACHE_SECONDS
        if following is not None:
            seconds = max(0, min(seconds, int((following.effective_from - now).total_seconds())))
        if seconds:
            try:
                cache.set(cls.CACHE_KEY, (consent,), timeout=seconds)
            except Exception:
                logger.warning("Cache unavailable; the consent text is not kept", exc_info=True)
        return consent

    @classmethod
    def forget_cached(cls) -> None:
        try:
            cache.delete(cls.CACHE_KEY)
        except Exception:
            logger.warning("Cache unavailable; the consent text kept there expires by itself", exc_info=True)


class ReferenceCounter(models.Model):
    """The last public reference number handed out in a year: references are never reused."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


# What counting the answers owed and given reads of a proposal (consultations.answers.OWED and ANSWERED).
ANSWER_COUNTED = ["moderation", "set_aside_reason", "answer_queued_at", "answer_mail", "answered_by_phone_on"]


def public_author(*, hide_name: bool, organisation: str, author_name: str) -> str:
    """What may be published of a proposal's author (the pages, the API, the open-data files): the organisation
    or the name, unless the author asked not to be named."""
    if hide_name:
        return ""
    return organisation or author_name


class Proposal(ConsultationPart, models.Model):
    """A proposal (ұсыныс / предложение) from a citizen or an organisation, and the council's answer to it."""

    class AuthorKind(models.TextChoices):
        CITIZEN = "citizen", _("citizen")
        PUBLIC_ORG = "public_org", _("public organisation")
        PROFESSIONAL_ORG = "professional_org", _("professional organisation")

    class Language(models.TextChoices):
        KAZAKH = "kk", _("Kazakh")
        RUSSIAN = "ru", _("Russian")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("portal")
        CONSULTATION = "consultation", _("at the consultation")
        RECEPTION = "reception", _("at a personal reception")
        MAIL = "mail", _("by mail")
        SOCIAL = "social", _("social networks")

    # Defined in consultations, which reads proposals by these codes and may not import this app.
    Moderation = proposal_codes.Moderation
    SetAsideReason = proposal_codes.SetAsideReason
    Decision = proposal_codes.Decision

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("public consultation"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    reference = models.CharField(_("reference number"), max_length=16, unique=True, editable=False)
    author_name = models.CharField(_("author's name"), max_length=200, blank=True)
    author_kind = models.CharField(_("author"), max_length=16, choices=AuthorKind.choices, default=AuthorKind.CITIZEN)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    hide_name = models.BooleanField(_("do not publish my name"), default=False)
    wants_answer = models.BooleanField(_("wants an answer"), default=False)
    # Never shown publicly, nor to ministry staff: only the council's secretary and chair see it.
    contact = models.CharField(_("contact (email or phone)"), max_length=254, blank=True)
    text = models.TextField(_("proposal"))
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.PORTAL)
    reception = models.ForeignKey(
        Reception,
        verbose_name=_("personal reception"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )

    moderation = models.CharField(_("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.NEW)
    set_aside_reason = models.CharField(
        _("why not included"), max_length=10, choices=SetAsideReason.choices, blank=True
    )
    set_aside_note = models.TextField(_("note"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )

    consent_text = models.ForeignKey(
        ConsentText,
        verbose_name=_("consent text shown"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_operator = models.CharField(_("operator named in the consent"), max_length=300, blank=True)

    decision = models.CharField(_("decision of the council"), max_length=20, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Answered by the council's recommendation (step 6): the points that take this proposal into account.
    recommendation_points = models.ManyToManyField(
        RecommendationPoint,
        verbose_name=_("points of the recommendation"),
        blank=True,
        related_name="proposals",
    )

    # The council's answer to an author who asked for one, once the position is published: the mail that
    # carries it (written by consultations.answers through the reverse relation) and when it was queued —
    # the time stays when the outbox row is purged, so that nobody is answered twice; or the day the
    # secretary answered by phone.
    answer_mail = models.ForeignKey(
        "publications.OutgoingMail",
        verbose_name=_("answer mail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answer_queued_at = models.DateTimeField(_("answer mailed"), null=True, blank=True)
    answered_by_phone_on = models.DateField(_("answered by phone on"), null=True, blank=True)

    # Similar proposals (proposals/grouping.py): the group this one was placed in, its cosine to the group's
    # leader, and when it was compared with the others (null: not yet). A proposal the secretary took out of a
    # group is kept apart: never grouped automatically again.
    similar_group = models.ForeignKey(
        "SimilarGroup",
        verbose_name=_("group of similar proposals"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    similarity = models.FloatField(_("similarity"), null=True, blank=True)
    compared_at = models.DateTimeField(_("compared with the others"), null=True, blank=True)
    kept_apart = models.BooleanField(_("kept apart from similar proposals"), default=False)

    submitted_at = models.DateTimeField(_("received"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff member who entered a proposal received outside the portal."),
    )
    # The proposal form's one-time token: a second post with it stores nothing (a double click).
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False, default=None)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["consultation", "submitted_at", "id"]
        indexes = [
            models.Index(fields=["consultation", "moderation"], name="proposal_moderation"),
            models.Index(fields=["consultation", "submitted_at"], name="proposal_received"),
            # The authors who asked for an answer, counted on the results page (consultations.answers): a fifth
            # of a consultation's proposals, read from the index alone, without the rows (issue 16).
            models.Index(
                fields=["consultation"],
                condition=Q(wants_answer=True),
                include=ANSWER_COUNTED,
                name="proposal_wants_answer",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(wants_answer=False) | ~Q(contact=""),
                name="proposal_answer_needs_contact",
                violation_error_message=_("Give an email or a phone number so that the council can answer you."),
            ),
            models.CheckConstraint(
                condition=Q(author_kind="citizen") | ~Q(organisation=""),
                name="proposal_organisation_named",
                violation_error_message=_("Name the organisation."),
            ),
            models.CheckConstraint(
                condition=(Q(moderation="set_aside") & ~Q(set_aside_reason=""))
                | (~Q(moderation="set_aside") & Q(set_aside_reason="")),
                name="proposal_set_aside_has_reason",
                violation_error_message=_("A proposal not included in the list needs the reason."),
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | Q(set_aside_reason="duplicate"),
                name="proposal_duplicate_of_only_for_duplicates",
            ),
            models.CheckConstraint(
                condition=~Q(set_aside_reason="duplicate") | Q(duplicate_of__isnull=False),
                name="proposal_duplicate_names_original",
                violation_error_message=_("Point at the proposal it repeats."),
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(moderation="listed"),
                name="proposal_decision_only_when_listed",
                violation_error_message=_("Only a proposal in the list receives a decision."),
            ),
            models.CheckConstraint(
                condition=~Q(channel="portal") | (Q(consent_given_at__isnull=False) & Q(consent_text__isnull=False)),
                name="proposal_portal_needs_consent",
                violation_error_message=_("Consent to personal-data processing is required."),
            ),
            models.CheckConstraint(
                condition=Q(reception__isnull=True) | Q(channel="reception"),
                name="proposal_reception_only_for_reception_channel",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="proposal_has_text"),
            models.CheckConstraint(
                condition=Q(answer_mail__isnull=True) | Q(answer_queued_at__isnull=False),
                name="proposal_answer_mail_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def public_author(self) -> str:
        """What the results page may show of the author: the organisation or name, unless hidden."""
        return public_author(hide_name=self.hide_name, organisation=self.organisation, author_name=self.author_name)

    def shows_on_public_pages(self) -> bool:
        """Only the results page shows proposals, once the position is published (common.page_cache)."""
        return self.consultation.has_published_position

    @property
    def is_new(self) -> bool:
        """Received and not yet listed or set aside."""
        return self.moderation == self.Moderation.NEW

    @property
    def is_listed(self) -> bool:
        return self.moderation == self.Moderation.LISTED

    @property
    def is_set_aside(self) -> bool:
        return self.moderation == self.Moderation.SET_ASIDE


class ProposalEvent(models.Model):
    """Every change to a proposal, with who made it and when."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted on the portal")
        ENTERED = "entered", _("entered by staff")
        EDITED = "edited", _("edited")
        LISTED = "listed", _("included in the list")
        SET_ASIDE = "set_aside", _("not included in the list")
        RESTORED = "restored", _("returned to new")
        DECIDED = "decided", _("decision recorded")
        CORRECTED = "corrected", _("corrected")
        ANSWERED = "answered", _("author answered")
        KEPT_APART = "kept_apart", _("kept apart from a group of similar proposals")

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("proposal history entry")
        verbose_name_plural = _("proposal history")
        ordering = ["proposal", "at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal} — {self.get_action_display()}"


class ProposalVector(models.Model):
    """A proposal's text as a vector of the similarity model (proposals/similarity.py), computed by a task when
    the proposal arrives, to find the proposals that say the same thing. float32, little-endian; recomputed when
    the backend that made it is no longer the one in the settings. No page shows it; the admin lists which
    proposals have one."""

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, primary_key=True, related_name="vector"
    )
    backend = models.CharField(_("model"), max_length=16)
    vector = models.BinaryField(_("vector"))
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("vector of a proposal")
        verbose_name_plural = _("vectors of proposals")

    def __str__(self) -> str:
        return f"{self.proposal} ({self.backend})"


class SimilarGroup(ConsultationPart, models.Model):
    """Proposals of a consultation that say the same thing, in Kazakh or Russian (issue 18), found by
    proposals/grouping.py: its leader is the first of them, the one the others were compared with and the group's
    representative; its number names it within the consultation ("group 3") and is never reused. The secretary
    includes, sets aside or decides a group in one action, or splits it; nothing is done to its members without
    that. A split group stays, marked, so that its number keeps naming it in the proposals' history."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("public consultation"), on_delete=models.CASCADE, related_name="similar_groups"
    )
    number = models.PositiveIntegerField(_("number"))
    leader = models.ForeignKey(
        Proposal, verbose_name=_("representative proposal"), on_delete=models.CASCADE, related_name="+"
    )
    # The words that most set the group apart within the consultation, of its Kazakh and its Russian members:
    # {"kk": [...], "ru": [...]}, computed when its members change.
    key_words = models.JSONField(_("key words"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    split_at = models.DateTimeField(_("split"), null=True, blank=True)

    class Meta:
        verbose_name = _("group of similar proposals")
        verbose_name_plural = _("groups of similar proposals")
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="similar_group_number"),
            models.UniqueConstraint(
                fields=["leader"], condition=Q(split_at__isnull=True), name="similar_group_one_per_leader"
            ),
        ]

    def __str__(self) -> str:
        return _("Group %(number)s") % {"number": self.number}

    @property
    def is_split(self) -> bool:
        return self.split_at is not None
