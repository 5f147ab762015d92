"""The statistics as bar charts (inline SVG, drawn by templates/opendata/_chart.html) with their figures in a
table beside each: the same for the public pages and the ministry's admin."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .statistics import Scope, Statistics


@dataclass
class Bar:
    label: str
    value: float
    text: str  # the value as the table and the bar's label show it


@dataclass
class Chart:
    """A horizontal bar chart: each bar under its label, the longest as long as BAR; text of 13 px."""

    id: str
    title: str
    heading: str  # what the labels are (the table's first column)
    value_heading: str  # what the values are (its second)
    bars: list[Bar]
    counted: int = 0  # what the figures are of (consultations, proposals, answers…): none, no chart

    WIDTH = 420
    BAR = 260
    ROW = 46  # a label (16), a bar (16) and a gap (14)

    @property
    def height(self) -> int:
        return len(self.bars) * self.ROW + 4

    @property
    def is_empty(self) -> bool:
        return not self.counted

    def rows(self) -> list[tuple[Bar, int, int]]:
        """(bar, its top, its length)."""
        longest = max((bar.value for bar in self.bars), default=0) or 1
        return [(bar, i * self.ROW, round(self.BAR * bar.value / longest)) for i, bar in enumerate(self.bars)]


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
