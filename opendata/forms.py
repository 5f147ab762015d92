"""The statistics' filters: the period (a year, a quarter of it, or the last four quarters) and, for the whole
portal, a region and a level; the API's also a council."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils import ordering
from councils.models import Council

from .statistics import Scope, quarters_of

FIRST_YEAR = 2020


def _years():
    return [("", _("Last four quarters"))] + [
        (str(year), str(year)) for year in range(timezone.localdate().year, FIRST_YEAR - 1, -1)
    ]


class PeriodFilter(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), choices=_years, coerce=int, required=False, empty_value=None)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", _("All quarters")), *[(str(q), str(q)) for q in (1, 2, 3, 4)]],
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("With a year only."),
    )

    def scope(self, **fixed) -> Scope:
        """The scope the filters name; a value that does not validate is dropped (the pages), where the API
        answers 400 first."""
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        quarters = quarters_of(data.get("year"), data.get("quarter"))
        return Scope(
            quarters=quarters,
            council=data.get("council") or fixed.get("council"),
            region=data.get("region"),
            level=data.get("level") or "",
        )


class StatisticsFilter(PeriodFilter):
    region = ordering.region_menu()
    level = ordering.level_menu()


class ApiStatisticsFilter(StatisticsFilter):
    council = forms.ModelChoiceField(queryset=Council.objects.active(), to_field_name="slug", required=False)
