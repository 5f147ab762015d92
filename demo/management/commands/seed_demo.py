"""python manage.py seed_demo — realistic bilingual demo data and the demo accounts; safe to run twice."""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from demo.builder import DEMO_ACCOUNTS, DemoBuilder


class Command(BaseCommand):
    help = "Fill the database with demo councils, schedules, consultations, proposals and demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create the demo accounts (with the known DEMO_PASSWORD) even though DEBUG is off.",
        )
        parser.add_argument(
            "--no-welcome",
            action="store_true",
            help="Leave out the address and the accounts (`make demo` prints them once the server listens).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password: with DEBUG off it runs only with --force."
            )
        started = time.monotonic()
        quiet = options["verbosity"] == 0
        # The few mails the demo's recent steps send stay in the outbox (and the mail folder `make demo`
        # names), never on the console; the in-process tasks that send them say nothing either.
        backend = settings.EMAIL_BACKEND
        if backend.endswith("console.EmailBackend"):
            backend = "django.core.mail.backends.locmem.EmailBackend"
        loggers = [logging.getLogger(name) for name in ("celery", "kombu")]
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        try:
            with override_settings(EMAIL_BACKEND=backend):
                stats = DemoBuilder(password=settings.DEMO_PASSWORD, stdout=None if quiet else self.stdout).build()
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)
        if quiet:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {time.monotonic() - started:.1f} s: {stats.councils_built} councils built "
                f"({stats.councils_skipped} already there), {stats.consultations:,} consultations, "
                f"{stats.proposals:,} proposals."
            )
        )
        if not options["no_welcome"]:
            self.stdout.write("")
            welcome(self.stdout)


def welcome(stdout) -> None:
    """Where the demo is and how to sign in: the last lines a person reads before using it."""
    stdout.write(f"Qogam is at {settings.SITE_URL}/  (Kazakh /kk/, Russian /ru/; the admin at /admin/)")
    accounts = ", ".join(DEMO_ACCOUNTS)
    stdout.write(f"Demo accounts, each with the password “{settings.DEMO_PASSWORD}” (DEMO_PASSWORD): {accounts}")
