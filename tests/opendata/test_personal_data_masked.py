"""Open data publishes a proposal's text and reasons as the results page does: IIN, phone and email masked, the
text's marks in the proposal's own language, each language's reasons with the marks in that language — in the
API, the downloads (CSV, XLSX) and the quarterly files (issue 18)."""

import csv
import io
import json

import pytest

from opendata import publishing
from tests.public_fixtures import PERSONAL, results_with_personal_data

from .test_downloads import read_csv, read_xlsx

pytestmark = pytest.mark.django_db
TEXT_MARKED = "Мой ИИН [ИИН скрыт], тел. [телефон скрыт], [email скрыт]"
REASONS = {
    "kk": "Автор [телефон жасырылған] нөмірі бойынша хабардар етілді.",
    "ru": "Автор уведомлён по номеру [телефон скрыт].",
}


@pytest.fixture
def published():
    return results_with_personal_data()


def assert_no_personal_data(text: str) -> None:
    for value in PERSONAL:
        assert value not in text


def test_the_api_gives_the_text_and_reasons_masked(client, published):
    consultation, proposal = published
    response = client.get(f"/api/v1/consultations/{consultation.slug}/proposals/")
    [item] = json.loads(response.content)["results"]
    assert item["reference"] == proposal.reference and item["language"] == "ru"
    assert item["text"].endswith(TEXT_MARKED) and "1 200 000 тг" in item["text"]
    assert item["decision_reasons"] == REASONS
    assert_no_personal_data(response.content.decode())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_downloads_give_the_text_and_reasons_masked(client, published, fmt):
    consultation, _proposal = published
    for path in (
        f"/kk/consultations/{consultation.slug}/results/proposals.{fmt}",
        f"/kk/councils/{consultation.schedule.council.slug}/results/"
        f"{consultation.schedule.year}-q{consultation.schedule.quarter}.{fmt}",
    ):
        header, row = (read_csv if fmt == "csv" else read_xlsx)(client.get(path))
        values = dict(zip(header, row, strict=True))
        assert values["ұсыныс / предложение"].endswith(TEXT_MARKED)
        assert REASONS["kk"] in values.values() and REASONS["ru"] in values.values()
        assert_no_personal_data(" ".join(map(str, row)))


def test_the_quarterly_files_give_the_text_masked(published):
    consultation, _proposal = published
    passport = publishing.publish_quarter(consultation.schedule.year, consultation.schedule.quarter)
    [file] = passport["files"]
    body = (publishing.folder() / file["name"]).read_bytes().decode("utf-8-sig")
    [row] = list(csv.reader(io.StringIO(body)))[1:]
    assert any(value.endswith(TEXT_MARKED) for value in row)
    assert_no_personal_data(body)
