"""The project as a whole: configuration, health, migrations, translations."""

import os
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_while_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["redis"] in {"ok", "not configured"}


@pytest.mark.django_db
def test_healthz_does_not_fail_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "down"}


def run_settings(*names: str, **env) -> subprocess.CompletedProcess:
    """Load the settings in a fresh process with only `env` set; print the named settings."""
    script = "import django; django.setup(); from django.conf import settings as s; print(" + ", ".join(names) + ")"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "qogam.settings", **env},
        capture_output=True,
        text=True,
    )


def test_the_portal_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_settings("s.DEBUG")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_portal_refuses_to_start_without_its_address_when_debug_is_off():
    result = run_settings("s.SITE_URL", SECRET_KEY="x")
    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr


def test_with_nothing_but_debug_set_it_runs_on_sqlite_with_tasks_in_process():
    result = run_settings(
        "s.DATABASES['default']['ENGINE']", "s.CELERY_TASK_ALWAYS_EAGER", "s.LANGUAGE_CODE", "s.TIME_ZONE",
        "s.ALLOWED_HOSTS", DEBUG="1",
    )  # fmt: skip
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "kk", "Asia/Almaty", "[]"]


def test_with_redis_url_celery_and_the_cache_use_redis():
    result = run_settings(
        "s.CELERY_BROKER_URL", "s.CELERY_TASK_ALWAYS_EAGER", "s.CACHES['default']['BACKEND']",
        DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/3",
    )  # fmt: skip
    assert result.stdout.split() == ["redis://127.0.0.1:6379/3", "False", "common.cache.RedisCache"]


def test_the_redis_cache_keeps_one_client_and_still_answers():
    """common.cache: Django's Redis cache made a client (and its table of callbacks) for every call."""
    from django.conf import settings

    from common.cache import RedisCache

    assert settings.REDIS_URL, "the tests run against Redis (README)"
    cache = RedisCache(settings.REDIS_URL, {"OPTIONS": {"socket_timeout": 1}})
    cache.set("qogam-test:one-client", {"kk": "мән"}, 30)
    assert cache.get("qogam-test:one-client") == {"kk": "мән"}
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)


def test_a_postgresql_url_uses_psycopg():
    result = run_settings(
        "s.DATABASES['default']['ENGINE']",
        SECRET_KEY="x",
        SITE_URL="https://qogam.kz",
        DATABASE_URL="postgresql://u@127.0.0.1:5432/db",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


@pytest.mark.django_db
def test_no_migration_is_missing():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_django_system_checks_are_clean():
    call_command("check", fail_level="WARNING")


def catalogue(path: Path) -> dict[tuple[str, str], dict]:
    """{(msgctxt, msgid): {"strs": [msgstr…], "fuzzy": bool}} of a .po file, obsolete entries left out."""
    entries = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid"):
            entries[(fields.get("msgctxt", ""), fields["msgid"])] = {
                "strs": [v for k, v in fields.items() if k.startswith("msgstr")],
                "fuzzy": any(line.startswith("#,") and "fuzzy" in line for line in lines),
            }
    return entries


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_interface_string_is_translated_and_none_is_fuzzy(language):
    entries = catalogue(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    fuzzy = [key for key, entry in entries.items() if entry["fuzzy"]]
    untranslated = [key for key, entry in entries.items() if not entry["strs"] or not all(entry["strs"])]
    assert not fuzzy, fuzzy[:5]
    assert not untranslated, untranslated[:5]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_catalogue_holds_every_string_of_the_code(language, tmp_path):
    """makemessages run on a copy of the code finds no msgid that the committed catalogue lacks."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "media", "staticfiles", "*.sqlite3", "__pycache__"),
    )
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "qogam.settings"}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            language,
            "--ignore=tests",
            "--no-obsolete",
            "-v0",
        ],
        cwd=copy,
        env=env,
        check=True,
    )
    committed = catalogue(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    regenerated = catalogue(copy / "locale" / language / "LC_MESSAGES" / "django.po")
    missing = sorted(set(regenerated) - set(committed))
    assert not missing, missing[:10]


# A translation function called inside an f-string: makemessages (xgettext) does not look inside the braces.
GETTEXT_IN_F_STRING = re.compile(r"\{\s*(?:_|gettext|gettext_lazy|pgettext|pgettext_lazy|ngettext|ngettext_lazy)\(")


def test_no_interface_string_is_hidden_from_makemessages_in_an_f_string():
    """A string translated inside an f-string (`f"{_('Meeting')}: …"`) never reaches the catalogue, and a
    Kazakh or Russian page shows it in English."""
    hidden = []
    for path in ROOT.glob("[!.]*/**/*.py"):
        if path.parts[len(ROOT.parts)] in {"tests", "media", "staticfiles", "node_modules"}:
            continue
        with path.open("rb") as source:
            for token in tokenize.tokenize(source.readline):
                prefix = re.match(r"[a-zA-Z]*", token.string).group().lower()
                if token.type == tokenize.STRING and "f" in prefix and GETTEXT_IN_F_STRING.search(token.string):
                    hidden.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert not hidden, hidden
