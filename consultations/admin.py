"""The admin shows schedules, consultations and their logs; it performs no transition (DESIGN.md, "Who acts")."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from common.admin import CouncilContentAdmin, ReadOnlyAdmin, ReadOnlyInline
from councils.admin import InAlphabeticalOrder

from .models import (
    CompliancePolicy,
    ComplianceRuleBasis,
    Consultation,
    ConsultationTransition,
    Document,
    InformationRequest,
    Position,
    QuarterlySchedule,
    Question,
    Recommendation,
    RecommendationPoint,
    Reminder,
    RenderedDocument,
    ScheduleChange,
    ScheduleTransition,
)

LOG_FIELDS = ("occurred_on", "from_state", "to_state", "meeting", "by", "recorded_at", "note")


class ScheduleTransitionInline(ReadOnlyInline, admin.TabularInline):
    model = ScheduleTransition
    fields = ("revision", *LOG_FIELDS)
    readonly_fields = fields
    show_change_link = False


class ScheduledConsultationInline(ReadOnlyInline, admin.TabularInline):
    model = Consultation
    fields = ("number", "title", "occasion", "state", "revision")
    readonly_fields = fields
    verbose_name_plural = _("consultations in the schedule")


@admin.register(QuarterlySchedule)
class QuarterlyScheduleAdmin(CouncilContentAdmin):
    list_display = ("council", "year", "quarter", "state", "revision", "published_revision")
    list_filter = ("year", "quarter", "state", "council__level", ("council__region", InAlphabeticalOrder))
    search_fields = ("council__name_kk", "council__name_ru", "council__slug")
    list_select_related = ("council",)
    readonly_fields = ("council", "year", "quarter", "state", "revision", "published_revision")
    inlines = [ScheduledConsultationInline, ScheduleTransitionInline]


class QuestionInline(TranslationTabularInline):
    model = Question
    extra = 0
    fields = ("position", "text")


# A consultation's documents are uploaded, replaced and removed in the workspace, where the file is judged by
# its content (consultations.attachments); the admin shows them, and a superuser may correct a title or kind.
DOCUMENT_FILE_FIELDS = ("file", "content_type", "size", "uploaded_by", "uploaded_at")


class DocumentInline(TranslationTabularInline):
    model = Document
    extra = 0
    fields = ("kind", "title", *DOCUMENT_FILE_FIELDS)
    readonly_fields = DOCUMENT_FILE_FIELDS
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class InformationRequestInline(TranslationStackedInline):
    model = InformationRequest
    extra = 0


class ConsultationTransitionInline(ReadOnlyInline, admin.TabularInline):
    model = ConsultationTransition
    # The action says which step it was; the state it left and when it was recorded are one click away, on the
    # entry's own page (eight columns did not fit the page once the states were named in words).
    fields = ("name", *(f for f in LOG_FIELDS if f not in ("from_state", "recorded_at")))
    readonly_fields = fields
    verbose_name_plural = _("log of steps")


class ScheduleChangeInline(ReadOnlyInline, admin.TabularInline):
    model = ScheduleChange
    fields = ("revision", "replaced", "values", "reason", "by", "created_at", "applied_at")
    readonly_fields = fields
    show_change_link = False


@admin.register(Consultation)
class ConsultationAdmin(TranslationAdmin, CouncilContentAdmin):
    list_display = ("title", "council_name", "year", "quarter", "occasion", "state")
    list_filter = (
        "state",
        "occasion",
        "schedule__year",
        "schedule__quarter",
        "schedule__council__level",
        ("schedule__council__region", InAlphabeticalOrder),
    )
    search_fields = (
        "title_kk",
        "title_ru",
        "slug",
        "act_number",
        "schedule__council__name_kk",
        "schedule__council__name_ru",
    )
    list_select_related = ("schedule__council",)
    readonly_fields = ("schedule", "number", "revision", "slug", "state")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "schedule",
                    "number",
                    "revision",
                    "slug",
                    "state",
                    "occasion",
                    "title",
                    "description",
                )
            },
        ),
        (
            _("The draft legal act"),
            {"fields": ("act_title", "act_number", "act_url", "act_drafted_by", "social_effect")},
        ),
        (
            _("Holding the consultation"),
            {
                "fields": (
                    "format",
                    "venue",
                    "link",
                    "participation",
                    "starts_on",
                    "ends_on",
                    "window_opens_at",
                    "window_closes_at",
                )
            },
        ),
        (_("Cancellation"), {"fields": ("cancellation_reason",)}),
    )
    inlines = [
        QuestionInline,
        DocumentInline,
        InformationRequestInline,
        ScheduleChangeInline,
        ConsultationTransitionInline,
    ]

    @admin.display(description=_("public council"), ordering="schedule__council__slug")
    def council_name(self, consultation):
        return consultation.schedule.council.name

    @admin.display(description=_("year"), ordering="schedule__year")
    def year(self, consultation):
        return consultation.schedule.year

    @admin.display(description=_("quarter"), ordering="schedule__quarter")
    def quarter(self, consultation):
        return consultation.schedule.quarter


@admin.register(ConsultationTransition)
class ConsultationTransitionAdmin(ReadOnlyAdmin):
    list_display = ("consultation", "name", "from_state", "to_state", "occurred_on", "by", "recorded_at")
    list_filter = ("name", "to_state")
    search_fields = ("consultation__title_kk", "consultation__title_ru", "consultation__slug")
    list_select_related = ("consultation", "by")
    date_hierarchy = "occurred_on"


@admin.register(ScheduleChange)
class ScheduleChangeAdmin(ReadOnlyAdmin):
    list_display = ("consultation", "revision", "by", "created_at", "applied_at")
    list_filter = ("applied_at",)
    search_fields = ("consultation__title_kk", "consultation__title_ru", "consultation__slug")
    list_select_related = ("consultation", "by")
    readonly_fields = ("consultation", "revision", "replaced", "values", "reason", "by", "created_at", "applied_at")
    fields = readonly_fields


@admin.register(ScheduleTransition)
class ScheduleTransitionAdmin(ReadOnlyAdmin):
    list_display = (
        "schedule",
        "revision",
        "from_state",
        "to_state",
        "occurred_on",
        "meeting",
        "by",
        "recorded_at",
    )
    list_filter = ("to_state",)
    list_select_related = ("schedule__council", "meeting__council", "by")
    date_hierarchy = "occurred_on"


@admin.register(Question)
class QuestionAdmin(TranslationAdmin, CouncilContentAdmin):
    list_display = ("text", "consultation", "position")
    search_fields = ("text_kk", "text_ru")
    list_select_related = ("consultation",)
    readonly_fields = ("consultation",)


@admin.register(InformationRequest)
class InformationRequestAdmin(TranslationAdmin, CouncilContentAdmin):
    list_display = ("addressee", "consultation", "requested_on", "answered_on")
    search_fields = ("addressee_kk", "addressee_ru", "subject_kk", "subject_ru")
    list_select_related = ("consultation",)
    readonly_fields = ("consultation",)


@admin.register(Document)
class DocumentAdmin(TranslationAdmin, CouncilContentAdmin):
    list_display = ("title", "kind", "consultation", "content_type", "size", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("title_kk", "title_ru", "consultation__slug")
    list_select_related = ("consultation",)
    readonly_fields = ("consultation", *DOCUMENT_FILE_FIELDS, "created_at")


class RecommendationPointInline(TranslationStackedInline):
    model = RecommendationPoint
    extra = 0


@admin.register(Recommendation)
class RecommendationAdmin(TranslationAdmin, CouncilContentAdmin):
    list_display = ("consultation", "sent_on", "answer_received_on")
    search_fields = ("consultation__title_kk", "consultation__title_ru")
    list_select_related = ("consultation",)
    readonly_fields = ("consultation",)
    inlines = [RecommendationPointInline]


@admin.register(RecommendationPoint)
class RecommendationPointAdmin(TranslationAdmin, CouncilContentAdmin):
    list_display = ("recommendation", "number", "answer")
    list_filter = ("answer",)
    search_fields = ("text_kk", "text_ru")
    readonly_fields = ("recommendation",)


@admin.register(Position)
class PositionAdmin(TranslationAdmin, CouncilContentAdmin):
    list_display = ("consultation", "updated_at")
    search_fields = ("consultation__title_kk", "consultation__title_ru", "text_kk", "text_ru")
    list_select_related = ("consultation",)
    readonly_fields = ("consultation",)


@admin.register(RenderedDocument)
class RenderedDocumentAdmin(ReadOnlyAdmin):
    list_display = ("kind", "consultation", "schedule", "language", "is_published", "state", "pages", "created_at")
    list_filter = ("kind", "is_published", "state", "language")
    list_select_related = ("consultation", "schedule__council")
    exclude = ("data",)


@admin.register(CompliancePolicy)
class CompliancePolicyAdmin(admin.ModelAdmin):
    """The ministry's policy numbers: one row, changed, never added or deleted."""

    list_display = ("__str__", "schedule_day", "list_days", "recommendation_days", "results_days", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ComplianceRuleBasis)
class ComplianceRuleBasisAdmin(TranslationAdmin):
    list_display = ("rule", "basis")
    readonly_fields = ("rule",)
    exclude = ("code",)

    @admin.display(description=_("rule"))
    def rule(self, basis):
        return str(basis)  # the rule's title

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("council", "sent_on")
    list_filter = ("sent_on",)
    list_select_related = ("council",)
