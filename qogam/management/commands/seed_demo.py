"""python manage.py seed_demo — realistic bilingual demo data and the demo accounts; safe to run twice."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qogam.demo.builder import DemoBuilder


class Command(BaseCommand):
    help = "Fill the database with demo councils, schedules, consultations, proposals and demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create the demo accounts (with the known DEMO_PASSWORD) even though DEBUG is off.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password: with DEBUG off it runs only with --force."
            )
        started = time.monotonic()
        self.stdout.write("Building the demo data…")
        stats = DemoBuilder(
            password=settings.DEMO_PASSWORD, stdout=self.stdout if options["verbosity"] > 1 else None
        ).build()
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.monotonic() - started:.0f} s: {stats.councils_built} councils built "
                f"({stats.councils_skipped} already there), {stats.consultations} consultations, "
                f"{stats.proposals} proposals."
            )
        )
        self.stdout.write(
            f"Demo accounts (password from DEMO_PASSWORD, now “{settings.DEMO_PASSWORD}”): " + ", ".join(stats.accounts)
        )
