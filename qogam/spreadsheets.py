"""CSV and XLSX files the portal hands out, written so that a spreadsheet program never executes a cell.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula (CSV injection: `=HYPERLINK(…)` in a council's name sends the reader's data
elsewhere). Every such text is prefixed with an apostrophe, as OWASP recommends, in both formats; the XLSX's
cells are moreover written as strings, never as formulas. Numbers stay numbers. Every export goes through
`csv_response` or `xlsx_response`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """The value as a cell may hold it: a text a spreadsheet would read as a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(rows: Iterable[Sequence], *, name: str) -> HttpResponse:
    """A CSV download `name`.csv of `rows`, in UTF-8 with a byte order mark (so that spreadsheet programs read
    Kazakh letters as such)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return response


def xlsx_response(rows: Iterable[Sequence], *, name: str, title: str, bold_header: bool = True) -> HttpResponse:
    """An XLSX download `name`.xlsx with one sheet `title` of `rows`, the first in bold."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # the longest sheet name Excel accepts
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column, value=neutralise(value))
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store a text starting with "=" as a formula
            if bold_header and row_number == 1:
                cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
