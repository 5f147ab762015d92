"""The workspace inbox's filters: by moderation state, question, channel, language, decision and group of similar
proposals."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Proposal


class InboxFilter(django_filters.FilterSet):
    moderation = django_filters.ChoiceFilter(
        label=_("State"), choices=Proposal.Moderation.choices, empty_label=_("All")
    )
    question = django_filters.ModelChoiceFilter(label=_("Question"), queryset=None, empty_label=_("All"))
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Proposal.Channel.choices, empty_label=_("All"))
    language = django_filters.ChoiceFilter(label=_("Language"), choices=Proposal.Language.choices, empty_label=_("All"))
    decision = django_filters.ChoiceFilter(label=_("Decision"), choices=Proposal.Decision.choices, empty_label=_("All"))
    group = django_filters.NumberFilter(
        label=_("Group of similar proposals"), field_name="similar_group__number", min_value=1
    )

    class Meta:
        model = Proposal
        fields = ["moderation", "question", "channel", "language", "decision", "group"]

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["question"].queryset = consultation.questions.all()
        self.filters["question"].field.label_from_instance = lambda question: question.text
