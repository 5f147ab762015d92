"""Who: regions, public councils, the people in them, their meetings and personal receptions.

This app is the ground floor: it imports nothing from the other apps of the project.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class Region(models.Model):
    """An oblast or a city of republican significance: what the public pages filter councils by."""

    class Kind(models.TextChoices):
        OBLAST = "oblast", _("oblast")
        CITY = "city", _("city of republican significance")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    centre = models.CharField(_("administrative centre"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class CouncilQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def readable_by(self, user):
        """Councils whose workspace `user` may read: their own, through a current membership."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.is_staff:
            return self.none()  # staff work in the admin; a membership cannot lend them a council
        today = timezone.localdate()
        return self.filter(
            Q(memberships__ended_on__isnull=True) | Q(memberships__ended_on__gte=today),
            memberships__user=user,
            memberships__started_on__lte=today,
        ).distinct()

    def acted_for_by(self, user):
        """Councils for which `user` may act: as their secretary, chair or deputy chair."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.is_staff:
            return self.none()
        today = timezone.localdate()
        return self.filter(
            Q(memberships__ended_on__isnull=True) | Q(memberships__ended_on__gte=today),
            memberships__user=user,
            memberships__role__in=Membership.ACTING_ROLES,
            memberships__started_on__lte=today,
        ).distinct()


class Council(models.Model):
    """A public council beside a ministry or an akimat (Law "On Public Councils")."""

    class Level(models.TextChoices):
        CENTRAL = "central", _("central state body")
        OBLAST = "oblast", _("oblast")
        CITY = "city", _("city of republican significance")
        DISTRICT = "district", _("district or city")
        QUASI = "quasi", _("quasi-public sector entity")

    class DocumentLanguage(models.TextChoices):
        KAZAKH = "kk", _("Kazakh")
        RUSSIAN = "ru", _("Russian")
        BOTH = "both", _("Kazakh and Russian")

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        help_text=_("Latin letters, digits and hyphens; part of every address of the council."),
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="councils",
    )
    state_body = models.CharField(
        _("state body"), max_length=255, help_text=_("The ministry or akimat the council sits beside.")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    telegram_chat_id = models.CharField(
        _("Telegram channel"),
        max_length=64,
        blank=True,
        help_text=_("The council's own Telegram channel, if it has one: @name or a numeric id."),
    )
    document_language = models.CharField(
        _("language of documents"),
        max_length=4,
        choices=DocumentLanguage.choices,
        default=DocumentLanguage.BOTH,
    )
    term_starts_on = models.DateField(_("term of office starts"), null=True, blank=True)
    term_ends_on = models.DateField(_("term of office ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("public council")
        verbose_name_plural = _("public councils")
        ordering = ["slug"]
        indexes = [models.Index(fields=["level", "region"], name="council_level_region")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=["central", "quasi"]) | Q(region__isnull=False),
                name="council_local_has_region",
                violation_error_message=_("A local council must have a region."),
            ),
            models.CheckConstraint(
                condition=Q(term_ends_on__isnull=True)
                | Q(term_starts_on__isnull=True)
                | Q(term_ends_on__gte=models.F("term_starts_on")),
                name="council_term_in_order",
                violation_error_message=_("The term of office cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def council_pk(self) -> int:
        """Whose content it is (common.page_cache keeps some values per council): its own."""
        return self.pk


class MembershipQuerySet(models.QuerySet):
    def on(self, date: datetime.date):
        """Memberships current on `date`."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=date), started_on__lte=date)

    def counted(self):
        """Members proper: the secretary belongs to the working body and counts neither in size nor quorum."""
        return self.filter(role__in=Membership.COUNTED_ROLES)


class Membership(models.Model):
    """A person's place in a council. A person with an account (secretary, chair…) is linked to a user."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        DEPUTY_CHAIR = "deputy_chair", _("deputy chair")
        MEMBER = "member", _("member")
        SECRETARY = "secretary", _("secretary")

    class Kind(models.TextChoices):
        CIVIL_SOCIETY = "civil_society", _("civil society")
        STATE_BODY = "state_body", _("state body")
        QUASI_PUBLIC = "quasi_public", _("quasi-public sector")

    COUNTED_ROLES = (Role.CHAIR, Role.DEPUTY_CHAIR, Role.MEMBER)
    # Who performs the steps, cancels, and enters and answers proposals (DESIGN.md, "Who acts").
    ACTING_ROLES = (Role.SECRETARY, Role.CHAIR, Role.DEPUTY_CHAIR)

    council = models.ForeignKey(
        Council, verbose_name=_("public council"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    kind = models.CharField(_("kind of member"), max_length=16, choices=Kind.choices, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    started_on = models.DateField(_("member since"))
    ended_on = models.DateField(_("member until"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "role", "full_name"]
        indexes = [models.Index(fields=["council", "role"], name="membership_council_role")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_dates_in_order",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(role="secretary") | ~Q(kind=""),
                name="membership_member_has_kind",
                violation_error_message=_(
                    "A council member must have a kind (civil society, state body or quasi-public sector)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    def is_current_on(self, date: datetime.date) -> bool:
        return self.started_on <= date and (self.ended_on is None or self.ended_on >= date)


@dataclass(frozen=True)
class Quorum:
    """Law "On Public Councils", art. 13 p. 2: a meeting is valid when two thirds of all members take part."""

    members: int
    present: int

    @property
    def needed(self) -> int:
        return -(-2 * self.members // 3)  # the ceiling of two thirds

    @property
    def reached(self) -> bool:
        return self.members > 0 and self.present >= self.needed

    def summary(self) -> str:
        """«7 of 12 members present; 8 needed», in the active language."""
        return ngettext(
            "%(present)s of %(members)s member present; %(needed)s needed",
            "%(present)s of %(members)s members present; %(needed)s needed",
            self.members,
        ) % {"present": self.present, "members": self.members, "needed": self.needed}


def meeting_document_path(meeting: Meeting, filename: str) -> str:
    """A signed protocol is a PDF (the forms check its content, `councils.uploads`): it is stored under a name of
    our own with that extension, whatever name it was sent with (`pwned.html` would be served as a page)."""
    return f"councils/{meeting.council_id}/meetings/{uuid.uuid4().hex}.pdf"


class Meeting(models.Model):
    """A council meeting (отырыс / заседание): open to the public, valid only with a quorum."""

    council = models.ForeignKey(
        Council, verbose_name=_("public council"), on_delete=models.PROTECT, related_name="meetings"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    link = models.URLField(_("link"), blank=True)
    agenda = models.TextField(_("agenda"))
    protocol_number = models.CharField(_("protocol number"), max_length=40, blank=True)
    protocol_file = models.FileField(_("signed protocol"), upload_to=meeting_document_path, blank=True)
    attendees = models.ManyToManyField(
        Membership, verbose_name=_("attendance"), blank=True, related_name="attended_meetings"
    )
    agenda_published_at = models.DateTimeField(_("agenda published"), null=True, blank=True)
    protocol_published_at = models.DateTimeField(_("protocol published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["council", "date"], name="meeting_council_date")]

    def __str__(self) -> str:
        number = f" № {self.protocol_number}" if self.protocol_number else ""
        return f"{self.council} — {self.date:%d.%m.%Y}{number}"

    def quorum(self) -> Quorum:
        """Members on the meeting's date, and how many of them attended (the secretary is not counted)."""
        members = Membership.objects.filter(council_id=self.council_id).on(self.date).counted()
        return Quorum(
            members=members.count(),
            present=self.attendees.filter(pk__in=members.values("pk")).count(),
        )


class Reception(models.Model):
    """Personal reception of citizens (азаматтарды жеке қабылдау / личный приём граждан) by a council member."""

    member = models.ForeignKey(
        Membership, verbose_name=_("council member"), on_delete=models.PROTECT, related_name="receptions"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    link = models.URLField(_("link"), blank=True)
    topic = models.CharField(_("topic"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal reception")
        verbose_name_plural = _("personal receptions")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at"], name="reception_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="reception_ends_after_start",
                violation_error_message=_("A reception must end after it starts."),
            ),
            models.CheckConstraint(
                # Translation columns may hold NULL as well as "": test both, so that a NULL never slips through.
                condition=~Q(link="")
                | Q(place_kk__isnull=False, place_kk__gt="")
                | Q(place_ru__isnull=False, place_ru__gt=""),
                name="reception_has_place_or_link",
                violation_error_message=_("Give a place or a link where citizens can come."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.full_name}, {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    def council_pk(self) -> int:
        return self.member.council_id

    def is_upcoming(self, at) -> bool:
        """Not over at `at` (one under way still counts): councils.selectors.upcoming_receptions, for one."""
        return self.starts_at >= at or (self.ends_at is not None and self.ends_at > at)


# Bounds of a council's size (Law "On Public Councils"): central state bodies and quasi-public companies by
# law; local councils by the ministry's setting (LOCAL_COUNCIL_SIZE).
SIZE_BY_LEVEL = {Council.Level.CENTRAL: (15, 30), Council.Level.QUASI: (10, 15)}
TERM_WARNING = datetime.timedelta(days=61)


def membership_warnings(council: Council, *, today: datetime.date | None = None) -> list[str]:
    """What the council's membership does not do as the law asks: warnings for the workspace and the admin,
    never refusals (the data must be recordable as it is)."""
    from django.conf import settings

    today = today or timezone.localdate()
    members = list(Membership.objects.filter(council=council).on(today).counted())
    warnings = []
    low, high = SIZE_BY_LEVEL.get(council.level, settings.LOCAL_COUNCIL_SIZE)
    if not low <= len(members) <= high:
        warnings.append(
            _("The council has %(count)s members; the law asks for %(low)s to %(high)s.")
            % {"count": len(members), "low": low, "high": high}
        )
    seen: dict[str, str] = {}
    for member in members:
        organisation = (member.organisation_kk or member.organisation_ru or "").strip().casefold()
        if organisation and organisation in seen:
            warnings.append(
                _("Two members come from one organisation: %(first)s and %(second)s (%(organisation)s).")
                % {"first": seen[organisation], "second": member.full_name, "organisation": member.organisation}
            )
        elif organisation:
            seen[organisation] = member.full_name
    if any(m.role == Membership.Role.CHAIR and m.kind == Membership.Kind.STATE_BODY for m in members):
        warnings.append(str(_("The chair is a member from a state body.")))
    if council.term_ends_on and council.term_ends_on < today:
        warnings.append(
            _("The council's term of office ended on %(date)s.") % {"date": council.term_ends_on.strftime("%d.%m.%Y")}
        )
    elif council.term_ends_on and council.term_ends_on - today <= TERM_WARNING:
        warnings.append(
            _("The council's term of office ends on %(date)s.") % {"date": council.term_ends_on.strftime("%d.%m.%Y")}
        )
    return warnings
