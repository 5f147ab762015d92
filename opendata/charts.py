"""The statistics as bar charts (inline SVG, common/charts.py) with their figures in a
table beside each: the same for the public pages and the ministry's admin."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from common.charts import BarChart

from .statistics import Scope, Statistics


@dataclass
class Bar:
    label: str
    value: float
    text: str  # the value as the table and the bar's label show it


@dataclass
class Chart(BarChart):
    """A chart of counts or averages: the longest bar as long as BAR (common.charts draws it)."""

    id: str
    title: str
    heading: str  # what the labels are (the table's first column)
    value_heading: str  # what the values are (its second)
    bars: list[Bar]
    counted: int = 0  # what the figures are of (consultations, proposals, answers…): none, no chart

    @property
    def is_empty(self) -> bool:
        return not self.counted

    def share_of(self, bar: Bar) -> float:
        return bar.value / (max(b.value for b in self.bars) or 1)

    def text_of(self, bar: Bar) -> str:
        return bar.text


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else number_format(value, digits)


def _part(count: int, total: int) -> str:
    percent = round(100 * count / total) if total else 0
    return f"{count} ({percent}%)"


def period(scope: Scope) -> str:
    """The period in words: a quarter, a year, or from one quarter to another."""
    quarters = scope.quarters
    if len(quarters) == 1:
        year, quarter = quarters[0]
        return _("quarter %(quarter)s of %(year)s") % {"quarter": quarter, "year": year}
    if len({year for year, _quarter in quarters}) == 1 and len(quarters) == 4:
        return str(quarters[0][0])
    (first_year, first), (last_year, last) = quarters[0], quarters[-1]
    return _("from quarter %(first)s of %(first_year)s to quarter %(last)s of %(last_year)s") % {
        "first": first, "first_year": first_year, "last": last, "last_year": last_year,
    }  # fmt: skip


def charts(stats: Statistics) -> list[Chart]:
    answers = stats.answers
    decided, listed = stats.decided_with_reasons, stats.listed
    on_time, due = stats.schedules_on_time, stats.schedules_due
    return [
        Chart("per-consultation", _("Proposals per consultation"), _("Figure"), _("Proposals"), [
            Bar(_("Mean"), stats.mean_proposals or 0, _number(stats.mean_proposals)),
            Bar(_("Median"), stats.median_proposals or 0, _number(stats.median_proposals)),
        ], stats.consultations),
        Chart("channels", _("Proposals by channel"), _("Channel"), _("Proposals"), [
            Bar(channel.label.capitalize(), channel.proposals, str(channel.proposals)) for channel in stats.channels
        ], stats.proposals),
        Chart("decisions", _("Listed proposals decided with reasons"), _("Decision"), _("Proposals"), [
            Bar(_("Decided with reasons"), decided, _part(decided, listed)),
            Bar(_("Without a decision or reasons"), listed - decided, _part(listed - decided, listed)),
        ], listed),
        Chart("days", _("Days from the close of the intake to the position"), _("Figure"), _("Days"), [
            Bar(_("Mean"), stats.mean_days_to_position or 0, _number(stats.mean_days_to_position)),
            Bar(_("Median"), stats.median_days_to_position or 0, _number(stats.median_days_to_position)),
        ], stats.positions),
        Chart("answers", _("The state bodies' answers to the recommendations"), _("Answer"), _("Quantity"), [
            Bar(_("In time"), answers.in_time, str(answers.in_time)),
            Bar(_("Late"), answers.late, str(answers.late)),
            Bar(_("Overdue, not received"), answers.overdue, str(answers.overdue)),
            Bar(_("Awaited, not yet due"), answers.waiting, str(answers.waiting)),
        ], answers.total),
        Chart("schedules", _("Schedules published on time"), _("Schedules"), _("Quantity"), [
            Bar(_("Published on time"), on_time, _part(on_time, due)),
            Bar(_("Late or not published"), due - on_time, _part(due - on_time, due)),
        ], due),
    ]  # fmt: skip
