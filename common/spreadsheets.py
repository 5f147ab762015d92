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
MIN_WIDTH, HEADER_WIDTH, MAX_WIDTH = 8, 22, 60  # in characters; a spreadsheet's default column is about 8.43


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
    """An XLSX download `name`.xlsx with one sheet `title` of `rows`, laid out to be read at once: the first
    row a bold header, frozen while the rest scrolls, an auto-filter over the table, each column as wide as
    its longest value or its header (a long header wraps)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # the longest sheet name Excel accepts
    header: dict[int, int] = {}  # column → length of its header
    widths: dict[int, int] = {}  # column → length of its longest value
    row_number = 0
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column, value=neutralise(value))
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store a text starting with "=" as a formula
            length = max((len(line) for line in str(cell.value or "").splitlines()), default=0)
            if row_number == 1:
                header[column] = length
                if bold_header:
                    cell.font = Font(bold=True)
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                widths[column] = max(widths.get(column, 0), length)
    lines = 1
    for column in header.keys() | widths.keys():
        # as wide as the longest value, or the header up to HEADER_WIDTH (a longer one wraps)
        width = min(max(widths.get(column, 0), min(header.get(column, 0), HEADER_WIDTH), MIN_WIDTH) + 2, MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(column)].width = width
        lines = max(lines, -(-header.get(column, 0) // (width - 2)))
    if row_number:
        sheet.row_dimensions[1].height = 15 * lines  # spreadsheet programs do not grow a row for wrapped text
        sheet.freeze_panes = "A2"  # the header stays in view
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(header.keys() | widths.keys()))}{row_number}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
