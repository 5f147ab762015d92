from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from qogam.admin import CouncilContentAdmin, ReadOnlyAdmin, ReadOnlyInline

from .models import Announcement, Delivery, OutgoingMail, Subscription, WebhookEndpoint


class DeliveryInline(ReadOnlyInline, admin.TabularInline):
    model = Delivery
    fields = ("channel", "target", "outlet", "state", "attempts", "sent_at", "last_error")
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
    list_display = ("announcement", "channel", "state", "attempts", "sent_at", "last_error")
    list_filter = ("channel", "state")
    search_fields = ("announcement__title_kk", "announcement__title_ru", "outlet", "target")
    list_select_related = ("announcement",)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    # Addresses are citizens' contacts: only superusers see this list (ministry staff have no permission).
    list_display = ("created_at", "subject", "language", "state", "attempts", "sent_at")
    list_filter = ("state", "language")
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
