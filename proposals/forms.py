"""The citizen's proposal form."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.forms import DateInput, DateTimeInput

from .models import Proposal

TEXT_LIMIT = 5000
TEXT_MINIMUM = 10  # shorter texts are not proposals (and are mostly robots)
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{9,19}$")


def contact_kind(value: str) -> str:
    """ "email" or "phone" for a valid contact; raises ValidationError otherwise."""
    if "@" in value:
        validate_email(value)
        return "email"
    if PHONE.match(value) and 10 <= sum(c.isdigit() for c in value) <= 15:
        return "phone"
    raise ValidationError(_("Enter an email address or a phone number, for example +7 701 234 56 78."))


REFERENCE = re.compile(r"(?:QG-?)?([0-9]{4})-?([0-9]{1,6})")


class LookupForm(forms.Form):
    """A proposal's reference number as a citizen types it: any case, spaces, with or without the QG- prefix
    or the leading zeros."""

    reference = forms.CharField(label=_("Reference number"), max_length=40, help_text=_("For example, QG-2026-000123."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_reference(self):
        typed = re.sub(r"\s+", "", self.cleaned_data["reference"]).upper()
        found = REFERENCE.fullmatch(typed)
        if not found:
            raise forms.ValidationError(
                _("A reference number looks like QG-2026-000123. Check the number and try again.")
            )
        year, number = found.groups()
        return f"QG-{year}-{int(number):06d}"


class QuestionField(forms.ModelChoiceField):
    """A consultation's question, validated against the questions loaded with it (`questions`) without a
    query: the form is posted by crowds (tests/proposals/test_submission_budget.py)."""

    questions: list = []

    def to_python(self, value):
        if value in self.empty_values:
            return None
        for question in self.questions:
            if str(question.pk) == str(value):
                return question
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


class ProposalForm(forms.Form):
    author_name = forms.CharField(label=_("Your name"), max_length=200)
    author_kind = forms.ChoiceField(
        label=_("You write as"),
        choices=Proposal.AuthorKind.choices,
        initial=Proposal.AuthorKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    organisation = forms.CharField(
        label=_("Name of the organisation"), max_length=255, required=False,
        help_text=_("Only if you write on behalf of a public or professional organisation."),
    )  # fmt: skip
    hide_name = forms.BooleanField(label=_("Do not publish my name with the results"), required=False)
    contact = forms.CharField(
        label=_("Email or phone"), max_length=254, required=False,
        help_text=_("Never published. Needed if you want an answer."),
    )  # fmt: skip
    wants_answer = forms.BooleanField(label=_("I want an answer from the council"), required=False)
    question = QuestionField(
        label=_("The question your proposal answers"),
        queryset=None,
        required=False,
        empty_label=_("None in particular"),
    )
    text = forms.CharField(
        label=_("Your proposal"),
        max_length=TEXT_LIMIT,
        min_length=TEXT_MINIMUM,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": TEXT_LIMIT}),
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data as described above"),
        error_messages={
            "required": _("Tick the box to agree: without consent the council cannot accept the proposal."),
        },
    )
    token = forms.UUIDField(widget=forms.HiddenInput)
    # A field people never see; robots fill it in.
    website = forms.CharField(required=False, label=_("Leave this field empty"), max_length=200)

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        # Interpolated here, not at import, so that it is in the language of the request.
        self.fields["text"].help_text = _("From %(minimum)s to %(limit)s characters.") % {
            "minimum": TEXT_MINIMUM,
            "limit": TEXT_LIMIT,
        }
        # One query, or none when the consultation's questions were prefetched with it.
        questions = list(consultation.questions.all())
        if questions:
            self.fields["question"].queryset = consultation.questions.all()
            self.fields["question"].questions = questions
            self.fields["question"].label_from_instance = lambda question: question.text
        else:
            del self.fields["question"]

    def clean_text(self):
        return self.cleaned_data["text"].strip()

    def clean_author_name(self):
        return self.cleaned_data["author_name"].strip()

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        if contact:
            contact_kind(contact)
        return contact

    def clean(self):
        data = super().clean()
        if (
            data.get("author_kind") in (Proposal.AuthorKind.PUBLIC_ORG, Proposal.AuthorKind.PROFESSIONAL_ORG)
            and not (data.get("organisation") or "").strip()
        ):
            self.add_error("organisation", _("Name the organisation you write for."))
        if data.get("wants_answer") and not data.get("contact") and "contact" not in self.errors:
            self.add_error("contact", _("Give an email or a phone number so that the council can answer you."))
        return data

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


# ---------------------------------------------------------------------------------------------------------
# The workspace


class EntryForm(forms.Form):
    """A proposal received outside the portal, entered by the secretary with its channel."""

    channel = forms.ChoiceField(
        # "Received" alone reads as a date in Kazakh and Russian: this one is the way the proposal came in.
        label=pgettext_lazy("proposal channel", "Received"),
        choices=[c for c in Proposal.Channel.choices if c[0] != Proposal.Channel.PORTAL],
    )
    received_at = forms.DateTimeField(label=_("Received on"), widget=DateTimeInput)
    reception = forms.ModelChoiceField(
        label=_("Personal reception"), queryset=None, required=False, empty_label=_("Not at a personal reception")
    )
    language = forms.ChoiceField(label=_("Language of the proposal"), choices=Proposal.Language.choices)
    author_name = forms.CharField(label=_("Author's name"), max_length=200, required=False)
    author_kind = forms.ChoiceField(label=_("Author"), choices=Proposal.AuthorKind.choices)
    organisation = forms.CharField(label=_("Name of the organisation"), max_length=255, required=False)
    hide_name = forms.BooleanField(label=_("The author asks that the name not be published"), required=False)
    contact = forms.CharField(label=_("Email or phone"), max_length=254, required=False)
    wants_answer = forms.BooleanField(label=_("The author wants an answer"), required=False)
    question = forms.ModelChoiceField(
        label=_("Question"), queryset=None, required=False, empty_label=_("None in particular")
    )
    text = forms.CharField(label=_("Proposal"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, consultation, receptions, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = consultation.questions.all()
        self.fields["question"].label_from_instance = lambda question: question.text
        self.fields["reception"].queryset = receptions
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        if contact:
            contact_kind(contact)
        return contact

    def clean(self):
        data = super().clean()
        if data.get("author_kind") != Proposal.AuthorKind.CITIZEN and not data.get("organisation"):
            self.add_error("organisation", _("Name the organisation."))
        if data.get("wants_answer") and not data.get("contact") and "contact" not in self.errors:
            self.add_error("contact", _("Give an email or a phone number so that the council can answer you."))
        if data.get("reception") and data.get("channel") != Proposal.Channel.RECEPTION:
            self.add_error("reception", _("A reception is given only for a proposal heard at a personal reception."))
        return data


class SortForm(forms.Form):
    """One action on the proposals ticked in the inbox: into the list, set aside, or a decision."""

    ACTIONS = [
        ("list", _("Include in the list")),
        ("set_aside", _("Do not include")),
        ("decide", _("Record the decision")),
    ]

    proposals = forms.ModelMultipleChoiceField(label=_("Proposals"), queryset=None)
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.ChoiceField(
        label=_("Why not included"), choices=[("", "—"), *Proposal.SetAsideReason.choices], required=False
    )
    duplicate_of = forms.CharField(label=_("Reference number of the original"), max_length=16, required=False)
    note = forms.CharField(
        label=_("Explanation"),
        max_length=1000,
        required=False,
        help_text=_("Sent to the author with the answer, if they asked for one (never for spam)."),
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", "—"), *Proposal.Decision.choices], required=False)
    reasons_kk = forms.CharField(
        label=_("Reasons — in Kazakh"), required=False, widget=forms.Textarea(attrs={"rows": 3, "lang": "kk"})
    )
    reasons_ru = forms.CharField(
        label=_("Reasons — in Russian"), required=False, widget=forms.Textarea(attrs={"rows": 3, "lang": "ru"})
    )

    def __init__(self, *args, consultation, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "bulk_%s")  # the inbox's filter form has fields of the same names
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.fields["proposals"].queryset = consultation.proposals.all()

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "set_aside" and not data.get("reason"):
            self.add_error("reason", _("Choose why the proposal is not included in the list."))
        if action == "set_aside" and data.get("reason") == Proposal.SetAsideReason.DUPLICATE:
            original = self.consultation.proposals.filter(
                reference=(data.get("duplicate_of") or "").strip().upper()
            ).first()
            if original is None:
                self.add_error(
                    "duplicate_of", _("Give the reference number of the proposal it repeats, in this consultation.")
                )
            data["original"] = original
        if action == "decide":
            if not data.get("decision"):
                self.add_error("decision", _("Choose the decision."))
            if not (data.get("reasons_kk", "").strip() and data.get("reasons_ru", "").strip()):
                self.add_error("reasons_kk", _("Give the reasons for the decision in Kazakh and in Russian."))
        return data


class CorrectionForm(forms.Form):
    """The secretary's correction of the language a proposal is written in and of the question it answers;
    its text is the author's and is never changed."""

    language = forms.ChoiceField(label=_("Language of the proposal"), choices=Proposal.Language.choices)
    question = forms.ModelChoiceField(
        label=_("The question it answers"), queryset=None, required=False, empty_label=_("None in particular")
    )

    def __init__(self, *args, consultation, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = consultation.questions.all()
        self.fields["question"].label_from_instance = lambda question: question.text


class AnsweredForm(forms.Form):
    """The day the secretary answered by phone an author who asked for an answer."""

    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput)


class GroupDecisionForm(forms.Form):
    """One decision, with its reasons in both languages, for every proposal of a group in the list."""

    decision = forms.ChoiceField(label=_("Decision"), choices=[("", "—"), *Proposal.Decision.choices])
    reasons_kk = forms.CharField(
        label=_("Reasons — in Kazakh"), widget=forms.Textarea(attrs={"rows": 3, "lang": "kk"}), max_length=4000
    )
    reasons_ru = forms.CharField(
        label=_("Reasons — in Russian"), widget=forms.Textarea(attrs={"rows": 3, "lang": "ru"}), max_length=4000
    )

    def __init__(self, *args, prefix=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, prefix=prefix, **kwargs)
