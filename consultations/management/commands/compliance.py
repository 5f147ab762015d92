"""python manage.py compliance --year 2026 --quarter 3 — the verdicts of a quarter, for scripts."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from common.quarters import quarter_of
from consultations import compliance
from councils import ordering
from councils.models import Council


class Command(BaseCommand):
    help = "Print each active council's compliance verdict for a quarter, tab-separated."

    def add_arguments(self, parser):
        year, quarter = quarter_of(timezone.localdate())
        parser.add_argument("--year", type=int, default=year)
        parser.add_argument("--quarter", type=int, default=quarter, choices=[1, 2, 3, 4])
        parser.add_argument("--region", help="a region's slug")
        parser.add_argument("--language", default="ru", choices=["kk", "ru"])

    def handle(self, *args, year, quarter, region=None, language="ru", **options):
        councils = Council.objects.active().select_related("region")
        if region:
            councils = councils.filter(region__slug=region)
            if not councils.exists():
                raise CommandError(f"No active council in region {region!r}.")
        with translation.override(language):
            councils = ordering.councils(councils, by_region=True, lang=language)
            for result in compliance.review(councils, [(year, quarter)]):
                failed = [rule.code for rule in result.rules if rule.verdict == compliance.NON_COMPLIANT]
                self.stdout.write(
                    "\t".join([result.council.slug, result.verdict, str(result.verdict_label), ",".join(failed)])
                )
