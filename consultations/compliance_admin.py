"""The ministry's compliance review in the admin: the councils × quarters matrix, a council-quarter's rules
with their evidence, charts, and exports (CSV, XLSX, PDF) of the filtered view, in Kazakh or Russian."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import astuple, dataclass, replace
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common import collector, page_cache, spreadsheets
from common.charts import BarChart
from common.quarters import quarter_of
from councils import ordering
from councils.models import Council

from . import compliance

QUARTERS = (1, 2, 3, 4)
ALL = "all"  # the quarter filter's value for the whole year
HOUR = 60 * 60
COLUMNS = (compliance.COMPLIANT, compliance.PARTLY, compliance.NON_COMPLIANT, compliance.NOT_YET_DUE)


class ComplianceFilter(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100, required=False)
    quarter = forms.ChoiceField(
        label=_("Quarter"), choices=[(ALL, _("All quarters")), *[(str(q), str(q)) for q in QUARTERS]], required=False
    )
    level = ordering.level_menu()
    region = ordering.region_menu()
    state_body = forms.CharField(label=_("State body"), max_length=100, required=False)

    def values(self) -> dict:
        """The filters, corrected: a value that does not validate is dropped; no year means this year, no
        quarter the current one (the last of a year that is not this one), "all" the whole year (None)."""
        today_year, today_quarter = quarter_of(timezone.localdate())
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        year = data.get("year") or today_year
        if data.get("quarter") == ALL:
            quarter = None
        elif data.get("quarter"):
            quarter = int(data["quarter"])
        else:
            quarter = today_quarter if year == today_year else 4
        return {**data, "year": year, "quarter": quarter}


def applied(values: dict) -> dict:
    """The filters in effect as the form's fields and the links carry them: what the form shows when the
    query gave none, and what every export link repeats, so that the file holds what the page shows."""
    region = values.get("region")
    fields = {
        "year": values["year"],
        "quarter": values["quarter"] or ALL,
        "level": values.get("level") or "",
        "region": region.slug if region else "",
        "state_body": values.get("state_body") or "",
    }
    return {name: value for name, value in fields.items() if value != ""}


def _councils(values: dict):
    councils = Council.objects.active().select_related("region")
    if values.get("level"):
        councils = councils.filter(level=values["level"])
    if values.get("region"):
        councils = councils.filter(region=values["region"])
    if values.get("state_body"):
        text = values["state_body"]
        councils = councils.filter(Q(state_body_kk__icontains=text) | Q(state_body_ru__icontains=text))
    return ordering.councils(councils, by_region=True)


@dataclass
class Bar:
    label: str
    share: float
    compliant: int
    total: int

    @property
    def percent(self) -> int:
        return round(self.share * 100)


def _share(verdicts: list[str]) -> Bar:
    total = len(verdicts)
    compliant = sum(v == compliance.COMPLIANT for v in verdicts)
    return Bar("", compliant / total if total else 0.0, compliant, total)


@dataclass
class Chart(BarChart):
    """The share of compliant councils, a bar per quarter or region (common.charts draws it)."""

    id: str
    title: str
    heading: str  # what the labels are (the first column of the table beside the chart)
    bars: list[Bar]

    WIDTH = 380
    BAR = 250
    COLOUR = "#2e7d32"

    def share_of(self, bar: Bar) -> float:
        return bar.share

    def text_of(self, bar: Bar) -> str:
        return f"{bar.percent}% ({bar.compliant}/{bar.total})"


@dataclass(slots=True)
class Cell:
    """A council's quarter as the matrix and its exports show it: the verdicts alone, kept small (the kept
    review of 1,200 council-quarters was 0.8 MB of rules, dates and notes; unpickling it took a tenth of a
    second of each look)."""

    council: Council
    year: int
    quarter: int
    verdict: str
    rule_verdicts: tuple[str, ...]  # in the order of compliance.RULES
    state_body: compliance.StateBodyAnswers

    @property
    def verdict_label(self) -> str:
        return compliance.VERDICTS[self.verdict]


def _cells(councils: list[Council], year: int, *, refresh: bool = False) -> list[Cell]:
    """Every quarter of `year` of `councils`, judged once per day and council's content (common.page_cache,
    `remember_per_council`): after a secretary's step, the ministry's next look at 300 councils judges that one
    council again, not the 299 others. `refresh`: all judged again and kept (`judge_ahead`)."""

    def judge(pks: list[int]) -> dict[int, list[tuple]]:
        judged, wanted = defaultdict(list), set(pks)
        chosen = [council for council in councils if council.pk in wanted]
        for r in compliance.review(chosen, [(year, q) for q in QUARTERS], evidence=False):
            judged[r.council.pk].append(
                (r.quarter, r.verdict, tuple(rule.verdict for rule in r.rules), astuple(r.state_body))
            )
        return judged

    # The day is in the name: the verdicts change with it (a deadline passing); so is the rules' code, which a
    # release may change. Kept an hour at most: `judge_ahead` judges them all again every 10 minutes.
    kept = page_cache.remember_per_council(
        f"compliance-cells:{year}:{timezone.localdate()}:{compliance.code()}",
        [council.pk for council in councils],
        judge,
        timeout=HOUR,
        refresh=refresh,
    )
    return [
        Cell(council, year, quarter, verdict, rules, compliance.StateBodyAnswers(*answers))
        for council in councils
        for quarter, verdict, rules, answers in kept[council.pk]
    ]


def judge_ahead() -> int:
    """Every active council's verdicts of this year, and of the previous quarter's year in the first quarter, judged
    and kept as the matrix keeps them (`_cells`), so that the ministry's first look finds them judged — after
    midnight, after a change of every council's — and that a change whose version the cache lost shows within
    the job's interval (the beat job consultations.tasks.judge_compliance_ahead, every 10 minutes: about a second
    for 300 councils). Nothing to do where values are not kept (the demo, the tests): the matrix judges at each
    look there. Returns how many councils' verdicts were judged."""
    if not page_cache.keeps_values():
        return 0
    councils = list(Council.objects.active())
    year, quarter = quarter_of(timezone.localdate())
    for judged_year in sorted({year, year - 1 if quarter == 1 else year}):
        _cells(councils, judged_year, refresh=True)
    return len(councils)


def build(values: dict) -> dict:
    """Everything the page and the exports show, from one review: the chosen quarter (every quarter of the
    year when none is chosen) of the councils the filters select."""
    year, quarter = values["year"], values["quarter"]
    shown = (quarter,) if quarter else QUARTERS
    councils = list(_councils(values))
    results = _cells(councils, year)
    by_council = defaultdict(dict)
    for result in results:
        by_council[result.council.pk][result.quarter] = result
    rows = [(council, [by_council[council.pk][q] for q in shown]) for council in councils]
    chosen = [result for _council, cells in rows for result in cells]

    def totals(key) -> list[tuple[str, list[int], Bar]]:
        labels = {council.pk: key(council) for council in councils}  # once per council, not per quarter
        groups = defaultdict(list)
        for result in chosen:
            groups[labels[result.council.pk]].append(result.verdict)
        return [
            (label, [Counter(verdicts)[code] for code in COLUMNS], _share(verdicts))
            for label, verdicts in groups.items()  # in the councils' order: by level, then region, alphabetical
        ]

    per_quarter = []
    for q in QUARTERS:
        bar = _share([by_council[council.pk][q].verdict for council in councils])
        bar.label = str(_("Quarter %(quarter)s") % {"quarter": q})
        per_quarter.append(bar)
    by_region = totals(lambda c: str(c.region) if c.region else str(_("Central state bodies")))
    per_region = [replace(bar, label=label) for label, _counts, bar in by_region]
    return {
        "values": values,
        "year": year,
        "quarter": quarter,
        "quarters": shown,
        "rows": rows,
        "rule_titles": [str(compliance.TITLES[code]) for code in compliance.RULE_CODES],
        "by_region": by_region,
        "by_level": totals(lambda c: c.get_level_display()),
        "columns": [compliance.VERDICTS[code] for code in COLUMNS],
        "share": _share([r.verdict for r in chosen]),
        "per_quarter": per_quarter,
        "per_region": per_region,
        "charts": [
            Chart("per-quarter", _("Share of compliant councils per quarter, %(year)s") % {"year": year},
                  str(_("Quarter")), per_quarter),
            Chart("per-region", str(_("Share of compliant councils per region")), str(_("Region")), per_region),
        ],
        "verdicts": compliance.VERDICTS,
    }  # fmt: skip


def _check(request) -> None:
    """Ministry staff and superusers: whoever may read consultations in the admin."""
    if not request.user.has_perm("consultations.view_consultation"):
        raise PermissionDenied


def matrix_cells(rows, matrix_url: str) -> list[tuple[Council, SafeString]]:
    """Each council with its row of cells, as `_cell.html` draws a verdict, linked to the council-quarter's
    rules (compliance-detail, `<matrix>/<slug>/<year>-q<quarter>/`, qogam/urls.py: written from the matrix's
    address rather than reversed 1,200 times). Written here rather than by the template language, which took
    two thirds of the page's time for its 1,200 cells; every text in it is escaped."""
    labels = {code: escape(label) for code, label in compliance.VERDICTS.items()}
    answers = escape(gettext("state body: %(in_time)s/%(total)s answers in time"))
    written = []
    for council, cells in rows:
        slug = escape(council.slug)
        html = []
        for result in cells:
            html.append(
                f'<td><a href="{matrix_url}{slug}/{result.year}-q{result.quarter}/"><span class="verdict '
                f'verdict-{result.verdict}">{labels[result.verdict]}</span></a>'
            )
            answered = result.state_body
            if answered.total:
                html.append(
                    '<br>\n<span class="help">'
                    f"{answers % {'in_time': answered.in_time, 'total': answered.total}}</span>"
                )
            html.append("</td>")
        # Escaped above; the rest are codes and numbers.
        written.append((council, mark_safe("".join(html))))
    return written


@collector.paused()  # the review, the cached verdicts' thousands of objects and the page's (common/collector.py)
def matrix(request):
    _check(request)
    values = ComplianceFilter(request.GET or None).values()
    context = build(values)
    filters = applied(values)
    matrix_url = escape(reverse("compliance"))
    return render(
        request,
        "admin/compliance/matrix.html",
        {**admin.site.each_context(request), **context, "title": _("Compliance with the recommendations"),
         "form": ComplianceFilter(initial=filters),  # shows what is applied, defaults included
         "query": urlencode(filters),
         "matrix_rows": matrix_cells(context["rows"], matrix_url),
         "totals_by": [(_("By region"), context["by_region"]), (_("By level"), context["by_level"])]},
    )  # fmt: skip


def detail(request, slug, year, quarter):
    _check(request)
    if quarter not in QUARTERS or not 2020 <= year <= 2100:
        raise Http404
    council = get_object_or_404(Council.objects.select_related("region"), slug=slug)
    result = compliance.review([council], [(year, quarter)])[0]
    return render(
        request,
        "admin/compliance/detail.html",
        {
            **admin.site.each_context(request),
            "result": result,
            "council": council,
            "title": _("%(council)s, quarter %(quarter)s of %(year)s")
            % {"council": council, "quarter": quarter, "year": year},
        },
    )


def export(request, fmt):
    _check(request)
    language = request.GET.get("lang") if request.GET.get("lang") in ("kk", "ru") else translation.get_language()
    with translation.override(language):
        context = build(ComplianceFilter(request.GET or None).values())
        period = f"q{context['quarter']}" if context["quarter"] else ALL
        name = f"qogam-compliance-{context['year']}-{period}-{language}"
        if fmt == "csv":
            return _csv(context, name)
        if fmt == "xlsx":
            return _xlsx(context, name)
        if fmt == "pdf":
            return _pdf(context, name, language)
    raise Http404


def table(context) -> list[list]:
    """The exported rows: one per council and quarter the page shows, with each rule's verdict; headers in
    the language of the file."""
    header = [
        str(_("Public council")), str(_("Level")), str(_("Region")), str(_("Year")), str(_("Quarter")),
        str(_("Verdict")), *context["rule_titles"], str(_("Recommendations sent to the state body")),
        str(_("Answers of the state body received in time")),
    ]  # fmt: skip
    rows = [header]
    verdicts = compliance.translated(compliance.VERDICTS)
    for council, cells in context["rows"]:
        for result in cells:
            rows.append(
                [council.name, council.get_level_display(), str(council.region or ""), result.year,
                 result.quarter, str(result.verdict_label), *[verdicts[code] for code in result.rule_verdicts],
                 result.state_body.total, result.state_body.in_time]  # numbers: "1/2" would read as a date
            )  # fmt: skip
    return rows


def _csv(context, name):
    return spreadsheets.csv_response(table(context), name=name)


def _xlsx(context, name):
    return spreadsheets.xlsx_response(table(context), name=name, title=str(_("Compliance")))


def _pdf(context, name, language):
    from weasyprint import HTML, URLFetcher

    html = render_to_string("admin/compliance/report.html", {**context, "lang": language, "now": timezone.now()})
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
