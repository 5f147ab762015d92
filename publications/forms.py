"""The forms of announcements: their texts as the secretary edits them, and subscribing on the public pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from councils.models import Council, Region
from qogam.forms import BilingualForm

from .models import Subscription


class AnnouncementTextForm(BilingualForm, forms.Form):
    """An announcement's title and text in both languages, prepared from a template and editable."""

    title_kk = forms.CharField(label=_("Title"), max_length=255)
    title_ru = forms.CharField(label=_("Title"), max_length=255)
    text_kk = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    text_ru = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))


class SubscriptionForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)
    scope = forms.ChoiceField(
        label=_("Announcements of"),
        choices=Subscription.Scope.choices,
        initial=Subscription.Scope.ALL,
        widget=forms.RadioSelect,
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), to_field_name="slug", required=False
    )
    council = forms.ModelChoiceField(
        label=_("Public council"), queryset=Council.objects.active(), to_field_name="slug", required=False
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"), max_length=200)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == Subscription.Scope.REGION and not data.get("region"):
            self.add_error("region", _("Choose the region."))
        if scope == Subscription.Scope.COUNCIL and not data.get("council"):
            self.add_error("council", _("Choose the public council."))
        return data
