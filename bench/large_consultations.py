"""The pages of a 50,000-proposal consultation, timed in-process (issue 16, item 3: "Large consultations").

    python bench/large_consultations.py --database-url postgresql://postgres@127.0.0.1:5432/qogam_bench [--runs 20]

Against a database seeded by `bench/seed_national.py` (at scale 1 it writes two consultations of 50,000
proposals: one open for proposals, one whose position is published), it requests with Django's test client,
in this process (no HTTP server, no network), the public results page of the published one — its first page,
a page in the middle and its last — and the secretaries' inbox of the open one — its first page, a page deep in
the list, its last, and a filtered deep page — each `--runs` times, and prints for each the first request's
time, the best, the median and the number of SQL queries, against the targets: results < 100 ms, inbox < 300
ms, at most 10 queries. The pages deep in a list are reached as a reader reaches them, by the `after=` of a
"next page" link (common/keyset.py): the reference of the proposal the page before ended with.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LARGE = 50_000
TARGET_MS = {"results": 100, "inbox": 300}
MAX_QUERIES = 10


def measure(client, address: str, runs: int) -> dict:
    """The first request's time, then the best and median of `runs` more, in ms, the least CPU time this process
    spent on one (Python and the template: the database's time is not in it), and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu = [], []
    for _ in range(runs + 1):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(address)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{address}: status {response.status_code}")
    return {
        "first": times[0],
        "best": min(times[1:]),
        "median": statistics.median(times[1:]),
        "cpu": min(cpu[1:]),
        "queries": len(queries),
        "bytes": len(response.content),
    }


def reference_at(proposals, position: int) -> str:
    """The reference of the proposal at `position` (0-based) of a list in its order: the `after=` of the
    "next page" link of the page that ends with it."""
    return proposals.values_list("reference", flat=True)[position]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a database seeded by bench/seed_national.py (else DATABASE_URL)")
    parser.add_argument("--runs", type=int, default=20, help="requests per page after the first (default 20)")
    parser.add_argument(
        "--vacuum",
        action="store_true",
        help="VACUUM ANALYZE the proposals first, as autovacuum leaves a table (seed_national.py only ANALYZEs: "
        "until the visibility map is set, the counts read from an index visit every row as well)",
    )
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    # The pages as rendered, not as the page cache hands them to anonymous visitors (bench/load.py measures that).
    os.environ.setdefault("PAGE_CACHE", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("SITE_URL", "http://testserver")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # As in the tests: the static files' addresses without the manifest `collectstatic` writes.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from consultations import selectors as consultation_selectors
    from consultations.models import Consultation
    from councils.models import Membership
    from proposals import selectors as proposal_selectors

    if args.vacuum:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE proposals_proposal")
    large = list(
        Consultation.objects.annotate(n=Count("proposals")).filter(n__gte=LARGE).select_related("schedule__council")
    )
    published = next((c for c in large if c.state == Consultation.State.POSITION_PUBLISHED), None)
    held = next((c for c in large if c.state == Consultation.State.HELD), None)
    if published is None or held is None:
        raise SystemExit(f"No consultation of {LARGE:,} proposals: seed with bench/seed_national.py at scale 1.")

    listed = consultation_selectors.results_proposals(published)
    n_listed = listed.count()
    results = reverse("consultations:results", kwargs={"slug": published.slug}).replace("/kk/", "/{lang}/")
    with translation.override("kk"):
        inbox = reverse("workspace:inbox", kwargs={"slug": held.slug})
    every = proposal_selectors.inbox_proposals(held, with_contacts=True)
    new = every.filter(moderation="new")
    pages = [
        ("results", "first page (kk)", results.format(lang="kk")),
        ("results", "first page (ru)", results.format(lang="ru")),
        ("results", f"middle: after the {n_listed // 2:,}th", results.format(lang="kk") + "?after="
         + reference_at(listed, n_listed // 2)),
        ("results", f"end: after the {n_listed - 50:,}th", results.format(lang="ru") + "?after="
         + reference_at(listed, n_listed - 51)),
        ("results", "last page (?last=1)", results.format(lang="kk") + "?last=1"),
        ("results", "an old ?page=850 (first page)", results.format(lang="kk") + "?page=850"),
        ("inbox", "first page", inbox),
        ("inbox", "page 500: after the 24,950th", inbox + "?after=" + reference_at(every, 24_949)),
        ("inbox", "last page (?last=1)", inbox + "?last=1"),
        ("inbox", "filter moderation=new, first page", inbox + "?moderation=new"),
        ("inbox", "filter moderation=new, deep", inbox + "?moderation=new&after="
         + reference_at(new, new.count() // 2)),
        ("inbox", "filter language=ru&channel=mail, deep", inbox + "?language=ru&channel=mail&after="
         + reference_at(every.filter(language="ru", channel="mail"), 700)),
    ]  # fmt: skip

    public = Client()
    secretary = Client()
    membership = Membership.objects.filter(council=held.schedule.council, role=Membership.Role.SECRETARY).first()
    secretary.force_login(membership.user)
    print(f"Results: {published.slug} ({n_listed:,} proposals in the list); inbox: {held.slug} ({every.count():,}).")
    print(f"{args.runs} requests per page after the first; server time in this process, in ms.\n")
    print(f"{'page':<8} {'which':<42} {'first':>8} {'best':>8} {'median':>8} {'cpu':>6} {'queries':>8}  target")
    failed = 0
    for kind, label, address in pages:
        figures = measure(public if kind == "results" else secretary, address, args.runs)
        ok = figures["best"] < TARGET_MS[kind] and figures["queries"] <= MAX_QUERIES
        failed += not ok
        print(
            f"{kind:<8} {label:<42} {figures['first']:>8.1f} {figures['best']:>8.1f} {figures['median']:>8.1f} "
            f"{figures['cpu']:>6.1f} {figures['queries']:>8}  < {TARGET_MS[kind]} ms, ≤ {MAX_QUERIES} queries: "
            f"{'ok' if ok else 'MISSED'}"
        )
    print(f"\nLoad average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
