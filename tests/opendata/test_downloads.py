"""The public downloads of results, read back as a spreadsheet program would: CSV and XLSX of a consultation's
listed proposals with the council's decisions, and of a council's quarter."""

import csv
import io

import pytest
from openpyxl import load_workbook

from consultations.models import Consultation
from proposals.models import Proposal
from tests.factories import add_proposal, closed_window, consultation_at, secretary_of, url
from tests.public_fixtures import published_at

from .conftest import publish_results

pytestmark = pytest.mark.django_db
State = Consultation.State


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def read_xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [[("" if value is None else value) for value in row] for row in sheet.iter_rows(values_only=True)]


def test_the_results_page_links_both_files_and_each_holds_the_listed_proposals_with_decisions(client, results):
    consultation = results["consultation"]
    page = client.get(url("consultations:results", "ru", slug=consultation.slug)).content.decode()
    csv_url = f"/ru/consultations/{consultation.slug}/results/proposals.csv"
    assert csv_url in page and csv_url.replace(".csv", ".xlsx") in page
    response = client.get(csv_url)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="proposals-{consultation.slug}.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert header[0] == "тіркеу нөмірі / регистрационный номер"  # both languages in every header
    assert "ұсыныс / предложение" in header
    by_reference = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert set(by_reference) == {results[k].reference for k in ("named", "hidden", "organisation")}
    hidden = by_reference[results["hidden"].reference]
    assert hidden["авторы / автор"] == "" and hidden["ұсыныс / предложение"] == "Продлить работу автобусов до полуночи."
    named = by_reference[results["named"].reference]
    assert named["қоғамдық кеңестің шешімі / решение общественного совета"] == Proposal.Decision.TAKEN
    assert "учтено" in named.values() and "Предложение обоснованно." in named.values()

    xlsx = read_xlsx(client.get(csv_url.replace(".csv", ".xlsx")))
    assert xlsx[0] == header
    assert sorted(map(str, (row[0] for row in xlsx[1:]))) == sorted(by_reference)


def test_a_text_a_spreadsheet_would_run_is_kept_a_text(client):
    consultation = consultation_at(State.HELD, listed_proposals=0, **closed_window())
    by = secretary_of(consultation.schedule.council)
    add_proposal(consultation, by=by, moderation=Proposal.Moderation.LISTED, text='=HYPERLINK("http://x.test","y")')
    publish_results(consultation)
    base = f"/kk/consultations/{consultation.slug}/results/proposals"
    [row] = read_csv(client.get(f"{base}.csv"))[1:]
    assert '\'=HYPERLINK("http://x.test","y")' in row
    [row] = read_xlsx(client.get(f"{base}.xlsx"))[1:]
    assert '\'=HYPERLINK("http://x.test","y")' in row


def test_a_council_quarter_holds_its_published_results_only(client, results):
    consultation = results["consultation"]
    council, schedule = consultation.schedule.council, consultation.schedule
    published_at(State.HELD, council=council)  # its proposals are not published yet
    page = client.get(url("councils:detail", "kk", slug=council.slug)).content.decode()
    path = f"/kk/councils/{council.slug}/results/{schedule.year}-q{schedule.quarter}.csv"
    assert path in page
    rows = read_csv(client.get(path))[1:]
    assert {row[0] for row in rows} == {results[k].reference for k in ("named", "hidden", "organisation")}
    assert client.get(path.replace(".csv", ".xlsx")).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/kk/consultations/{slug}/results/proposals.pdfx",
        "/kk/consultations/no-such-one/results/proposals.csv",
        "/kk/councils/{council}/results/2026-q5.csv",
        "/kk/councils/no-such-council/results/2026-q1.csv",
    ],
)
def test_a_wrong_address_is_not_found(client, results, path):
    consultation = results["consultation"]
    path = path.format(slug=consultation.slug, council=consultation.schedule.council.slug)
    assert client.get(path).status_code == 404


def test_before_the_position_is_published_there_is_nothing_to_download(client):
    held = published_at(State.HELD)
    assert client.get(f"/kk/consultations/{held.slug}/results/proposals.csv").status_code == 404
