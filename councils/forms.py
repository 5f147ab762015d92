"""Workspace forms for meetings and personal receptions."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.errors import ActionRefused
from common.forms import BilingualForm, DateInput, DateTimeInput, TimeInput

from . import uploads
from .models import Meeting, Membership, Reception


class ProtocolFilesForm(forms.ModelForm):
    """A meeting's signed protocols, in the workspace and in the admin alike: PDFs by their content, at most
    DOCUMENT_MAX_MEGABYTES (stored under names of our own, `councils.models.meeting_document_path`)."""

    def _clean_protocol(self, name):
        file = self.cleaned_data.get(name)
        if name in self.files and file:
            try:
                uploads.check_upload(file, allowed=(uploads.PDF,), max_megabytes=settings.DOCUMENT_MAX_MEGABYTES)
            except ActionRefused as refused:
                raise forms.ValidationError(refused.messages) from None
        return file

    def clean_protocol_file_kk(self):
        return self._clean_protocol("protocol_file_kk")

    def clean_protocol_file_ru(self):
        return self._clean_protocol("protocol_file_ru")


class MeetingForm(BilingualForm, ProtocolFilesForm):
    class Meta:
        model = Meeting
        fields = [
            "date", "start_time", "place_kk", "place_ru", "link", "agenda_kk", "agenda_ru", "protocol_number",
            "protocol_file_kk", "protocol_file_ru", "agenda_published_at", "protocol_published_at",
        ]  # fmt: skip
        widgets = {
            "date": DateInput,
            "start_time": TimeInput,
            "agenda_published_at": DateTimeInput,
            "protocol_published_at": DateTimeInput,
            # Replaced, not cleared; no link to the stored file (files are served by their public pages).
            "protocol_file_kk": forms.FileInput(attrs={"accept": "application/pdf"}),
            "protocol_file_ru": forms.FileInput(attrs={"accept": "application/pdf"}),
            "agenda_kk": forms.Textarea(attrs={"rows": 5}),
            "agenda_ru": forms.Textarea(attrs={"rows": 5}),
        }

    def clean(self):
        data = super().clean()
        if not (data.get("agenda_kk") or data.get("agenda_ru")):
            self.add_error("agenda_kk", _("Give the agenda of the meeting."))
        return data


class AttendanceForm(forms.Form):
    """Who attended: the people of the council on the meeting's date (the secretary is listed, not counted)."""

    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendance"), queryset=Membership.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = (
            Membership.objects.filter(council_id=meeting.council_id).on(meeting.date).order_by("role", "full_name")
        )
        self.fields["attendees"].label_from_instance = lambda m: f"{m.full_name} — {m.get_role_display()}"
        self.initial.setdefault("attendees", list(meeting.attendees.values_list("pk", flat=True)))


class ReceptionForm(BilingualForm, forms.ModelForm):
    class Meta:
        model = Reception
        fields = ["member", "starts_at", "ends_at", "place_kk", "place_ru", "link", "topic_kk", "topic_ru"]
        widgets = {"starts_at": DateTimeInput, "ends_at": DateTimeInput}

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Membership.objects.filter(council=council).counted().order_by("full_name")
        self.fields["member"].label_from_instance = lambda m: m.full_name
