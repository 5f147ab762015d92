"""The user admin. Superusers keep Django's. Every other staff user — the ministry — works on council accounts
only (DESIGN.md, "Who acts"): opens one for a council's person, with the set-password mail; deactivates and
reactivates it; sends the mail again. Never a staff or superuser flag, a group or a permission, never their own
account, another ministry account or a superuser's, and never a deletion.

The group permissions (workspace/roles.py) only let the admin show "Users"; the limits are enforced here, in the
queryset, the forms and the permission hooks, whatever permissions a group is given.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common.errors import ActionRefused
from common.forms import DateInput
from councils import ordering
from councils.models import Council, Membership

from .accounts import (
    council_accounts,
    open_council_account,
    queue_set_password_mail,
    set_accounts_active,
    unlinked_memberships,
)

User = get_user_model()


def email_taken(email: str, *, other_than=None) -> bool:
    """Whether another account has this address: password reset mails go to every account of an address."""
    others = User.objects.filter(email__iexact=email)
    if other_than is not None:
        others = others.exclude(pk=other_than.pk)
    return others.exists()


EMAIL_TAKEN = _(
    "Another account already has this email. A person has one account: to give them a place in one more council,"
    " choose their account for that person on the council's page."
)


class CouncilAccountCreationForm(forms.ModelForm):
    """Open a council account: its user name and email, the council and role, and the person — one of the
    council's people who has no account yet, or a new person named in Kazakh and Russian."""

    council = ordering.GroupedModelChoiceField(queryset=Council.objects.active(), label=_("public council"))
    role = forms.ChoiceField(label=_("role"), choices=Membership.Role.choices)
    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label=_("person of the council"),
        help_text=_(
            "One of the council's people who has no account yet. The list shows the people of the chosen council:"
            " if it is empty, choose the council and save. If the person is not there, leave it empty and name them"
            " below."
        ),
    )
    full_name_kk = forms.CharField(label=_("full name in Kazakh"), max_length=200, required=False)
    full_name_ru = forms.CharField(label=_("full name in Russian"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("kind of member"),
        choices=[("", _("Choose")), *Membership.Kind.choices],
        required=False,
        help_text=_("For the chair, the deputy chair and members; the secretary belongs to the working body."),
    )
    # The browser's own date picker: the admin's calendar speaks only what Django's JavaScript catalogue has.
    started_on = forms.DateField(label=_("member since"), initial=timezone.localdate, required=False, widget=DateInput)

    class Meta:
        model = User
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The mail with the link to set the password is sent there.")
        council = self.data.get("council") if self.is_bound else self.initial.get("council")
        if str(council or "").isdigit():
            self.fields["membership"].queryset = unlinked_memberships(int(council)).order_by("role", "full_name")

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(
                _("An account with this user name already exists. Choose another user name."), code="unique"
            )
        return username

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email_taken(email):
            raise ValidationError(EMAIL_TAKEN, code="unique")
        return email

    def clean(self):
        data = super().clean()
        role, membership = data.get("role"), data.get("membership")
        named = data.get("full_name_kk") or data.get("full_name_ru")
        if membership is not None:
            if role and membership.role != role:
                self.add_error(
                    "role",
                    _("%(name)s is the council's %(role)s: choose that role, or name a new person below.")
                    % {"name": membership.full_name, "role": membership.get_role_display()},
                )
            if named:
                self.add_error(None, _("Either choose one of the council's people or name a new person, not both."))
            return data
        if "council" not in data or not role:
            return data
        for field in ("full_name_kk", "full_name_ru"):
            if not data.get(field):
                self.add_error(
                    field,
                    _(
                        "Name the new person in Kazakh and in Russian, or choose one of the council's people"
                        " who has no account yet."
                    ),
                )
        if role != Membership.Role.SECRETARY and not data.get("kind"):
            self.add_error(
                "kind",
                _("Choose the kind of member: civil society, state body or quasi-public sector."),
            )
        return data

    def account_fields(self) -> dict:
        """The arguments of accounts.open_council_account."""
        data = self.cleaned_data
        return {
            "username": data["username"],
            "email": data["email"],
            "council": data["council"],
            "role": data["role"],
            "membership": data.get("membership"),
            "full_name_kk": data.get("full_name_kk", ""),
            "full_name_ru": data.get("full_name_ru", ""),
            "kind": data.get("kind", ""),
            "started_on": data.get("started_on"),
        }


class CouncilAccountChangeForm(forms.ModelForm):
    """What ministry staff may change in a council account: its user name, email, and whether it is active."""

    class Meta:
        model = User
        fields = ("username", "email", "is_active")

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email != self.instance.email and self.instance.has_usable_password():
            # Reset mails go to this address: changing it would hand the account to whoever reads the new one.
            raise ValidationError(
                _("Its holder has set a password: deactivate this account and open a new one for the new address."),
                code="email_locked",
            )
        if email and email_taken(email, other_than=self.instance):
            raise ValidationError(EMAIL_TAKEN, code="unique")
        return email


class CouncilAccountAdmin(UserAdmin):
    """Django's UserAdmin, which a superuser keeps whole; restricted for every other staff user."""

    actions = ("send_set_password_mail", "deactivate", "reactivate")
    council_account_add_fieldsets = (
        (None, {"fields": ("username", "email")}),
        (_("Place in the council"), {"fields": ("council", "role", "membership")}),
        (
            _("A new person of the council"),
            {
                "fields": ("full_name_kk", "full_name_ru", "kind", "started_on"),
                "description": _("Only when the person is not in the list of the council's people above."),
            },
        ),
    )
    council_account_fieldsets = (
        (None, {"fields": ("username", "email", "is_active")}),
        (_("Place in the council"), {"fields": ("council_roles",)}),
        (_("Signing in"), {"fields": ("password_set", "last_login", "date_joined")}),
    )

    # -----------------------------------------------------------------------------------------------------
    # Who sees what

    @staticmethod
    def restricted(request) -> bool:
        return not request.user.is_superuser

    def opens_council_account(self, request) -> bool:
        """Whether the add form is the council account's: always for ministry staff; for a superuser when
        opened for a council (the link on a council's page)."""
        return self.restricted(request) or "council" in request.GET or "council" in request.POST

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("memberships", queryset=Membership.objects.select_related("council").order_by("started_on"))
            )
        )
        if self.restricted(request):
            queryset = queryset.filter(pk__in=council_accounts().values("pk")).exclude(pk=request.user.pk)
        return queryset

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and self.restricted(request):
            # An account that is not theirs to see has no page for them (Django would redirect, saying it does
            # not exist — which, for a superuser's id, would not even be true).
            raise Http404
        return obj

    def may_touch(self, request, obj) -> bool:
        if obj is None or not self.restricted(request):
            return True
        return obj.pk != request.user.pk and council_accounts().filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.may_touch(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_touch(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Ministry staff deactivate an account instead: its history (the log, the memberships) stays whole.
        return not self.restricted(request) and super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if self.restricted(request):
            # Nobody at the ministry knows a council account's password: its holder sets it from the mail.
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    # -----------------------------------------------------------------------------------------------------
    # Lists and forms

    def get_list_display(self, request):
        if self.restricted(request):
            return ("username", "email", "council_roles", "is_active", "password_set", "last_login")
        return super().get_list_display(request)

    def get_list_filter(self, request):
        if self.restricted(request):
            return ("is_active", "memberships__role", "memberships__council__level")
        return super().get_list_filter(request)

    def get_search_fields(self, request):
        if self.restricted(request):
            return (
                "username",
                "email",
                "memberships__full_name_kk",
                "memberships__full_name_ru",
                "memberships__council__name_kk",
                "memberships__council__name_ru",
            )
        return super().get_search_fields(request)

    def get_fieldsets(self, request, obj=None):
        if obj is None and self.opens_council_account(request):
            return self.council_account_add_fieldsets
        if obj is not None and self.restricted(request):
            return self.council_account_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self.restricted(request):
            return ("council_roles", "password_set", "last_login", "date_joined")
        return super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and self.opens_council_account(request):
            kwargs["form"] = CouncilAccountCreationForm
        elif self.restricted(request):
            kwargs["form"] = CouncilAccountChangeForm
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=_("place in the council"))
    def council_roles(self, user):
        rows = []
        for membership in user.memberships.all():
            until = ""
            if membership.ended_on is not None:
                until = gettext(" (until %(date)s)") % {"date": membership.ended_on.strftime("%d.%m.%Y")}
            link = reverse("admin:councils_council_change", args=[membership.council_id])
            rows.append((link, membership.council, membership.get_role_display(), until))
        if not rows:
            return "—"
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>: {}{}', rows)

    @admin.display(description=_("password set"), boolean=True)
    def password_set(self, user):
        return user.has_usable_password()

    # -----------------------------------------------------------------------------------------------------
    # Opening an account

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "opens_council_account": self.opens_council_account(request)}
        try:
            return super().add_view(request, form_url, extra_context)
        except ActionRefused as refused:  # someone else was quicker; the transaction was rolled back
            for message in refused.messages:
                self.message_user(request, message, messages.ERROR)
            return redirect(request.get_full_path())

    def save_form(self, request, form, change):
        if isinstance(form, CouncilAccountCreationForm):
            return open_council_account(**form.account_fields())
        return super().save_form(request, form, change)

    def save_model(self, request, obj, form, change):
        if isinstance(form, CouncilAccountCreationForm):  # saved by open_council_account
            self.message_user(
                request,
                gettext("A mail with the link to set the password is on its way to %(email)s.") % {"email": obj.email},
                messages.SUCCESS,
            )
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not isinstance(form, CouncilAccountCreationForm):
            super().save_related(request, form, formsets, change)

    # -----------------------------------------------------------------------------------------------------
    # Actions

    @admin.action(description=_("Send the set-password mail again"), permissions=["change"])
    def send_set_password_mail(self, request, queryset):
        sent = 0
        for user in queryset:
            try:
                queue_set_password_mail(user)
            except ActionRefused as refused:
                for message in refused.messages:
                    self.message_user(request, message, messages.WARNING)
                continue
            sent += 1
            self.log_change(request, user, gettext("Sent the set-password mail."))
        if sent:
            self.message_user(
                request,
                ngettext(
                    "The set-password mail is on its way to %(count)d account.",
                    "The set-password mail is on its way to %(count)d accounts.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )

    @admin.action(description=_("Deactivate the selected accounts"), permissions=["change"])
    def deactivate(self, request, queryset):
        changed = self.set_active(request, queryset, active=False)
        self.message_user(
            request,
            ngettext(
                "%(count)d account deactivated: its holder can no longer sign in. The memberships stay as they are.",
                "%(count)d accounts deactivated: their holders can no longer sign in. The memberships stay as they"
                " are.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reactivate the selected accounts"), permissions=["change"])
    def reactivate(self, request, queryset):
        changed = self.set_active(request, queryset, active=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d account reactivated: its holder can sign in again.",
                "%(count)d accounts reactivated: their holders can sign in again.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )

    def set_active(self, request, queryset, *, active: bool) -> int:
        changed = set_accounts_active(queryset.exclude(pk=request.user.pk), active=active)
        with translation.override(None):  # the log stores field names in English and shows them translated
            label = str(User._meta.get_field("is_active").verbose_name)
        for user in changed:
            self.log_change(request, user, [{"changed": {"fields": [label]}}])
        return len(changed)


# Users: Django's user admin for superusers, restricted to council accounts for the ministry.
admin.site.unregister(User)
admin.site.register(User, CouncilAccountAdmin)
