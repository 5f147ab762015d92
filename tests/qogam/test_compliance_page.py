"""The ministry's compliance page in the admin: the matrix, filters, drill-down, exports; refused to others."""

import csv
import io
import re
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from consultations.models import Consultation
from councils.models import Council
from tests.factories import CouncilFactory, RegionFactory, UserFactory, staff_of
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def councils():
    region = RegionFactory(name_ru="Ұлытау облысы", slug="ulytau")
    active = published_at(Consultation.State.POSITION_PUBLISHED, council=CouncilFactory(region=region))
    idle = CouncilFactory(name_kk="Бос кеңес", name_ru="Пустой совет")
    return active, idle


def share_of(html: str) -> int:
    """The share of compliant councils the page's heading gives, in %."""
    heading = re.search(r"<h2>([^<]*%[^<]*)</h2>", html).group(1)
    return int(re.search(r"(\d+)%", heading).group(1))


def test_the_matrix_shows_every_council_and_quarter_with_text_and_colour(ministry, councils):
    active, idle = councils
    html = ministry.get("/admin/compliance/").content.decode()
    assert active.schedule.council.name_kk in html and idle.name_kk in html
    assert html.count('class="verdict verdict-') >= 8  # 2 councils × 4 quarters, each with its word
    assert "<svg" in html and 'role="img"' in html


def test_filters_by_region_level_and_state_body(ministry, councils):
    active, idle = councils
    by_region = ministry.get("/admin/compliance/?region=ulytau").content.decode()
    assert active.schedule.council.name_kk in by_region and idle.name_kk not in by_region
    by_level = ministry.get("/admin/compliance/?level=central").content.decode()
    assert active.schedule.council.name_kk not in by_level
    by_body = ministry.get("/admin/compliance/?state_body=акимат").content.decode()
    assert idle.name_kk in by_body
    assert ministry.get("/admin/compliance/?year=abc&quarter=9&region=<x>").status_code == 200


def test_the_drill_down_lists_each_rule_with_its_evidence_and_basis(ministry, councils):
    active, _idle = councils
    schedule = active.schedule
    html = ministry.get(
        f"/admin/compliance/{schedule.council.slug}/{schedule.year}-q{schedule.quarter}/"
    ).content.decode()
    assert html.count("<tr>") >= 9  # the header and eight rules
    assert "/admin/councils/meeting/" in html and f"/admin/consultations/consultation/{active.pk}/change/" in html
    assert "Закон" in html or "Заң" in html  # the rules' basis


def test_exports_carry_the_figures_of_the_page(ministry, councils):
    from django.utils import translation

    from consultations import compliance

    active, idle = councils
    year, quarter = active.schedule.year, active.schedule.quarter
    query = f"year={year}&quarter={quarter}"
    page = ministry.get(f"/admin/compliance/?{query}").content.decode()
    share = share_of(page)
    results = {r.council.slug: r for r in compliance.review(Council.objects.all(), [(year, quarter)])}
    assert share == round(100 * sum(r.verdict == "compliant" for r in results.values()) / len(results))

    rows = list(
        csv.reader(
            io.StringIO(ministry.get(f"/admin/compliance/export.csv?{query}&lang=ru").content.decode("utf-8-sig"))
        )
    )
    chosen = {r[1]: r for r in rows[1:] if r[5] == str(quarter)}
    with translation.override("ru"):
        assert {slug: row[6] for slug, row in chosen.items()} == {s: str(r.verdict_label) for s, r in results.items()}

    workbook = load_workbook(io.BytesIO(ministry.get(f"/admin/compliance/export.xlsx?{query}&lang=kk").content))
    sheet = list(workbook.active.iter_rows(values_only=True))
    assert len(sheet) == len(rows)
    with translation.override("kk"):
        expected = {s: str(r.verdict_label) for s, r in results.items()}
        assert {r[1]: r[6] for r in sheet[1:] if r[5] == quarter} == expected
        assert all(label in page for label in expected.values())

    pdf = ministry.get(f"/admin/compliance/export.pdf?{query}&lang=kk")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert active.schedule.council.name_kk in " ".join(text.split()) and idle.name_kk in " ".join(text.split())
    assert f"{share}%" in text


def test_refused_to_a_secretary_and_to_anonymous_visitors(client, councils):
    for path in ("/admin/compliance/", "/admin/compliance/export.csv"):
        assert client.get(path).status_code == 302  # to the admin's sign-in
    client.force_login(staff_of(Council.objects.first()))
    assert client.get("/admin/compliance/").status_code == 302
    client.force_login(UserFactory(is_staff=True))  # staff without the ministry's permissions
    assert client.get("/admin/compliance/").status_code == 403


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_matrix_takes_the_same_number_of_queries_for_few_and_for_many_councils(ministry, councils):
    few = queries(ministry, "/admin/compliance/")
    for _ in range(5):
        published_at(Consultation.State.PROPOSALS_COMPILED, council=CouncilFactory(), occasion="draft_act")
    CouncilFactory.create_batch(20)
    assert queries(ministry, "/admin/compliance/") == few


def test_three_hundred_councils_over_four_quarters_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    from consultations import compliance

    CouncilFactory.create_batch(300)
    with django_assert_max_num_queries(15):
        results = compliance.review(Council.objects.all(), [(2026, q) for q in (1, 2, 3, 4)])
    assert len(results) == 1200


def test_the_command_prints_the_same_verdicts(councils, capsys):
    active, idle = councils
    call_command("compliance", year=active.schedule.year, quarter=active.schedule.quarter)
    lines = dict(line.split("\t", 1) for line in capsys.readouterr().out.splitlines())
    assert set(lines) >= {active.schedule.council.slug, idle.slug}
    assert lines[idle.slug].split("\t")[0] in ("non_compliant", "not_yet_due")
