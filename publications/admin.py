from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from common.admin import CouncilContentAdmin, ReadOnlyAdmin, ReadOnlyInline

from .models import Announcement, Delivery, OutgoingMail, RecordedPublicationChange, Subscription, WebhookEndpoint


class DeliveryInline(ReadOnlyInline, admin.TabularInline):
    model = Delivery
    fields = ("channel", "target", "outlet_kind", "outlet", "state", "attempts", "sent_at", "last_error")
    readonly_fields = fields


@admin.register(Announcement)
class AnnouncementAdmin(TranslationAdmin, CouncilContentAdmin):
    list_display = ("title", "council", "event", "publish_at", "published_at")
    list_filter = ("event", "council__level", "council__region")
    search_fields = ("title_kk", "title_ru", "council__name_kk", "council__name_ru")
    list_select_related = ("council",)
    date_hierarchy = "published_at"
    readonly_fields = ("council", "event", "subject_type", "subject_id", "path", "published_at", "created_by")
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("announcement", "channel", "outlet_kind", "state", "attempts", "sent_at", "last_error")
    list_filter = ("channel", "outlet_kind", "state")
    search_fields = ("announcement__title_kk", "announcement__title_ru", "outlet", "target")
    list_select_related = ("announcement",)
    # The stored file is never served from MEDIA_ROOT: the scan is offered through its own download.
    fields = (
        "announcement", "channel", "target", "outlet_kind", "outlet", "scan_link", "recorded_by", "state",
        "attempts", "last_error", "external_id", "next_attempt_at", "sent_at", "created_at", "updated_at",
    )  # fmt: skip
    readonly_fields = ("scan_link",)

    @admin.display(description=_("scan or screenshot"))
    def scan_link(self, obj):
        if not obj.scan:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("publications:scan", args=[obj.pk]), _("download"))


@admin.register(RecordedPublicationChange)
class RecordedPublicationChangeAdmin(ReadOnlyAdmin):
    """Who recorded, changed or removed a publication outside the portal, and what it was before."""

    list_display = ("recorded_at", "announcement", "action", "by", "was", "became")
    list_filter = ("action",)
    list_select_related = ("announcement", "by")
    date_hierarchy = "recorded_at"
    fields = ("recorded_at", "announcement", "delivery", "action", "by", "was", "became")
    readonly_fields = ("was", "became")

    @admin.display(description=_("before"))
    def was(self, obj):
        return obj.before_text or "—"

    @admin.display(description=_("after"))
    def became(self, obj):
        return obj.after_text or "—"


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    # Addresses are citizens' contacts: only superusers see this list (ministry staff have no permission).
    list_display = ("created_at", "kind", "subject", "language", "state", "attempts", "sent_at")
    list_filter = ("state", "kind", "language")
    date_hierarchy = "created_at"

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Media partners and other networks that receive every announcement, signed with their secret."""

    list_display = ("name", "url", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "url")


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    # Citizens' addresses: superusers only (ministry staff hold no permission on it).
    list_display = ("email", "scope", "council", "region", "language", "confirmed_at", "unsubscribed_at")
    list_filter = ("scope", "language")

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
