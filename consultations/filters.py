"""The consultation list's filters, as GET parameters (DESIGN.md: q, region, council, level, occasion, step,
year, quarter). A value that does not validate is dropped, so a hostile or stale URL gives a corrected list."""

import django_filters
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from common.forms import PlainSelect
from councils import ordering
from councils.models import Council, Region

from .models import Consultation


class GroupedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """Regions and councils under the headings of their level, in the alphabet of the page (councils.ordering)."""

    field_class = ordering.GroupedModelChoiceField


def sentence_case(choices):
    """A menu's options start with a capital, like its "All …" option, whatever case the label has mid-sentence."""
    return [(value, capfirst(label)) for value, label in choices]


class ConsultationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Words"), method="search", max_length=200, widget=forms.TextInput(attrs={"type": "search"})
    )
    region = GroupedModelChoiceFilter(
        label=_("Region"),
        field_name="schedule__council__region",
        to_field_name="slug",
        queryset=Region.objects.all(),
        group_by=ordering.kind_of,
        empty_label=_("All regions"),
        remember_as="consultation-filter-regions",
        widget=PlainSelect,
    )
    council = GroupedModelChoiceFilter(
        label=_("Public council"),
        field_name="schedule__council",
        to_field_name="slug",
        queryset=Council.objects.active(),
        group_by=ordering.level_of,
        empty_label=_("All councils"),
        remember_as="consultation-filter-councils",
        widget=PlainSelect,
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"),
        field_name="schedule__council__level",
        choices=sentence_case(Council.Level.choices),
        empty_label=_("All levels"),
        widget=PlainSelect,
    )
    occasion = django_filters.ChoiceFilter(
        label=_("Occasion"),
        choices=sentence_case(Consultation.Occasion.choices),
        empty_label=_("All occasions"),
        widget=PlainSelect,
    )
    step = django_filters.ChoiceFilter(
        label=_("Step"),
        field_name="state",
        choices=Consultation.State.choices,
        empty_label=_("All steps"),
        widget=PlainSelect,
    )
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="schedule__year", min_value=2020, max_value=2100, widget=forms.NumberInput
    )
    quarter = django_filters.ChoiceFilter(
        label=_("Quarter"),
        field_name="schedule__quarter",
        choices=[(n, str(n)) for n in range(1, 5)],
        empty_label=_("All quarters"),
        widget=PlainSelect,
    )

    class Meta:
        model = Consultation
        fields = ["q", "region", "council", "level", "occasion", "step", "year", "quarter"]

    def search(self, queryset, name, value):
        # The titles are stored case-folded in both languages (Consultation.search_text).
        for word in value.casefold().split()[:10]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset
