"""The quarterly open-data files and their passports (data.egov.kz's form): written by the command, split at the
size limit with a header in each part, described field by field, listed on the open-data page and served."""

import csv
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

from opendata import datasets, publishing
from tests.factories import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter(results):
    schedule = results["consultation"].schedule
    return schedule.year, schedule.quarter


def test_the_command_writes_the_quarter_and_its_passport_names_every_field_in_three_languages(results, quarter):
    out = io.StringIO()
    call_command("publish_open_data", "--quarter", f"{quarter[0]}-q{quarter[1]}", stdout=out)
    code = f"proposals-{quarter[0]}-q{quarter[1]}"
    assert f"{code}: 3 rows in 1 file(s)" in out.getvalue()
    passport = json.loads((publishing.folder() / f"{code}.json").read_text(encoding="utf-8"))
    assert passport["nameEn"].startswith("Proposals of public consultations")
    assert passport["nameKk"] and passport["nameRu"] and passport["descriptionKk"] and passport["descriptionRu"]
    assert passport["keyField"] == "reference" and passport["updateFrequency"] == "quarterly"
    fields = {field["code"]: field for field in passport["fields"]}
    assert list(fields) == [column.name for column in datasets.PROPOSALS.columns]
    assert fields["reference"]["isKey"] and not fields["text"]["isKey"]
    assert fields["year"]["type"] == "integer" and fields["received"]["type"] == "datetime"
    assert fields["text"] == {
        "code": "text", "nameKk": "ұсыныс", "nameRu": "предложение", "nameEn": "proposal", "type": "string",
        "isKey": False,
    }  # fmt: skip
    [file] = passport["files"]
    body = (publishing.folder() / file["name"]).read_bytes()
    assert file["size"] == len(body) and file["sha256"] == hashlib.sha256(body).hexdigest() and file["rows"] == 3
    references = {row[0] for row in list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]}
    assert references == {results[k].reference for k in ("named", "hidden", "organisation")}


def test_a_quarter_larger_than_the_limit_is_split_into_parts_each_with_its_header(results, quarter, settings):
    header = len(publishing._line(datasets.PROPOSALS.header(), bom=True))
    settings.OPEN_DATA_MAX_FILE_BYTES = limit = header + 400  # room for one of these rows, not two
    passport = publishing.publish_quarter(*quarter)
    assert len(passport["files"]) == 3
    seen = []
    for file in passport["files"]:
        body = (publishing.folder() / file["name"]).read_bytes()
        assert len(body) <= limit
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert rows[0] == datasets.PROPOSALS.header()
        seen += [row[0] for row in rows[1:]]
    assert sorted(seen) == sorted(results[k].reference for k in ("named", "hidden", "organisation"))


def test_the_open_data_page_lists_the_quarters_and_serves_their_files_and_nothing_else(client, results, quarter):
    publishing.publish([quarter])
    page = client.get(url("downloads:open-data", "ru")).content.decode()
    code = f"proposals-{quarter[0]}-q{quarter[1]}"
    assert f"/ru/open-data/{code}.csv" in page and f"/ru/open-data/{code}.json" in page
    assert "/api/v1/docs/" in page
    response = client.get(f"/ru/open-data/{code}.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    passport = client.get(f"/ru/open-data/{code}.json")
    assert json.loads(b"".join(passport.streaming_content))["code"] == code
    (publishing.folder() / "secret.txt").write_text("no")
    for name in ("secret.txt", "catalogue.json", "..%2Fsettings.py", "proposals-1999-q1.csv"):
        assert client.get(f"/ru/open-data/{name}").status_code == 404, name


def test_a_quarter_is_written_yyyy_qn():
    with pytest.raises(CommandError, match="YYYY-qN"):
        call_command("publish_open_data", "--quarter", "2026-5")
