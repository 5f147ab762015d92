import os

import pytest
from django.db import connection


def pytest_configure(config):
    """Tests hash passwords with a fast hasher: production's PBKDF2 costs about a second per account here. The live
    server answers without Nagle's 40 ms wait per response, as the demo's does (demo/servers.py). One thread for
    the similarity model in each test process."""
    from django.conf import settings
    from django.test.testcases import LiveServerThread

    from demo.servers import LiveServer

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    LiveServerThread.server_class = LiveServer
    # The similarity model's engine (OpenMP) takes every core in each test process: two processes embedding at once
    # ran four spinning threads on two cores, and the demo's seeding took 30 s or 53 s by what ran beside it.
    os.environ["OMP_NUM_THREADS"] = "1"


@pytest.fixture(autouse=True, scope="session")
def _tests_run_on_postgresql(django_db_setup, django_db_blocker):
    """The suite is meant for PostgreSQL (constraints, locking, collation): say so loudly otherwise.

    The test database commits without waiting for the disk (`synchronous_commit`): a commit is lost only if
    PostgreSQL itself crashes, which no test does, and the tests that commit (the browser's, the worker's) no
    longer wait for each one to be flushed. Set on the database, so the workers' and servers' connections too."""
    if connection.vendor != "postgresql" and not os.environ.get("QOGAM_ALLOW_SQLITE_TESTS"):
        pytest.exit("The tests run against PostgreSQL: set DATABASE_URL (see README, `make test`).", returncode=2)
    # No test database when no test selected needs one: then nothing to set, and the real database is left alone.
    if connection.vendor == "postgresql" and connection.settings_dict["NAME"].startswith("test_"):
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
            cursor.execute("SET synchronous_commit = off")


@pytest.fixture(autouse=True)
def _files_for_tests(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    # Each test starts with an empty cache of its own (rate limits count per test); the tests of
    # Redis itself point the cache at a server of their own.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    # Pages render without `collectstatic` having run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _pages_not_cached(settings):
    """Pages are rendered for each request (common/page_cache.py); the cache's own tests switch it on."""
    settings.PAGE_CACHE = False
    settings.PAGE_CACHE_VALUES = False


@pytest.fixture(autouse=True)
def _similarity_without_the_model(settings):
    """Similar proposals by character n-grams: nothing queued, no model loaded; the model's tests choose it."""
    settings.SIMILARITY_BACKEND = "ngrams"


@pytest.fixture(autouse=True)
def _english_unless_a_page_says_otherwise():
    """Services' messages are compared in English; pages choose their language from their address."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def tasks_in_process():
    """Celery tasks run in the test's process (the tests with a real worker start one instead)."""
    from qogam.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def migration_data(django_db_blocker):
    """What the data migrations write (the first consent text, the rules' bases), which a transactional
    test's emptying of the tables takes away."""
    import importlib

    from django.apps import apps

    importlib.import_module("proposals.migrations.0002_first_consent_text").create(apps, None)
    importlib.import_module("consultations.migrations.0003_compliance_rule_bases").create(apps, None)


@pytest.fixture
def ministry_user():
    """Ministry staff (the admin's and the compliance review's tests): a staff account in the ministry's group."""
    from tests.factories import ministry_staff

    return ministry_staff(username="ministry")


@pytest.fixture
def ministry(client, ministry_user):
    """A test client signed in as ministry staff."""
    client.force_login(ministry_user)
    return client
