import os

import pytest
from django.db import connection


@pytest.fixture(autouse=True, scope="session")
def _tests_run_on_postgresql(django_db_setup, django_db_blocker):
    """The suite is meant for PostgreSQL (constraints, locking, collation): say so loudly otherwise."""
    if connection.vendor != "postgresql" and not os.environ.get("QOGAM_ALLOW_SQLITE_TESTS"):
        pytest.exit("The tests run against PostgreSQL: set DATABASE_URL (see README, `make test`).", returncode=2)


@pytest.fixture(autouse=True)
def _files_for_tests(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Pages render without `collectstatic` having run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()
