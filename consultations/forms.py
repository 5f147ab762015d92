"""Workspace forms: planning a consultation, and exactly what each step needs."""

import uuid

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from common.forms import BilingualForm, DateInput, DateTimeInput
from councils.models import Meeting
from publications.forms import AnnouncementTextForm

from .models import PLANNING_FIELDS, WINDOW_FIELDS, Consultation, Document, InformationRequest, RecommendationPoint


class ConsultationForm(BilingualForm, forms.ModelForm):
    """What the secretary plans: the occasion (only when adding), the texts in both languages, the dates."""

    class Meta:
        model = Consultation
        fields = ["occasion", *PLANNING_FIELDS]
        widgets = {
            "starts_on": DateInput,
            "ends_on": DateInput,
            "window_opens_at": DateTimeInput,
            "window_closes_at": DateTimeInput,
            "description_kk": forms.Textarea(attrs={"rows": 4}),
            "description_ru": forms.Textarea(attrs={"rows": 4}),
            "social_effect_kk": forms.Textarea(attrs={"rows": 3}),
            "social_effect_ru": forms.Textarea(attrs={"rows": 3}),
            "participation_kk": forms.Textarea(attrs={"rows": 3}),
            "participation_ru": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, asks_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["occasion"]  # the occasion decides the steps: fixed once planned
        if asks_reason:  # the schedule is approved or published: a change to it reopens it
            self.fields["change_reason"] = forms.CharField(
                label=_("Reason for the change"),
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Needed when you change the title, dates, proposal window, format or venue."),
            )

    def clean(self):
        data = super().clean()
        for name in WINDOW_FIELDS:
            # The form shows times to the minute: a time sent back unchanged keeps its seconds.
            initial = self.initial.get(name, getattr(self.instance, name))
            if data.get(name) and initial and data[name] == initial.replace(second=0, microsecond=0):
                data[name] = initial
        if not (data.get("title_kk") or data.get("title_ru")):
            self.add_error("title_kk", _("Give the title of the consultation."))
        occasion = data.get("occasion", self.instance.occasion)
        if occasion != Consultation.Occasion.DRAFT_ACT:
            for name in ("act_number", "act_url"):
                if data.get(name):
                    self.add_error(name, _("Only a consultation on a draft legal act names a draft act."))
        elif not (data.get("act_title_kk") or data.get("act_title_ru")):
            self.add_error("act_title_kk", _("Give the title of the draft legal act."))
        return data

    def planning_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PLANNING_FIELDS}


class QuestionForm(BilingualForm, forms.Form):
    text_kk = forms.CharField(
        label=_("Question"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_ru = forms.CharField(
        label=_("Question"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


QuestionFormSet = forms.formset_factory(QuestionForm, extra=2, max_num=30)


class MeetingChoiceForm(forms.Form):
    """Steps 1 and 2, and the schedule's approval: the quorate meeting at which the council decided."""

    meeting = forms.ModelChoiceField(
        label=_("Meeting of the council"), queryset=Meeting.objects.none(), empty_label=_("Choose the meeting")
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(self, *args, council, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            council=council, date__lte=timezone.localdate()
        ).order_by("-date")
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.date:%d.%m.%Y}" + (f" — № {m.protocol_number}" if m.protocol_number else "")
        )


class DateForm(forms.Form):
    """The date a step happened: today unless history is being entered afterwards."""

    occurred_on = forms.DateField(label=_("Date"), widget=DateInput)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()


class AnnounceForm(AnnouncementTextForm, DateForm):
    """Step 3: the announcement, prepared from the consultation; now, or at a time to come."""

    publish_at = forms.DateTimeField(
        label=_("Publish later, at"),
        widget=DateTimeInput,
        required=False,
        help_text=_("Leave empty to publish now. At that time the step is taken by itself."),
    )


class PublishPositionForm(AnnouncementTextForm, DateForm):
    """Step 7: the results announcement, editable before it goes out."""


class ScheduledAnnouncementForm(AnnouncementTextForm):
    """An announcement waiting for its time: its texts and the time may still change."""

    publish_at = forms.DateTimeField(label=_("Publish at"), widget=DateTimeInput)


class CancelForm(AnnouncementTextForm, DateForm):
    """Cancelling, with a reason; for a consultation already announced, the cancellation's announcement too.
    Its text is prepared from the consultation; left as prepared, it carries the reason given here."""

    reason_kk = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason_ru = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["occurred_on", "reason_kk", "reason_ru", *AnnouncementTextForm.TEXTS]

    def __init__(self, *args, announced: bool, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]  # the reason is the note
        for name in self.TEXTS:
            if not announced:  # nothing was announced: the cancellation is not announced either
                del self.fields[name]
                continue
            self.fields[name].required = False
            if name.startswith("text_"):
                self.fields[name].help_text = _("Left as prepared, the announcement carries the reason given above.")

    def clean(self):
        data = super().clean()
        if not (data.get("reason_kk") or data.get("reason_ru")):
            self.add_error("reason_kk", _("Give the reason for cancelling."))
        for name in self.TEXTS:  # only what the secretary changed replaces the prepared text
            if name in data and name not in self.changed_data:
                data[name] = ""
        return data


class StepBackForm(DateForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]  # the reason is the note


class CloseIntakeForm(BilingualForm, forms.Form):
    """Closing the intake before the window's end: now, with the reason shown on the public page."""

    reason_kk = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason_ru = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        for name in ("reason_kk", "reason_ru"):
            if not data.get(name, "").strip():
                self.add_error(name, _("Give the reason for closing the intake early, in Kazakh and Russian."))
        return data


class PositionForm(BilingualForm, forms.Form):
    text_kk = forms.CharField(label=_("Position of the council"), widget=forms.Textarea(attrs={"rows": 8}))
    text_ru = forms.CharField(label=_("Position of the council"), widget=forms.Textarea(attrs={"rows": 8}))


class RecommendationForm(BilingualForm, forms.Form):
    introduction_kk = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    introduction_ru = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class PointForm(BilingualForm, forms.Form):
    text_kk = forms.CharField(label=_("Point"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    text_ru = forms.CharField(label=_("Point"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    proposals = forms.ModelMultipleChoiceField(
        label=_("Proposals it takes into account"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = proposals
        self.fields["proposals"].label_from_instance = lambda p: f"{p.reference}: {p.text[:120]}"


PointFormSet = forms.formset_factory(PointForm, extra=1, max_num=50)

# The submit button that asks for one more empty row instead of saving: rows are added without JavaScript.
ADD_ROW = "add_row"


def with_another_row(data, formset_class, prefix: str):
    """What was posted, with room for one more row (up to the formset's maximum): shown again, not saved."""
    data = data.copy()
    total = f"{prefix}-TOTAL_FORMS"
    data[total] = str(min(int(data.get(total) or 0) + 1, formset_class.max_num))
    return data


class InformationRequestForm(BilingualForm, forms.ModelForm):
    class Meta:
        model = InformationRequest
        fields = [
            "addressee_kk",
            "addressee_ru",
            "subject_kk",
            "subject_ru",
            "requested_on",
            "answer_kk",
            "answer_ru",
            "answered_on",
        ]
        widgets = {
            "requested_on": DateInput,
            "answered_on": DateInput,
            "subject_kk": forms.Textarea(attrs={"rows": 3}),
            "subject_ru": forms.Textarea(attrs={"rows": 3}),
            "answer_kk": forms.Textarea(attrs={"rows": 3}),
            "answer_ru": forms.Textarea(attrs={"rows": 3}),
        }


class SendingForm(forms.Form):
    """When the recommendation went to the state body, and when its answer came."""

    sent_on = forms.DateField(label=_("Sent to the state body on"), widget=DateInput, required=False)
    answer_received_on = forms.DateField(
        label=_("The state body's answer received on"), widget=DateInput, required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PointAnswerForm(BilingualForm, forms.Form):
    number = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(
        label=_("The state body's answer"), choices=[("", "—"), *RecommendationPoint.Answer.choices], required=False
    )
    reasons_kk = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reasons_ru = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


PointAnswerFormSet = forms.formset_factory(PointAnswerForm, extra=0)


class NewsForm(BilingualForm, forms.Form):
    """News of the consultation: what the council does with the state bodies while it runs."""

    title_kk = forms.CharField(label=_("Title"), max_length=255, required=False)
    title_ru = forms.CharField(label=_("Title"), max_length=255, required=False)
    text_kk = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    text_ru = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    publish_at = forms.DateTimeField(
        label=_("Publish later, at"), widget=DateTimeInput, required=False, help_text=_("Leave empty to publish now.")
    )
    # One-time: a double click publishes the news once.
    submission_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)


class PublishScheduleForm(AnnouncementTextForm, DateForm):
    """Publishing the schedule: its announcement, prepared from the schedule and editable before it goes out."""


class DocumentForm(BilingualForm, forms.Form):
    """A document of the consultation: its kind, its title in both languages, and the file — required when
    adding, given only to replace it otherwise. What the file really is, the service judges."""

    prefix = "document"  # the consultation's page has other forms with titles: their ids must differ
    kind = forms.ChoiceField(label=_("Kind of document"), choices=())
    title_kk = forms.CharField(label=_("Title of the document"), max_length=300)
    title_ru = forms.CharField(label=_("Title of the document"), max_length=300)
    file = forms.FileField(label=_("File"), widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.odt,.xlsx"}))

    def __init__(self, *args, replacing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(code, capfirst(label)) for code, label in Document.Kind.choices]
        limits = _("PDF, DOCX, ODT or XLSX, at most %(limit)s MB.") % {"limit": settings.DOCUMENT_MAX_MEGABYTES}
        self.fields["file"].help_text = limits
        if replacing:
            self.fields["file"].required = False
            self.fields["file"].label = _("New file")
            self.fields["file"].help_text = format_lazy("{} {}", limits, _("Leave empty to keep the current file."))


# What each step of the table asks of the person taking it (`workflow.Step.form`).
STEP_FORMS = {
    "meeting": MeetingChoiceForm,
    "date": DateForm,
    "announcement": AnnounceForm,
    "position": PublishPositionForm,
    "close_intake": CloseIntakeForm,
    "cancel": CancelForm,
    "step_back": StepBackForm,
}
