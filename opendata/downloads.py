"""The public downloads: a consultation's listed proposals with the council's decisions, as CSV or XLSX (from
its results page), a council's quarter (from the council's page), and the open-data page with its files.
Anyone may take them; they hold what the results pages show, no more (opendata/datasets.py).

A file is written as it is read: the CSV streams row by row, the XLSX is written by openpyxl's write-only
mode into a temporary file. Either way 50,000 rows cost a few megabytes of memory, not the whole table. Every
text goes through `common.spreadsheets.neutralise`: a proposal starting with "=" stays a text.
"""

from __future__ import annotations

import csv
import tempfile

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from common.spreadsheets import XLSX_CONTENT_TYPE, neutralise
from consultations import selectors
from consultations.models import Consultation
from councils.models import Council

from . import datasets, publishing

FORMATS = ("csv", "xlsx")


class _Line:
    """A file-like object that hands back what csv.writer writes, so that each row becomes a chunk."""

    def write(self, value: str) -> str:
        return value


def _csv(dataset: datasets.Dataset, queryset, name: str) -> StreamingHttpResponse:
    writer = csv.writer(_Line())

    def lines():
        yield "\ufeff"  # a byte order mark: spreadsheet programs then read the Kazakh letters as such
        yield writer.writerow(dataset.header())
        for row in dataset.rows(queryset):
            yield writer.writerow([neutralise(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _xlsx(dataset: datasets.Dataset, queryset, name: str, title: str) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in dataset.header():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in dataset.rows(queryset):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=neutralise(value))
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it, once sent; closed, it is deleted)
    workbook.save(file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE)


def respond(dataset: datasets.Dataset, queryset, fmt: str, name: str):
    if fmt not in FORMATS:
        raise Http404
    if fmt == "csv":
        return _csv(dataset, queryset, name)
    return _xlsx(dataset, queryset, name, title=name)


@require_safe
def consultation_proposals(request, slug, fmt):
    """The results page's list of proposals with the council's decisions."""
    try:
        consultation = selectors.results_page(slug)
    except Consultation.DoesNotExist:
        raise Http404 from None
    return respond(datasets.PROPOSALS, datasets.of_consultation(consultation), fmt, f"proposals-{slug}")


@require_safe
def council_quarter_proposals(request, slug, year, quarter, fmt):
    """Every published result of a council's quarter in one file."""
    council = get_object_or_404(Council.objects.active(), slug=slug)
    if not 1 <= quarter <= 4:
        raise Http404
    proposals = datasets.of_council_quarter(council, year, quarter)
    return respond(datasets.PROPOSALS, proposals, fmt, f"proposals-{slug}-{year}-q{quarter}")


@require_safe
def open_data(request):
    """The open-data page: the API and its docs, and each quarter's files with their passports."""
    catalogue = publishing.catalogue()
    for dataset in catalogue:
        dataset["year"], dataset["quarter"] = publishing.quarter_of_code(dataset["code"])
        dataset["rows"] = sum(file["rows"] for file in dataset["files"])
    return render(request, "opendata/index.html", {"catalogue": catalogue})


@require_safe
def open_data_file(request, name):
    """A file the catalogue lists (a quarter's CSV or its passport), as written by the last publication."""
    path = publishing.published_file(name)
    if path is None or not path.exists():
        raise Http404
    content_type = "application/json" if name.endswith(".json") else "text/csv; charset=utf-8"
    return FileResponse(path.open("rb"), as_attachment=name.endswith(".csv"), filename=name, content_type=content_type)
