"""The PDF list of 50,000 proposals, rendered as the worker renders it (issue 16, item 3).

    python bench/proposals_pdf.py --database-url postgresql://postgres@127.0.0.1:5432/qogam_bench_pdf \\
        --create-database --migrate [--rows 50000] [--part-rows 500] [--max-rss-mb 700] [--language both]
    python bench/proposals_pdf.py --database-url … --seeded      # the 50,000 of bench/seed_national.py

It makes a consultation whose list of proposals is formed (step 5), with `--rows` listed proposals decided
with reasons in both languages (the tests' factories, then one bulk insert), or with `--seeded` takes the
published consultation with the most listed proposals of a database seeded by bench/seed_national.py; freezes
its list of proposals as the secretary's preview does (`pdf.preview`, timed: the snapshot), and renders it with
`pdf.render` — the function the worker's task calls — in a child process of its own, so that the peak resident
memory it prints is the rendering's alone. It prints each part (rows, pages so far, seconds, memory), then the
time (wall clock and CPU), parts, pages, file size and peak RSS, and reads the PDF back with poppler: `pdfinfo`
for the pages, `pdftotext` for every reference, which must all be there, in order. It exits with status 1 when
a check fails or the document failed (the memory ceiling included).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    (
        "kk",
        "Ауладағы балалар алаңын жөндеу керек: әткеншектер сынған, құм жәшігі бос, түнде жарық жоқ. "
        "Әкімдік келесі жылдың бюджетіне қаражат қарастырсын, тұрғындармен ақылдассын.",
    ),
    ("ru", "Прошу отремонтировать детскую площадку во дворе: качели сломаны, вечером нет освещения."),
    (
        "ru",
        "Предлагаю продлить маршрут автобуса № 12 до нового микрорайона и увеличить число рейсов в часы пик; "
        "сейчас люди ждут по сорок минут на остановке без навеса, особенно тяжело пожилым и детям зимой.",
    ),
    ("kk", "Мектеп маңындағы жаяу жүргіншілер өткеліне бағдаршам орнату қажет."),
]
REASONS = (
    "Ішінара ескерілді: қаржы келесі жылы бөлінеді, жұмыс тұрғындармен келісіледі.",
    "Учтено частично: средства будут выделены в следующем году, работы согласуют с жителями.",
)


def peak_rss_mb() -> int:
    """This process's peak resident memory. Linux's VmHWM, not ru_maxrss: a child keeps the ru_maxrss of the
    parent it was forked from across exec (the 50,000 run's child showed its parent's 744 MB)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # Linux: kilobytes


def make_consultation(rows: int, language: str):
    from consultations.models import Consultation
    from proposals.models import Proposal
    from tests import factories
    from tests.factories import CouncilFactory, consultation_at

    # The factories number their slugs from 0 in every process: go on after the runs before, in the same database.
    start = int(time.time()) % 10**7 * 10
    for factory in vars(factories).values():
        if isinstance(factory, type) and issubclass(factory, factories.DjangoModelFactory) and factory._meta.model:
            factory.reset_sequence(start, force=True)
    council = CouncilFactory(
        name_kk="Ұлытау облысының қоғамдық кеңесі",
        name_ru="Общественный совет области Ұлытау",
        document_language=language,
    )
    consultation = consultation_at(Consultation.State.PROPOSALS_COMPILED, council=council, listed_proposals=0)
    series = 9000 + consultation.pk % 1000  # references are unique: each run its own "year"
    batch = []
    for n in range(rows):
        text_language, text = TEXTS[n % len(TEXTS)]
        batch.append(
            Proposal(
                consultation=consultation,
                reference=f"QG-{series}-{n + 1:06d}",
                language=text_language,
                channel="mail",  # a portal proposal needs its consent: not what is measured
                text=text,
                author_name="Әлия Серікова" if n % 3 else "Сергей Иванов",
                hide_name=n % 7 == 0,
                moderation="listed",
                decision=("taken_into_account", "partly_taken", "not_taken")[n % 3],
                decision_reasons_kk=REASONS[0],
                decision_reasons_ru=REASONS[1],
            )
        )
        if len(batch) == 5000:
            Proposal.objects.bulk_create(batch)
            batch = []
    Proposal.objects.bulk_create(batch)
    return consultation


def seeded_consultation():
    from django.db.models import Count, Q

    from consultations.models import Consultation

    return (
        Consultation.objects.filter(state=Consultation.State.POSITION_PUBLISHED)
        .annotate(listed=Count("proposals", filter=Q(proposals__moderation="listed")))
        .order_by("-listed")
        .first()
    )


def prepare(args) -> int:
    """Make (or find) the consultation and freeze its list of proposals; return the document's id."""
    from consultations import pdf
    from consultations.models import RenderedDocument

    started = time.monotonic()
    consultation = seeded_consultation() if args.seeded else make_consultation(args.rows, args.language)
    listed = consultation.proposals.filter(moderation="listed").count()
    print(f"Consultation {consultation.slug}: {listed:,} listed proposals ({time.monotonic() - started:.1f} s).")
    started = time.monotonic()
    document = pdf.preview(RenderedDocument.Kind.PROPOSALS, consultation=consultation)
    print(
        f"Snapshot frozen (pdf.preview): {time.monotonic() - started:.1f} s, peak RSS of this process "
        f"{peak_rss_mb()} MB, {document.language}."
    )
    return document.pk


def render_child(document_id: int) -> None:
    """In its own process: render the document as the worker does, printing each part, then a JSON summary."""
    from django.conf import settings

    from consultations import pdf

    started = time.monotonic()
    last = [started]

    def on_part(part, pages):
        now = time.monotonic()
        last_row = min(part.rows_before + settings.PDF_PART_ROWS, part.rows_total)
        print(
            f"  part {part.index + 1}/{part.count}: rows {part.rows_before + 1:,}–{last_row:,}, pages so far "
            f"{pages:,}, {now - last[0]:.1f} s, RSS now {pdf.resident_mb()} MB, peak {peak_rss_mb()} MB",
            flush=True,
        )
        last[0] = now

    result = pdf.render(document_id, on_part=on_part)
    summary = {
        "result": result,
        "seconds": round(time.monotonic() - started, 1),
        "peak_rss_mb": peak_rss_mb(),
        # CPU time: on a shared machine the wall clock mostly measures the neighbours
        "cpu_seconds": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1),
    }
    print("SUMMARY " + json.dumps(summary), flush=True)


def check(document_id: int, summary: dict) -> bool:
    from django.conf import settings

    from consultations.models import RenderedDocument

    document = RenderedDocument.objects.defer("data").get(pk=document_id)
    if document.state != RenderedDocument.State.READY:
        print(f"Document {document.state}: {document.error}")
        return False
    path = document.file.path
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout
    references = re.findall(r"QG-\d{4}-\d{6}", text)
    expected = list(
        document.consultation.proposals.filter(moderation="listed")
        .order_by("submitted_at", "id")
        .values_list("reference", flat=True)
    )
    parts = -(-len(expected) // settings.PDF_PART_ROWS)
    ok = references == expected and pages == document.pages
    print(
        f"Rendered {len(expected):,} rows in {summary['seconds']:.0f} s ({summary['seconds'] / 60:.1f} min; "
        f"CPU {summary.get('cpu_seconds', 0):.0f} s), "
        f"{parts} parts of {settings.PDF_PART_ROWS} rows, {pages:,} pages (pdfinfo; {document.pages:,} counted), "
        f"{os.path.getsize(path) / 2**20:.1f} MB; peak RSS {summary['peak_rss_mb']} MB "
        f"(ceiling {settings.PDF_MAX_RSS_MB} MB)."
    )
    print(
        f"pdftotext: {len(references):,} references, first {references[:1]}, last {references[-1:]}; "
        f"every reference present and in order: {references == expected}."
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL database (else DATABASE_URL)")
    parser.add_argument("--create-database", action="store_true", help="create the database if it is missing")
    parser.add_argument("--migrate", action="store_true", help="apply the migrations first")
    parser.add_argument("--rows", type=int, default=50_000, help="listed proposals of the consultation made")
    parser.add_argument("--seeded", action="store_true", help="the largest published consultation already there")
    parser.add_argument("--language", default="both", choices=["kk", "ru", "both"], help="the council's documents")
    parser.add_argument("--part-rows", type=int, help="PDF_PART_ROWS (else the setting's default)")
    parser.add_argument("--max-rss-mb", type=int, help="PDF_MAX_RSS_MB (else the setting's default)")
    parser.add_argument("--render", type=int, metavar="DOCUMENT", help=argparse.SUPPRESS)  # the child
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if args.part_rows:
        os.environ["PDF_PART_ROWS"] = str(args.part_rows)
    if args.max_rss_mb:
        os.environ["PDF_MAX_RSS_MB"] = str(args.max_rss_mb)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
    sys.path.insert(0, str(ROOT))
    if args.create_database:
        from bench.seed_national import create_database

        create_database(os.environ.get("DATABASE_URL", ""))
    import django

    django.setup()
    if args.render:
        render_child(args.render)
        return 0
    if args.migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    from django.conf import settings

    document_id = prepare(args)
    print(
        f"Rendering document {document_id} in parts of {settings.PDF_PART_ROWS} rows, "
        f"ceiling {settings.PDF_MAX_RSS_MB} MB; load average {os.getloadavg()[0]:.1f}.",
        flush=True,
    )
    child = subprocess.Popen(
        [sys.executable, __file__, "--render", str(document_id)], stdout=subprocess.PIPE, text=True, env=os.environ
    )
    summary = {}
    for line in child.stdout:  # as the parts come
        if line.startswith("SUMMARY "):
            summary = json.loads(line.removeprefix("SUMMARY "))
        else:
            print(line, end="", flush=True)
    child.wait()
    if child.returncode or not summary:
        print(f"The rendering process failed (status {child.returncode}).")
        return 1
    ok = check(document_id, summary)
    print(f"Load average at the end {os.getloadavg()[0]:.1f}.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
