from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from common.admin import CouncilContentAdmin, ReadOnlyAdmin, ReadOnlyInline

from .models import ConsentText, Proposal, ProposalEvent, ProposalVector, ReferenceCounter, SimilarGroup


@admin.register(ConsentText)
class ConsentTextAdmin(TranslationAdmin):
    list_display = ("version", "operator", "effective_from")
    search_fields = ("text_kk", "text_ru", "operator_kk", "operator_ru")

    def get_readonly_fields(self, request, obj=None):
        # A version once shown to citizens is evidence: publish a new version instead of editing it.
        if obj is not None:
            return [f.name for f in self.model._meta.fields]
        return []


class ProposalEventInline(ReadOnlyInline, admin.TabularInline):
    model = ProposalEvent
    fields = ("at", "action", "by", "note")
    readonly_fields = fields
    show_change_link = False


@admin.register(Proposal)
class ProposalAdmin(TranslationAdmin, CouncilContentAdmin):
    list_display = (
        "reference",
        "consultation",
        "channel",
        "language",
        "moderation",
        "decision",
        "submitted_at",
    )
    list_filter = ("moderation", "decision", "channel", "language", "author_kind", "set_aside_reason")
    search_fields = (
        "reference",
        "text",
        "author_name",
        "organisation",
        "consultation__title_kk",
        "consultation__title_ru",
    )
    list_select_related = ("consultation",)
    date_hierarchy = "submitted_at"
    readonly_fields = (
        "reference",
        "consultation",
        "channel",
        "moderation",
        "set_aside_reason",
        "duplicate_of",
        "consent_text",
        "consent_given_at",
        "consent_operator",
        "decided_at",
        "decided_by",
        "submitted_at",
        "entered_by",
        "question",
        "reception",
        "answer_queued_at",
        "answered_by_phone_on",
        "similar_group",
        "similarity",
        "compared_at",
        "kept_apart",
    )
    inlines = [ProposalEventInline]

    def lookup_allowed(self, lookup, value, request=None):
        # Not even a filter in the address may reveal a contact to anyone but a superuser.
        if lookup.split("__")[0] == "contact" and not (request and request.user.is_superuser):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_readonly_fields(self, request, obj=None):
        # The answer mail names its recipient: superusers only, as the contact.
        if request.user.is_superuser:
            return (*self.readonly_fields, "answer_mail")
        return self.readonly_fields

    def get_exclude(self, request, obj=None):
        # A citizen's contact is seen by the council's secretary and chair, and superusers; never by
        # ministry staff (DESIGN.md, Proposal).
        if request.user.is_superuser:
            return ("recommendation_points",)
        return ("contact", "answer_mail", "recommendation_points")


@admin.register(ProposalEvent)
class ProposalEventAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "action", "by", "at")
    list_filter = ("action",)
    search_fields = ("proposal__reference",)
    list_select_related = ("proposal", "by")


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdmin):
    list_display = ("year", "last_number")


@admin.register(ProposalVector)
class ProposalVectorAdmin(ReadOnlyAdmin):
    """Which proposals the similarity model has read, with which backend (the vector itself says nothing to a
    person)."""

    list_display = ("proposal", "backend", "computed_at")
    list_filter = ("backend",)
    search_fields = ("proposal__reference",)
    list_select_related = ("proposal",)
    exclude = ("vector",)


@admin.register(SimilarGroup)
class SimilarGroupAdmin(ReadOnlyAdmin):
    """The groups of similar proposals (the secretary works with them in the workspace's inbox)."""

    list_display = ("__str__", "consultation", "leader", "created_at", "split_at")
    search_fields = ("leader__reference",)
    list_select_related = ("consultation", "leader")
