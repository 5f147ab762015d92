"""The ministry's compliance page in the admin: the matrix, filters, drill-down, exports; refused to others."""

import csv
import io
import itertools
import re
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from consultations.models import Consultation
from councils.models import Council
from tests.factories import CouncilFactory, RegionFactory, UserFactory, secretary_of, staff_of
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
    html = ministry.get("/admin/compliance/?quarter=all").content.decode()
    assert active.schedule.council.name_kk in html and idle.name_kk in html
    assert html.count('class="verdict verdict-') == 8  # 2 councils × 4 quarters, each with its word
    assert "<svg" in html and 'role="img"' in html
    one_quarter = ministry.get("/admin/compliance/?quarter=3").content.decode()
    assert one_quarter.count('class="verdict verdict-') == 2


def selected(html: str) -> dict:
    """The value each field of the filter form shows."""
    form = re.search(r'<form method="get" class="compliance-filters">(.*?)</form>', html, re.S).group(1)
    values = {"year": re.search(r'name="year" value="(\d+)"', form).group(1)}
    for name, options in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', options)
        values[name] = chosen[0] if chosen else ""
    return values


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_with_no_filter_the_form_shows_the_year_and_quarter_the_report_is_for(ministry, councils, language):
    from django.utils import timezone, translation

    from common.quarters import quarter_of

    year, quarter = quarter_of(timezone.localdate())
    html = ministry.get("/admin/compliance/", headers={"accept-language": language}).content.decode()
    assert selected(html) == {"year": str(year), "quarter": str(quarter), "level": "", "region": ""}
    with translation.override(language):
        named = translation.gettext("Quarter %(quarter)s") % {"quarter": quarter}
    heading = re.search(r"<h2>([^<]*%[^<]*)</h2>", html).group(1)
    assert str(year) in heading and named.lower() in heading.lower()
    # a value that does not validate is shown as what replaced it
    assert selected(ministry.get("/admin/compliance/?year=abc&quarter=9&level=x").content.decode()) == selected(html)
    past = ministry.get("/admin/compliance/?year=2025&region=ulytau").content.decode()
    assert selected(past) == {"year": "2025", "quarter": "4", "level": "", "region": "ulytau"}
    everything = ministry.get("/admin/compliance/?quarter=all").content.decode()
    assert selected(everything)["quarter"] == "all"


def export_links(html: str) -> dict[str, str]:
    return {
        fmt: query.replace("&amp;", "&")
        for fmt, query in re.findall(r'href="/admin/compliance/export\.(\w+)\?([^"]*)"', html)
    }


def test_every_export_link_carries_the_filters_the_page_applies(ministry, councils):
    from django.utils import timezone

    from common.quarters import quarter_of

    year, quarter = quarter_of(timezone.localdate())
    links = export_links(ministry.get("/admin/compliance/", headers={"accept-language": "ru"}).content.decode())
    assert set(links) == {"csv", "xlsx", "pdf"}
    assert links["csv"] == f"year={year}&quarter={quarter}&lang=ru"
    links = export_links(
        ministry.get("/admin/compliance/?year=2026&quarter=3&level=oblast&region=ulytau").content.decode()
    )
    for query in links.values():
        assert query.startswith("year=2026&quarter=3&level=oblast&region=ulytau&")


def csv_rows(client, query: str) -> list[list[str]]:
    content = client.get(f"/admin/compliance/export.csv?{query}").content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_the_csv_and_the_xlsx_hold_the_quarter_and_the_councils_the_page_shows(ministry, councils):
    active, idle = councils
    page = ministry.get("/admin/compliance/?year=2026&quarter=3").content.decode()
    query = export_links(page)["csv"]
    rows = csv_rows(ministry, query)
    assert [row[4] for row in rows[1:]] == ["3", "3"]  # the quarter column: Q3 only, one row per council
    assert {row[0] for row in rows[1:]} == {active.schedule.council.name_kk, idle.name_kk}
    sheet = list(
        load_workbook(io.BytesIO(ministry.get(f"/admin/compliance/export.xlsx?{query}").content)).active.values
    )
    assert [row[4] for row in sheet[1:]] == [3, 3]
    assert {row[0] for row in csv_rows(ministry, "year=2026&quarter=3&region=ulytau")[1:]} == {
        active.schedule.council.name_kk
    }
    whole_year = csv_rows(ministry, "year=2026&quarter=all")
    assert sorted(int(row[4]) for row in whole_year[1:]) == [1, 1, 2, 2, 3, 3, 4, 4]


@pytest.mark.parametrize(
    ("language", "headers"),
    [
        ("kk", ["Қоғамдық кеңес", "Деңгейі", "Өңір", "Жыл", "Тоқсан"]),
        ("ru", ["Общественный совет", "Уровень", "Регион", "Год", "Квартал"]),
    ],
)
def test_the_xlsx_is_laid_out_for_reading_with_headers_in_the_pages_language(ministry, councils, language, headers):
    active, idle = councils
    workbook = load_workbook(
        io.BytesIO(ministry.get(f"/admin/compliance/export.xlsx?quarter=all&lang={language}").content)
    )
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == headers and all(cell.font.bold for cell in sheet[1])
    widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
    assert all(width > 8.43 for width in widths)  # wider than a spreadsheet's default column
    council_name = max(active.schedule.council.name_kk, idle.name_kk, key=len)
    assert widths[0] >= len(council_name)
    rows = list(sheet.values)[1:]
    assert all(isinstance(row[-2], int) and isinstance(row[-1], int) for row in rows)  # sent, answered in time
    slugs = {active.schedule.council.slug, idle.slug, "ulytau", "compliant", "non_compliant", "not_yet_due"}
    assert not {cell for row in sheet.values for cell in row} & slugs


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
    names = {r.council.name_ru: slug for slug, r in results.items()}
    chosen = {names[r[0]]: r for r in rows[1:] if r[4] == str(quarter)}
    with translation.override("ru"):
        assert {slug: row[5] for slug, row in chosen.items()} == {s: str(r.verdict_label) for s, r in results.items()}

    workbook = load_workbook(io.BytesIO(ministry.get(f"/admin/compliance/export.xlsx?{query}&lang=kk").content))
    sheet = list(workbook.active.iter_rows(values_only=True))
    assert len(sheet) == len(rows)
    with translation.override("kk"):
        expected = {s: str(r.verdict_label) for s, r in results.items()}
        names = {r.council.name_kk: slug for slug, r in results.items()}
        assert {names[r[0]]: r[5] for r in sheet[1:] if r[4] == quarter} == expected
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


BACKGROUND = r'<rect x="0" y="(\d+)" width="\d+" height="(\d+)" fill="#e8edf1">'  # a bar's whole length


def test_each_chart_has_its_figures_in_a_table_beside_it(ministry, councils):
    html = ministry.get("/admin/compliance/?quarter=all", headers={"accept-language": "ru"}).content.decode()
    figures = re.findall(r'<figure class="chart">(.*?)</figure>', html, re.S)
    assert len(figures) == 2
    for figure in figures:
        svg, table = figure.split("</svg>")
        title = re.search(r"<title[^>]*>([^<]+)</title>", svg).group(1)
        assert re.search(r"<figcaption[^>]*>([^<]+)</figcaption>", svg).group(1) == title
        assert re.search(r"<desc[^>]*>[^<]+</desc>", svg)
        assert re.search(r"<caption[^>]*>Диаграмма в цифрах</caption>", table)
        drawn = re.findall(r'font-size="(\d+)"[^>]*>(\d+)% \((\d+)/(\d+)\)</text>', svg)
        rows = re.sub(r">\s+<", "><", table)  # the whitespace between the table's tags shows nowhere
        tabled = re.findall(r"<tr><th scope=\"row\">[^<]+</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)%</td></tr>", rows)
        assert drawn and [(c, t, p) for _size, p, c, t in drawn] == tabled
        assert all(int(size) >= 11 for size in re.findall(r'font-size="(\d+)"', svg))
        groups = re.findall(r'<g transform="translate\(0,(\d+)\)">(.*?)</g>', svg, re.S)
        bars = [(int(top) + int(y), int(height)) for top, g in groups for y, height in re.findall(BACKGROUND, g)]
        assert len(bars) == len(tabled)
        assert all(nxt - (top + height) >= 8 for (top, height), (nxt, _h) in itertools.pairwise(bars))  # gaps
    assert "Квартал 3" in figures[0] or "3 квартал" in figures[0]


def test_a_second_look_reuses_the_verdicts_and_a_change_judges_them_anew(
    ministry, councils, settings, django_capture_on_commit_callbacks
):
    """The verdicts are kept until content changes (common.page_cache), so that 300 councils are not judged on
    every look; any change of what they rest on has them judged anew at the next look."""
    settings.PAGE_CACHE = True
    _active, idle = councils

    def judged() -> bool:
        with CaptureQueriesContext(connection) as queries:
            assert idle.name_kk in ministry.get("/admin/compliance/?quarter=all").content.decode()
        return any("consultations_consultationtransition" in query["sql"] for query in queries.captured_queries)

    assert judged()
    assert not judged()
    with django_capture_on_commit_callbacks(execute=True):
        idle.save()
    assert judged()


def test_a_publication_recorded_by_one_council_shows_at_once_and_no_other_council_is_judged_again(
    ministry, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The verdicts are kept per council (common.page_cache, `remember_per_council`): a secretary's write has
    their council judged again at the ministry's next look, and only theirs."""
    from django.utils import timezone

    from consultations import compliance
    from publications import services
    from publications.models import Announcement, Delivery

    settings.PAGE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):  # committed: nothing of theirs pending
        active = published_at(Consultation.State.POSITION_PUBLISHED)
        idle = CouncilFactory()
    council = active.schedule.council
    judged, review = [], compliance.review
    monkeypatch.setattr(
        compliance, "review", lambda chosen, *a, **k: judged.append({c.pk for c in chosen}) or review(chosen, *a, **k)
    )

    def results_published() -> str:
        """The rule "Results published" of the active council's quarter, as the CSV gives it."""
        rows = csv_rows(ministry, f"year={active.schedule.year}&quarter={active.schedule.quarter}&lang=ru")
        column = rows[0].index("Итоги опубликованы")
        return next(row[column] for row in rows[1:] if row[0] == council.name_ru)

    assert results_published() == "срок не наступил"  # on the portal only, and not yet due
    assert judged == [{council.pk, idle.pk}]
    with django_capture_on_commit_callbacks(execute=True):
        services.record_publication(
            Announcement.objects.get(council=council, event=Announcement.Event.RESULTS_PUBLISHED),
            by=secretary_of(council), outlet_kind=Delivery.OutletKind.NEWS_SITE, outlet="Qazinform",
            link="https://www.inform.kz/ru/results", published_on=timezone.localdate(),
        )  # fmt: skip
    assert results_published() == "соответствует"
    assert judged == [{council.pk, idle.pk}, {council.pk}]
    assert results_published() == "соответствует"
    assert len(judged) == 2  # kept again


def test_the_beat_job_has_the_verdicts_judged_before_the_ministrys_first_look(
    ministry, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """After midnight every council's verdicts are judged anew (they change with the day): the job does it before
    the ministry looks, and the look finds them kept."""
    from consultations import compliance, tasks

    settings.PAGE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        active = published_at(Consultation.State.POSITION_PUBLISHED)
        idle = CouncilFactory(name_kk="Бос кеңес")
    assert tasks.judge_compliance_ahead() == 2
    judged, review = [], compliance.review
    monkeypatch.setattr(compliance, "review", lambda *a, **k: judged.append(a) or review(*a, **k))
    html = ministry.get(f"/admin/compliance/?year={active.schedule.year}&quarter=all").content.decode()
    assert active.schedule.council.name_kk in html and idle.name_kk in html
    assert html.count('class="verdict verdict-') == 8
    assert judged == []


def test_where_nothing_is_kept_the_beat_job_judges_nothing(settings):
    from consultations import tasks

    settings.PAGE_CACHE = settings.PAGE_CACHE_VALUES = False
    CouncilFactory()
    assert tasks.judge_compliance_ahead() == 0


def test_a_change_whose_version_the_cache_lost_shows_after_the_beat_job(
    ministry, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The cache down when a write commits: the verdicts kept before it are shown until the beat job, every 10
    minutes, judges every council again."""
    from django.utils import timezone

    from common import page_cache
    from consultations import tasks
    from publications import services
    from publications.models import Announcement, Delivery

    settings.PAGE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        active = published_at(Consultation.State.POSITION_PUBLISHED)
    council = active.schedule.council

    def results_published() -> str:
        rows = csv_rows(ministry, f"year={active.schedule.year}&quarter={active.schedule.quarter}&lang=ru")
        column = rows[0].index("Итоги опубликованы")
        return next(row[column] for row in rows[1:] if row[0] == council.name_ru)

    assert results_published() == "срок не наступил"
    with monkeypatch.context() as down, django_capture_on_commit_callbacks(execute=True):
        down.setattr(page_cache, "_set_new_version", lambda councils: None)  # the cache did not answer
        services.record_publication(
            Announcement.objects.get(council=council, event=Announcement.Event.RESULTS_PUBLISHED),
            by=secretary_of(council), outlet_kind=Delivery.OutletKind.NEWS_SITE, outlet="Qazinform",
            link="https://www.inform.kz/ru/results", published_on=timezone.localdate(),
        )  # fmt: skip
    assert results_published() == "срок не наступил"  # kept: the change's version was lost
    tasks.judge_compliance_ahead()
    assert results_published() == "соответствует"
