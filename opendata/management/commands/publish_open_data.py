"""Write the quarterly open-data files and their passports (opendata/publishing.py).

manage.py publish_open_data                 # the current and the previous quarter
manage.py publish_open_data --quarter 2026-q3
manage.py publish_open_data --all           # every quarter with a published schedule
"""

import re

from django.core.management.base import BaseCommand, CommandError

from opendata import publishing


class Command(BaseCommand):
    help = "Write the quarterly open-data files (CSV, at most 10 MB each) and their passports."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", action="append", default=[], help="YYYY-qN; may be given more than once")
        parser.add_argument("--all", action="store_true", help="every quarter with a published schedule")

    def handle(self, *args, quarter, all, **options):
        quarters = None
        if all:
            quarters = publishing.quarters_with_schedules()
        elif quarter:
            quarters = [self._quarter(value) for value in quarter]
        for written in publishing.publish(quarters):
            rows = sum(file["rows"] for file in written["files"])
            size = sum(file["size"] for file in written["files"])
            self.stdout.write(f"{written['code']}: {rows} rows in {len(written['files'])} file(s), {size:,} bytes")
        self.stdout.write(f"Catalogue: {publishing.folder() / 'catalogue.json'}")

    def _quarter(self, value: str) -> tuple[int, int]:
        match = re.fullmatch(r"(\d{4})-q([1-4])", value.strip().lower())
        if not match:
            raise CommandError(f"A quarter is written YYYY-qN, e.g. 2026-q3, not {value!r}.")
        return int(match[1]), int(match[2])
