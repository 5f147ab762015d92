"""What: quarterly schedules, consultations and everything a consultation gathers on its seven steps.

States change only in `consultations.workflow` (consultations) and `consultations.services` (schedules).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from councils import uploads
from councils.models import Council, Meeting

from .fields import StateField, StateMachineModel


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    last = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return first, last - datetime.timedelta(days=1)


class QuarterlyScheduleQuerySet(models.QuerySet):
    def published(self):
        """Schedules with a published revision: the only ones citizens see."""
        return self.filter(published_revision__gt=0)


class QuarterlySchedule(StateMachineModel):
    """The schedule of public consultations of one council for one quarter (approved at a meeting, published).

    A consultation that arises during the quarter is added in a new revision; until that revision is
    published, the consultations of the last published one stay public (`published_revision`).
    """

    LOCKED_WITH = ("council",)

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")
        PUBLISHED = "published", _("published")

    council = models.ForeignKey(
        Council, verbose_name=_("public council"), on_delete=models.PROTECT, related_name="schedules"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    state = StateField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    published_revision = models.PositiveSmallIntegerField(_("published revision"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = QuarterlyScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("schedule of public consultations")
        verbose_name_plural = _("schedules of public consultations")
        ordering = ["-year", "-quarter", "council"]
        indexes = [models.Index(fields=["year", "quarter"], name="schedule_year_quarter")]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "year", "quarter"],
                name="schedule_one_per_council_quarter",
                violation_error_message=_("This council already has a schedule for that quarter."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="schedule_quarter_1_to_4",
                violation_error_message=_("A quarter is 1, 2, 3 or 4."),
            ),
            models.CheckConstraint(condition=Q(year__gte=2020, year__lte=2100), name="schedule_year_plausible"),
            models.CheckConstraint(
                condition=Q(published_revision__lte=models.F("revision")),
                name="schedule_published_revision_exists",
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="schedule_revision_positive"),
        ]

    def __str__(self) -> str:
        return _("%(council)s — %(year)s, quarter %(quarter)s") % {
            "council": self.council,
            "year": self.year,
            "quarter": self.quarter,
        }

    @property
    def starts_on(self) -> datetime.date:
        return quarter_bounds(self.year, self.quarter)[0]

    @property
    def ends_on(self) -> datetime.date:
        return quarter_bounds(self.year, self.quarter)[1]

    @property
    def is_public(self) -> bool:
        return self.published_revision > 0

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED

    @property
    def is_published(self) -> bool:
        """Its current revision is published (`is_public`: some revision is)."""
        return self.state == self.State.PUBLISHED


class TransitionLog(models.Model):
    """Append-only: a row is written once and never changed or deleted."""

    from_state = models.CharField(_("from"), max_length=32, blank=True)
    to_state = models.CharField(_("to"), max_length=32)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system performed it."),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    occurred_on = models.DateField(_("date"))
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The transition log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The transition log is append-only.")


class ScheduleTransition(TransitionLog):
    schedule = models.ForeignKey(
        QuarterlySchedule, verbose_name=_("schedule of public consultations"), on_delete=models.PROTECT,
        related_name="transitions",
    )  # fmt: skip
    # The states by their names (the admin shows the log).
    from_state = models.CharField(_("from"), max_length=32, blank=True, choices=QuarterlySchedule.State.choices)
    to_state = models.CharField(_("to"), max_length=32, choices=QuarterlySchedule.State.choices)
    revision = models.PositiveSmallIntegerField(_("revision"))

    class Meta:
        verbose_name = _("schedule log entry")
        verbose_name_plural = _("schedule log")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.schedule}: {self.get_from_state_display() or '—'} → {self.get_to_state_display()}"

    def council_pk(self) -> int:
        return self.schedule.council_id


class ConsultationQuerySet(models.QuerySet):
    def public(self):
        """Consultations citizens may see: in a published revision of their schedule."""
        return self.filter(schedule__published_revision__gte=models.F("revision"))

    def of_councils(self, councils):
        return self.filter(schedule__council__in=councils)

    def running(self):
        """Still to be taken to their end: neither position published nor cancelled."""
        return self.exclude(state__in=[Consultation.State.POSITION_PUBLISHED, Consultation.State.CANCELLED])

    def open_for_proposals(self, at: datetime.datetime | None = None):
        at = at or timezone.now()
        return self.filter(state=Consultation.State.HELD, window_opens_at__lte=at, window_closes_at__gt=at)


def document_path(document: Document, filename: str) -> str:
    return f"consultations/{document.consultation_id}/{filename}"


class Consultation(StateMachineModel):
    """A public consultation: one occasion, seven steps (see `consultations.workflow`)."""

    LOCKED_WITH = ("schedule__council",)

    class State(models.TextChoices):
        # The codes are part of the public interface (the `step` filter of the list page).
        PLANNED = "planned", _("Planned")
        DECIDED = "decided", _("Decision to hold it taken")
        QUESTIONS_APPROVED = "questions_approved", _("List of questions approved")
        ANNOUNCED = "announced", _("Citizens informed")
        HELD = "held", _("Consultation under way")
        PROPOSALS_COMPILED = "proposals_compiled", _("List of proposals formed")
        RECOMMENDATION_DRAFTED = "recommendation_drafted", _("Draft recommendation prepared")
        POSITION_PUBLISHED = "position_published", _("Position published")
        CANCELLED = "cancelled", _("Cancelled")

    class Occasion(models.TextChoices):
        DRAFT_ACT = "draft_act", _("public expertise of a draft legal act")
        APPEAL = "appeal", _("consideration of an appeal")
        RECEPTION = "reception", _("personal reception of citizens")
        INITIATIVE = "initiative", _("other initiative")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")
        MIXED = "mixed", _("in person and online")

    schedule = models.ForeignKey(
        QuarterlySchedule, verbose_name=_("schedule"), on_delete=models.PROTECT, related_name="consultations"
    )
    number = models.PositiveSmallIntegerField(_("number in the schedule"))
    revision = models.PositiveSmallIntegerField(_("added in revision"), default=1)
    slug = models.SlugField(_("page address"), max_length=100, unique=True, editable=False)
    occasion = models.CharField(_("occasion"), max_length=12, choices=Occasion.choices)
    state = StateField(_("step"), max_length=32, choices=State.choices, default=State.PLANNED)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    # The draft normative legal act under public expertise (occasion draft_act).
    act_title = models.CharField(_("title of the draft act"), max_length=500, blank=True)
    act_number = models.CharField(_("number of the draft act"), max_length=60, blank=True)
    act_url = models.URLField(_("the draft on the open legal-acts portal"), max_length=500, blank=True)
    act_drafted_by = models.CharField(_("state body that drafted it"), max_length=300, blank=True)
    social_effect = models.TextField(_("expected social effect"), blank=True)

    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    link = models.URLField(_("online link"), max_length=500, blank=True)
    participation = models.TextField(_("how to take part"), blank=True)
    starts_on = models.DateField(_("held from"), null=True, blank=True)
    ends_on = models.DateField(_("held until"), null=True, blank=True)
    window_opens_at = models.DateTimeField(_("proposals accepted from"), null=True, blank=True)
    window_closes_at = models.DateTimeField(_("proposals accepted until"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    # Set with "close the intake now", which also moves the window's end to that moment (shown publicly).
    early_closing_reason = models.TextField(_("why the intake was closed early"), blank=True)
    # The date the current step was reached (the log has every date; this one orders lists cheaply).
    state_since = models.DateField(_("at this step since"), null=True, blank=True, editable=False)

    # Case-folded text of the titles in both languages: case-insensitive search that folds Kazakh and
    # Russian letters on SQLite too, whose LIKE folds only Latin ones.
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("public consultation")
        verbose_name_plural = _("public consultations")
        ordering = ["schedule_id", "number"]
        indexes = [
            models.Index(fields=["state", "state_since"], name="consultation_state"),
            models.Index(fields=["occasion"], name="consultation_occasion"),
            models.Index(fields=["window_opens_at", "window_closes_at"], name="consultation_window"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "number"], name="consultation_number_in_schedule"),
            models.CheckConstraint(
                condition=Q(window_opens_at__isnull=True)
                | Q(window_closes_at__isnull=True)
                | Q(window_closes_at__gt=models.F("window_opens_at")),
                name="consultation_window_in_order",
                violation_error_message=_("The proposal window must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="consultation_dates_in_order",
                violation_error_message=_("The consultation cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(occasion="draft_act") | (Q(act_number="") & Q(act_url="")),
                name="consultation_act_only_for_draft_acts",
                violation_error_message=_("Only a consultation on a draft legal act names a draft act."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        names = ("title", "act_title", "description")
        words = [getattr(self, f"{name}_{lang}") or "" for name in names for lang in ("kk", "ru")]
        self.search_text = " ".join([*words, self.act_number]).casefold()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", kwargs={"slug": self.slug})

    def council_pk(self) -> int:
        """Whose content it is (common.page_cache keeps some values per council)."""
        return self.schedule.council_id

    @property
    def council(self) -> Council:
        return self.schedule.council

    @property
    def is_draft_act(self) -> bool:
        return self.occasion == self.Occasion.DRAFT_ACT

    @property
    def opens_on(self) -> datetime.date | None:
        """The day the proposal window opens, in the portal's time zone: the deadlines count in days."""
        return timezone.localdate(self.window_opens_at) if self.window_opens_at else None

    @property
    def closes_on(self) -> datetime.date | None:
        return timezone.localdate(self.window_closes_at) if self.window_closes_at else None

    @property
    def is_public(self) -> bool:
        """In a published revision of its schedule: what it says there changes only through a new revision."""
        return self.revision <= self.schedule.published_revision

    @property
    def is_coming_up(self) -> bool:
        """Planned, decided or announced: not yet taking proposals."""
        return self.state in (
            self.State.PLANNED,
            self.State.DECIDED,
            self.State.QUESTIONS_APPROVED,
            self.State.ANNOUNCED,
        )

    def intake(self, at: datetime.datetime | None = None) -> str:
        """Where the portal form stands: "open", "not_yet", "closed" or "cancelled"."""
        at = at or timezone.now()
        if self.state == self.State.CANCELLED:
            return "cancelled"
        if self.is_open_for_proposals(at):
            return "open"
        if self.is_coming_up or (
            self.state == self.State.HELD and not (self.window_opens_at and self.window_opens_at <= at)
        ):
            return "not_yet"
        return "closed"

    def is_open_for_proposals(self, at: datetime.datetime | None = None) -> bool:
        at = at or timezone.now()
        return (
            self.state == self.State.HELD
            and self.window_opens_at is not None
            and self.window_closes_at is not None
            and self.window_opens_at <= at < self.window_closes_at
        )

    @property
    def is_planned(self) -> bool:
        return self.state == self.State.PLANNED

    @property
    def is_held(self) -> bool:
        return self.state == self.State.HELD

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED

    @property
    def has_published_position(self) -> bool:
        """Step 7 taken: the position and the results are published."""
        return self.state == self.State.POSITION_PUBLISHED

    @property
    def accepts_entered_proposals(self) -> bool:
        """Staff may enter proposals received outside the portal: from the announcement until the list is
        formed (step 5 closes the intake; `proposals.services.STAFF_ENTRY_STATES`)."""
        return self.state in (self.State.ANNOUNCED, self.State.HELD)


# What the schedule says of a consultation (its PDF and the council page show them): once public, these change
# only through the schedule's next revision (`ScheduleChange`). The proposal window is the intake's, not the
# schedule's: it moves at once, within the rules of `services.window_problems`.
SCHEDULE_FIELDS = ("title_kk", "title_ru", "occasion", "starts_on", "ends_on", "format", "venue_kk", "venue_ru")
WINDOW_FIELDS = ("window_opens_at", "window_closes_at")
# What the secretary fills in when planning a consultation, besides its occasion (kk and ru for the translated
# ones): the planning form's fields, and all that `services.plan_consultation` and `update_consultation` take.
PLANNING_FIELDS = (
    "title_kk", "title_ru", "description_kk", "description_ru",
    "act_title_kk", "act_title_ru", "act_number", "act_url", "act_drafted_by_kk", "act_drafted_by_ru",
    "social_effect_kk", "social_effect_ru",
    "format", "venue_kk", "venue_ru", "link", "participation_kk", "participation_ru",
    "starts_on", "ends_on", *WINDOW_FIELDS,
)  # fmt: skip


class ConsultationPart:
    """A model whose rows are parts of a consultation (a `consultation` field): of its council's content, as the page
    cache asks (common.page_cache keeps some values per council)."""

    def council_pk(self) -> int:
        return self.consultation.council_pk()


class ScheduleChangeQuerySet(models.QuerySet):
    def pending(self):
        """Waiting for their revision to be approved and published."""
        return self.filter(applied_at__isnull=True)

    def applied(self):
        return self.filter(applied_at__isnull=False)


class ScheduleChange(ConsultationPart, models.Model):
    """The secretary's change to what a published schedule says of a consultation (its title, dates, proposal
    window, format or venue). It belongs to the schedule's next revision and is applied to the consultation
    when that revision, approved at a quorate meeting, is published; until then the consultation — its page,
    the council page and the schedule's PDF — keeps what was published (DESIGN.md, "Quarterly schedule").

    `values` and `replaced` hold the changed fields only, as JSON (dates and times in ISO 8601)."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("public consultation"), on_delete=models.CASCADE, related_name="schedule_changes"
    )
    revision = models.PositiveSmallIntegerField(_("revision"))
    values = models.JSONField(_("new values"))
    replaced = models.JSONField(_("values it replaces"))
    reason = models.TextField(_("reason for the change"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    objects = ScheduleChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("change for the schedule's next revision")
        verbose_name_plural = _("changes for the schedule's next revision")
        ordering = ["consultation", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "revision"], name="schedule_change_one_per_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} ({self.revision})"

    @staticmethod
    def encode(value):
        return value.isoformat() if isinstance(value, datetime.date) else value

    @staticmethod
    def decode(name: str, raw):
        return Consultation._meta.get_field(name).to_python(raw)

    def new_values(self) -> dict:
        return {name: self.decode(name, raw) for name, raw in self.values.items()}

    def old_values(self) -> dict:
        return {name: self.decode(name, raw) for name, raw in self.replaced.items()}

    def rows(self) -> list[tuple[str, str, str]]:
        """(what, was, becomes) for each changed field, in the page's language."""
        new, old = self.new_values(), self.old_values()
        return [
            (field_label(name), shown(name, old.get(name)), shown(name, new[name]))
            for name in SCHEDULE_FIELDS
            if name in new
        ]


def field_label(name: str) -> str:
    """A consultation field's label, with its language for the translated ones ("Title — in Kazakh")."""
    base, _sep, language = name.rpartition("_")
    if language in ("kk", "ru") and base in ("title", "venue"):
        label = str(Consultation._meta.get_field(base).verbose_name).capitalize()
        return str({"kk": _("%(label)s — in Kazakh"), "ru": _("%(label)s — in Russian")}[language] % {"label": label})
    return str(Consultation._meta.get_field(name).verbose_name).capitalize()


def shown(name: str, value) -> str:
    """A field's value as a person reads it."""
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    choices = dict(Consultation._meta.get_field(name).flatchoices)
    return str(choices.get(value, value))


def _actions() -> list[tuple[str, str]]:
    """The log's actions by their names (the admin shows the log): the steps of the workflow."""
    from consultations import workflow  # the workflow reads these models

    return [(step.name, step.label) for step in workflow.STEPS.values()]


class ConsultationTransition(ConsultationPart, TransitionLog):
    """One step taken (or undone): who, when it was recorded, the date it happened, from, to, meeting, note."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("public consultation"), on_delete=models.PROTECT, related_name="transitions"
    )
    name = models.CharField(_("action"), max_length=32, choices=_actions)
    from_state = models.CharField(_("from"), max_length=32, blank=True, choices=Consultation.State.choices)
    to_state = models.CharField(_("to"), max_length=32, choices=Consultation.State.choices)
    # Step 4 taken before the proposal window opened moves its start; closing the intake early moves its end:
    # what it was before, kept to say so publicly ("opened earlier than planned, on …").
    window_moved_from = models.DateTimeField(_("the proposal window was planned for"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation log entry")
        verbose_name_plural = _("consultation log")
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["consultation", "to_state"], name="transition_consultation_to")]

    def __str__(self) -> str:
        return f"{self.consultation}: {self.get_from_state_display() or '—'} → {self.get_to_state_display()}"

    # What the log says of the steps bound to the proposal window, and of a step back (`workflow.STEPS`).
    @property
    def opened_intake(self) -> bool:
        return self.name == "open_intake"

    @property
    def closed_intake(self) -> bool:
        return self.name == "close_intake"

    @property
    def stepped_back(self) -> bool:
        return self.name == "step_back"


class Question(ConsultationPart, models.Model):
    """A question put to citizens (step 2: the list of questions)."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("public consultation"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.TextField(_("question"))

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("list of questions")
        ordering = ["consultation", "position", "id"]

    def __str__(self) -> str:
        return self.text


class InformationRequest(ConsultationPart, models.Model):
    """A request for additional information sent to a state body during public expertise, and its answer."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("public consultation"), on_delete=models.CASCADE,
        related_name="information_requests",
    )  # fmt: skip
    addressee = models.CharField(_("state body"), max_length=300)
    subject = models.TextField(_("what was requested"))
    requested_on = models.DateField(_("requested on"))
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for additional information")
        verbose_name_plural = _("requests for additional information")
        ordering = ["consultation", "requested_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=models.F("requested_on")),
                name="information_request_answer_after_request",
                violation_error_message=_("An answer cannot come before the request."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.addressee}, {self.requested_on:%d.%m.%Y}"


class DocumentQuerySet(models.QuerySet):
    def in_order(self):
        """The draft act first, then its explanatory note, presentations, the rest; each kind as added."""
        order = models.Case(
            *(models.When(kind=kind, then=n) for n, kind in enumerate(Document.Kind.values)),
            output_field=models.IntegerField(),
        )
        return self.order_by(order, "id")


class Document(ConsultationPart, models.Model):
    """A file attached to a consultation: the draft act, its explanatory note, a presentation.

    Written only by `consultations.attachments` (the file checked by its content, stored under a generated
    name); `content_type` and `size` are those of the file as detected when it was uploaded."""

    class Kind(models.TextChoices):
        # In the order the public page lists them.
        DRAFT_ACT = "draft_act", _("draft legal act")
        EXPLANATORY_NOTE = "explanatory_note", _("explanatory note")
        PRESENTATION = "presentation", _("presentation")
        OTHER = "other", _("other document")

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("public consultation"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind of document"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=document_path)
    content_type = models.CharField(_("type of file"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size, bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # When the current file was uploaded: set again when the file is replaced.
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["consultation", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def file_kind(self) -> uploads.FileKind | None:
        """What the file is, as detected when it was uploaded (None for a type no page allows)."""
        return _FILE_KINDS.get(self.content_type)

    @property
    def type_label(self) -> str:
        """The file's type as people name it: PDF, DOCX, ODT, XLSX."""
        kind = self.file_kind
        return kind.code.upper() if kind else ""

    @property
    def type_and_size(self) -> str:
        """What the lists say of the file beside its title: "PDF, 150,0 KB" (the size as `filesizeformat`
        writes it, in the current language)."""
        return ", ".join(part for part in (self.type_label, filesizeformat(self.size)) if part)


_FILE_KINDS = {kind.content_type: kind for kind in (*uploads.DOCUMENT_KINDS, *uploads.SCAN_KINDS)}


class Recommendation(ConsultationPart, models.Model):
    """Step 6, draft legal acts only: the council's draft recommendation, as numbered points.

    Once adopted it is sent to the state body, which answers point by point (Law "On Public Control",
    art. 13: 7 working days to send, 10 to answer).
    """

    consultation = models.OneToOneField(
        Consultation, verbose_name=_("public consultation"), on_delete=models.CASCADE, related_name="recommendation"
    )
    introduction = models.TextField(_("introduction"), blank=True)
    sent_on = models.DateField(_("sent to the state body on"), null=True, blank=True)
    answer_received_on = models.DateField(_("the state body's answer received on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("draft recommendation of the council")
        verbose_name_plural = _("draft recommendations of the council")
        constraints = [
            models.CheckConstraint(
                condition=Q(answer_received_on__isnull=True)
                | (Q(sent_on__isnull=False) & Q(answer_received_on__gte=models.F("sent_on"))),
                name="recommendation_answer_after_sending",
                violation_error_message=_("The answer cannot come before the recommendation was sent."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.consultation)


class RecommendationPoint(models.Model):
    class Answer(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        PARTLY = "partly", _("partly accepted")
        REJECTED = "rejected", _("rejected")

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("draft recommendation of the council"), on_delete=models.CASCADE,
        related_name="points",
    )  # fmt: skip
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    answer = models.CharField(_("the state body's answer"), max_length=10, choices=Answer.choices, blank=True)
    answer_reasons = models.TextField(_("the state body's reasons"), blank=True)

    class Meta:
        verbose_name = _("point of the recommendation")
        verbose_name_plural = _("points of the recommendation")
        ordering = ["recommendation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "number"], name="recommendation_point_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    def council_pk(self) -> int:
        return self.recommendation.council_pk()


class Position(ConsultationPart, models.Model):
    """Step 7: the council's position on the results."""

    consultation = models.OneToOneField(
        Consultation, verbose_name=_("public consultation"), on_delete=models.CASCADE, related_name="position"
    )
    text = models.TextField(_("position"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("position of the council")
        verbose_name_plural = _("positions of the council")

    def __str__(self) -> str:
        return str(self.consultation)


def rendered_document_path(document: RenderedDocument, filename: str) -> str:
    return f"documents/{document.kind}/{filename}"


class RenderedDocument(models.Model):
    """A PDF Qogam publishes: the schedule, the list of proposals with decisions, the recommendation, the
    position. Its data is frozen when it is made (at publication, or for a preview when asked), and the
    file, rendered once by a task, is served unchanged afterwards."""

    class Kind(models.TextChoices):
        SCHEDULE = "schedule", _("schedule of public consultations")
        PROPOSALS = "proposals", _("list of proposals with decisions")
        RECOMMENDATION = "recommendation", _("draft recommendation of the council")
        POSITION = "position", _("position of the council with the results")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        RENDERING = "rendering", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("document"), max_length=16, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=4, choices=Council.DocumentLanguage.choices)
    schedule = models.ForeignKey(
        QuarterlySchedule, verbose_name=_("schedule of public consultations"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="documents",
    )  # fmt: skip
    consultation = models.ForeignKey(
        Consultation, verbose_name=_("public consultation"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="rendered_documents",
    )  # fmt: skip
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    # Frozen at publication: served to the public. A preview is the secretary's, made on request.
    is_published = models.BooleanField(_("published"), default=False)
    data = models.JSONField(_("data as published"))
    file = models.FileField(_("file"), upload_to=rendered_document_path, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    # When the render last moved (its start, each part): a render that stops moving lost its worker.
    progress_at = models.DateTimeField(_("progress at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)

    class Meta:
        verbose_name = _("PDF document")
        verbose_name_plural = _("PDF documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(schedule__isnull=False) | Q(consultation__isnull=False),
                name="rendered_document_has_subject",
            ),
            models.UniqueConstraint(
                fields=["kind", "language", "schedule", "consultation", "revision"],
                condition=Q(is_published=True),
                name="rendered_document_published_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_language_display()})"

    def council_pk(self) -> int:
        return self.consultation.council_pk() if self.consultation_id else self.schedule.council_id

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY

    @property
    def has_failed(self) -> bool:
        return self.state == self.State.FAILED

    @property
    def is_in_progress(self) -> bool:
        """Waiting for the task or being rendered: the page showing it refreshes itself."""
        return self.state in (self.State.PENDING, self.State.RENDERING)


class CompliancePolicy(models.Model):
    """The ministry's policy numbers for the compliance review (DESIGN.md, "Quarterly compliance"): no law
    sets them, so they are data, edited in the admin. One row."""

    schedule_day = models.PositiveSmallIntegerField(
        _("the schedule is approved and published by this day of the quarter"), default=15
    )
    list_days = models.PositiveSmallIntegerField(
        _("days after the window closes to form the list of proposals"), default=10
    )
    recommendation_days = models.PositiveSmallIntegerField(
        _("days after the list to draft the recommendation"), default=10
    )
    results_days = models.PositiveSmallIntegerField(
        _("days after the window closes to publish the results"), default=30
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("compliance policy")
        verbose_name_plural = _("compliance policy")

    def __str__(self) -> str:
        return str(_("Compliance policy"))

    @classmethod
    def current(cls) -> CompliancePolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class ComplianceRuleBasis(models.Model):
    """The basis of a compliance rule (the recommendations, or an article of a law), shown beside it and
    edited in the admin as the law changes."""

    code = models.SlugField(_("rule"), max_length=40, unique=True)
    basis = models.TextField(_("basis"))

    class Meta:
        verbose_name = _("basis of a compliance rule")
        verbose_name_plural = _("bases of the compliance rules")
        ordering = ["id"]

    def __str__(self) -> str:
        from consultations.compliance import TITLES  # the rules read these models

        return str(TITLES.get(self.code, self.code))


class Reminder(models.Model):
    """A reminder mailed to a council's secretary and chair: at most one a day per council."""

    council = models.ForeignKey(
        Council, verbose_name=_("public council"), on_delete=models.CASCADE, related_name="reminders"
    )
    sent_on = models.DateField(_("sent on"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_on"]
        constraints = [models.UniqueConstraint(fields=["council", "sent_on"], name="reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.council} — {self.sent_on}"
