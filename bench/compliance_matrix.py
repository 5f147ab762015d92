"""The ministry's compliance matrix and its exports against a national-scale database (BENCHMARKS.md, "The
compliance matrix"): Django's test client in this process, as a superuser, DEBUG off. For each request, its
server time (wall clock) and CPU time in this process, its queries and its size:

- after a council's write: the first look after a write of one council's content (`page_cache.bump(council)`,
  as a secretary's step does: a different council each time), which judges that council anew, the verdicts of
  the others kept per council (common/page_cache.py, `remember_per_council`): the best of `--repeat`;
- first: the run's first look, nothing kept (it also pays what a process does once: compiling the templates,
  reading the holidays);
- after a write of every council's: the first look after a change whose council is not known (the policy, an
  edit in the admin; a new day), which judges all of them anew. Each consultation's judgements are remembered in
  the process by the facts they read (consultations/compliance.py, `_judgements`), so only what changed is
  judged again: the best of `--repeat`;
- nothing remembered: the same, with those judgements forgotten too, as a worker's first look after it starts;
- warm: the best of `--repeat` looks with the verdicts kept.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/qogam_bench REDIS_URL=redis://127.0.0.1:6379/11 \
        .venv/bin/python bench/compliance_matrix.py

The database is the one bench/seed_national.py writes. The script adds one superuser (`bench-ministry`) if
it is missing, and changes nothing else there; it changes the page cache's versions in REDIS_URL's cache (use
a Redis database of your own). Issue 16's target applies to the matrix's pages, after a council's write and
warm; the exit status is 1 when one misses it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import django

PATHS = [
    ("matrix, this quarter", "/admin/compliance/"),
    ("matrix, all quarters", "/admin/compliance/?quarter=all"),
    ("matrix, all quarters (ru)", "/admin/compliance/?quarter=all&lang=ru"),
    ("CSV, all quarters", "/admin/compliance/export.csv?quarter=all&lang=kk"),
    ("XLSX, all quarters", "/admin/compliance/export.xlsx?quarter=all&lang=kk"),
]
PDF = ("PDF, all quarters", "/admin/compliance/export.pdf?quarter=all&lang=kk")
# Issue 16: the matrix of 300 councils × 4 quarters in under 500 ms (the pages; the downloads have no target).
TARGET_MS = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold looks after the first, and warm looks (default 3)")
    parser.add_argument("--pdf", action="store_true", help="the PDF export too (slow: WeasyPrint)")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("SITE_URL", "http://testserver")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    django.setup()

    from django.conf import settings

    # Static files are not collected for the bench: their names are not hashed (as in the tests).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from common import page_cache
    from consultations import compliance
    from councils.models import Council

    user, created = get_user_model().objects.get_or_create(
        username="bench-ministry", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    client = Client()
    client.force_login(user)
    print(f"{Council.objects.active().count()} active councils; load average {os.getloadavg()[0]:.1f}")
    print(
        f"| request | KB | first | after a council's write: best of {args.repeat} | its CPU | queries "
        f"| after a write of every council's: best of {args.repeat} | nothing remembered: best of {args.repeat} "
        f"| warm: best of {args.repeat} | its CPU | queries | target (< {TARGET_MS} ms) |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    )
    writers = iter(Council.objects.active().order_by("?"))  # a different council's write before each look
    missed = 0
    for label, path in [*PATHS, *([PDF] if args.pdf else [])]:
        headers = {}
        if "lang=ru" in path and "export" not in path:
            path, headers = path.replace("&lang=ru", ""), {"accept-language": "ru"}

        def look(changed=None, forget=False, path=path, headers=headers) -> tuple[float, float, int, int]:
            """(wall, CPU, queries, size) of one request; after a write of `changed`'s council ("every": of every
            council's); `forget`: with no judgement remembered."""
            if changed == "every":
                page_cache.bump()
            elif changed is not None:
                page_cache.bump(changed)
            if forget:
                compliance.forget_judgements()
            with CaptureQueriesContext(connection) as captured:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(path, headers=headers)
                content = response.content if not response.streaming else b"".join(response.streaming_content)
                wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            assert response.status_code == 200, (path, response.status_code)
            return wall, cpu, len(captured), len(content)

        first = look(changed="every")
        one = min(look(changed=next(writers)) for _ in range(args.repeat))
        every = min(look(changed="every") for _ in range(args.repeat))
        forgotten = min(look(changed="every", forget=True) for _ in range(args.repeat))
        warm = min(look() for _ in range(args.repeat))
        verdict = "—"
        if label.startswith("matrix"):
            one_met, warm_met = one[0] * 1000 < TARGET_MS, warm[0] * 1000 < TARGET_MS
            verdict = f"after a write {'pass' if one_met else 'MISSED'}, warm {'pass' if warm_met else 'MISSED'}"
            missed += not (one_met and warm_met)
        print(
            f"| {label} `{path}` | {first[3] / 1024:.0f} | {first[0] * 1000:.0f} ms "
            f"| {one[0] * 1000:.0f} ms | {one[1] * 1000:.0f} ms | {one[2]} "
            f"| {every[0] * 1000:.0f} ms | {forgotten[0] * 1000:.0f} ms "
            f"| {warm[0] * 1000:.0f} ms | {warm[1] * 1000:.0f} ms | {warm[2]} | {verdict} |"
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
