from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from common.admin import CouncilContentAdmin

from . import ordering
from .forms import ProtocolFilesForm
from .models import Council, Meeting, Membership, Reception, Region, membership_warnings


class InAlphabeticalOrder(admin.RelatedFieldListFilter):
    """A list filter of regions or councils, by level and in the alphabet of the admin's language."""

    def field_choices(self, field, request, model_admin):
        objects = field.related_model.objects.all()
        in_order = ordering.regions(objects) if field.related_model is Region else ordering.councils(objects)
        return [(obj.pk, str(obj)) for obj in in_order]


@admin.register(Region)
class RegionAdmin(TranslationAdmin):
    list_display = ("name", "kind", "centre", "slug")
    list_filter = ("kind",)
    search_fields = ("name_kk", "name_ru", "slug")


class CouncilAccounts:
    """A council's people may be linked to council accounts only: never to a staff account (the ministry's
    own, or a superuser's), which would let its holder act for the council."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = (
                get_user_model().objects.filter(is_staff=False, is_superuser=False).order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "user" and hasattr(formfield.widget, "can_add_related"):
            # An account is opened in the user admin, which also mails its holder the link to set a password.
            formfield.widget.can_add_related = False
        return formfield


class MembershipInline(CouncilAccounts, TranslationTabularInline):
    model = Membership
    extra = 0
    fields = ("full_name", "role", "kind", "organisation", "started_on", "ended_on", "user")


@admin.register(Council)
class CouncilAdmin(TranslationAdmin):
    list_display = ("name", "level", "region", "is_active", "term_ends_on")
    list_filter = ("level", ("region", InAlphabeticalOrder), "is_active")
    search_fields = ("name_kk", "name_ru", "slug", "state_body_kk", "state_body_ru")
    list_select_related = ("region",)
    inlines = [MembershipInline]
    readonly_fields = ("warnings", "accounts")
    fieldsets = (
        (None, {"fields": ("warnings", "name", "slug", "level", "region", "state_body", "is_active")}),
        (_("Accounts"), {"fields": ("accounts",)}),
        (_("Contacts"), {"fields": ("address", "phone", "email", "website", "telegram_chat_id")}),
        (
            _("Term of office and documents"),
            {"fields": ("term_starts_on", "term_ends_on", "document_language")},
        ),
    )

    @admin.display(description=_("warnings about the membership"))
    def warnings(self, council):
        found = membership_warnings(council) if council.pk else []
        return format_html_join("", "<p>⚠ {}</p>", ((w,) for w in found)) or "—"

    @admin.display(description=_("accounts of the council's people"))
    def accounts(self, council):
        if not council.pk or not council.is_active:
            return "—"
        return format_html(
            '<a href="{}?council={}">{}</a>',
            reverse("admin:auth_user_add"),
            council.pk,
            _("Open an account for a person of this council"),
        )


@admin.register(Membership)
class MembershipAdmin(CouncilAccounts, TranslationAdmin):
    list_display = ("full_name", "council", "role", "kind", "organisation", "started_on", "ended_on", "user")
    list_filter = ("role", "kind", "council__level")
    search_fields = (
        "full_name_kk",
        "full_name_ru",
        "organisation_kk",
        "organisation_ru",
        "council__name_kk",
        "council__name_ru",
    )
    list_select_related = ("council", "user")
    autocomplete_fields = ("council",)


@admin.register(Meeting)
class MeetingAdmin(TranslationAdmin, CouncilContentAdmin):
    form = ProtocolFilesForm
    list_display = ("date", "council", "protocol_number", "agenda_published_at", "protocol_published_at")
    list_filter = ("council__level", ("council__region", InAlphabeticalOrder))
    date_hierarchy = "date"
    search_fields = ("protocol_number", "agenda_kk", "agenda_ru", "council__name_kk", "council__name_ru")
    list_select_related = ("council",)
    readonly_fields = ("quorum_reached",)
    filter_horizontal = ("attendees",)

    @admin.display(description=_("quorum"))
    def quorum_reached(self, meeting):
        quorum = meeting.quorum()
        verdict = _("quorate") if quorum.reached else _("not quorate")
        return f"{verdict}: {quorum.summary()}"


@admin.register(Reception)
class ReceptionAdmin(TranslationAdmin, CouncilContentAdmin):
    list_display = ("starts_at", "member", "place", "link")
    list_filter = ("member__council__level",)
    search_fields = (
        "member__full_name_kk",
        "member__full_name_ru",
        "place_kk",
        "place_ru",
        "topic_kk",
        "topic_ru",
    )
    list_select_related = ("member__council",)
    date_hierarchy = "starts_at"
