"""The admin site's own words (Django's Kazakh catalogue names it «Даңғо сайтының әкімі») and the base classes
of the project's admins."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Qogam: administration")
admin.site.site_title = _("Qogam administration")
admin.site.index_title = _("Public councils and their consultations")


class ReadOnlyAdmin(admin.ModelAdmin):
    """For logs and records that nobody edits by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline:
    """Mixin for inlines that only show rows."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CouncilContentAdmin(admin.ModelAdmin):
    """Council content is made in the workspace, through its services; the admin shows it and lets a
    superuser correct text, never add or delete it (ministry staff hold view permission only)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
