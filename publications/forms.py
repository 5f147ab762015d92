"""The forms of announcements: their texts as the secretary edits them, and subscribing on the public pages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.forms import BilingualForm, DateInput
from councils import ordering
from councils.models import Council, Region

from .models import Delivery, Subscription


class AnnouncementTextForm(BilingualForm, forms.Form):
    """An announcement's title and text in both languages, prepared from a template and editable."""

    title_kk = forms.CharField(label=_("Title"), max_length=255)
    title_ru = forms.CharField(label=_("Title"), max_length=255)
    text_kk = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    text_ru = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))

    TEXTS = ("title_kk", "title_ru", "text_kk", "text_ru")  # the fields above, as the services take them


class RecordedPublicationForm(forms.Form):
    """A publication outside the portal, as the secretary records it. What it must satisfy (a date not in
    the future, a web link, a link or a scan, the scan's real type) is the service's to say."""

    outlet_kind = forms.ChoiceField(
        label=_("Where it was published"), choices=Delivery.OutletKind.choices, widget=forms.RadioSelect
    )
    outlet = forms.CharField(
        label=_("Name of the newspaper, news site or social network"),
        max_length=Delivery._meta.get_field("outlet").max_length,
    )
    link = forms.CharField(
        label=_("Link"),
        max_length=Delivery._meta.get_field("target").max_length,
        required=False,
        help_text=_(
            "The address of the publication (https://…). A printed newspaper may have none: then attach its scan."
        ),
        widget=forms.URLInput,
    )
    published_on = forms.DateField(label=_("Date it appeared"), widget=DateInput)
    scan = forms.FileField(
        label=_("Scan or screenshot"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["scan"].help_text = _("PDF, PNG or JPEG, at most %(limit)s MB.") % {
            "limit": settings.DOCUMENT_MAX_MEGABYTES
        }
        if editing:
            self.fields["remove_scan"] = forms.BooleanField(label=_("Remove the scan"), required=False)


class SubscriptionForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)
    scope = forms.ChoiceField(
        label=_("Announcements of"),
        choices=Subscription.Scope.choices,
        initial=Subscription.Scope.ALL,
        widget=forms.RadioSelect,
    )
    region = ordering.GroupedModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), to_field_name="slug", required=False,
        empty_label=_("Choose a region"), group_by=ordering.kind_of,
    )  # fmt: skip
    council = ordering.GroupedModelChoiceField(
        label=_("Public council"), queryset=Council.objects.active(), to_field_name="slug", required=False,
        empty_label=_("Choose a council"), group_by=ordering.level_of,
    )  # fmt: skip
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
