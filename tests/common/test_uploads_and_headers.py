"""Uploads are stored under names of our own with the extension of their checked type; oversized requests are
refused with a page, not an error; with the production settings the README gives, `check --deploy` is clean."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.utils import timezone

from councils.models import Meeting
from tests.factories import CouncilFactory, UserFactory, secretary_of, url

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n<html><script>alert(1)</script>"
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
STORED = re.compile(r"^councils/\d+/meetings/[0-9a-f]{32}\.pdf$")


def meeting_form(**files):
    return {"date": timezone.localdate().isoformat(), "agenda_kk": "Күн тәртібі", **files}


def test_a_protocol_sent_as_a_web_page_is_stored_under_a_name_of_our_own(client):
    council = CouncilFactory()
    client.force_login(secretary_of(council))
    upload = SimpleUploadedFile("pwned.html", PDF, content_type="text/html")
    response = client.post(
        url("workspace:meeting_new", council_slug=council.slug), meeting_form(protocol_file_kk=upload)
    )
    assert response.status_code == 302
    name = Meeting.objects.get(council=council).protocol_file_kk.name
    assert STORED.match(name), name


def test_the_admin_refuses_an_svg_protocol_and_stores_a_pdf_under_a_name_of_our_own(rf):
    meeting = Meeting.objects.create(council=CouncilFactory(), date=timezone.localdate(), agenda_kk="Күн тәртібі")
    request = rf.post("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    form_class = admin.site._registry[Meeting].get_form(request, meeting, change=True)
    data = {name: value for name, value in model_to_dict(meeting).items() if value is not None}
    data["attendees"] = []

    def submit(name, content):
        return form_class(data, {"protocol_file_kk": SimpleUploadedFile(name, content)}, instance=meeting)

    refused = submit("x.svg", SVG)
    assert not refused.is_valid()
    assert "PDF" in str(refused.errors["protocol_file_kk"])
    accepted = submit("x.html", PDF)
    assert accepted.is_valid(), accepted.errors
    accepted.save()
    meeting.refresh_from_db()
    assert STORED.match(meeting.protocol_file_kk.name), meeting.protocol_file_kk.name


def test_form_fields_beyond_the_memory_limit_are_a_bad_request_in_the_pages_language(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/ru/subscribe/", {"email": "a@b.kz", "padding": "x" * 4096})
    assert response.status_code == 400
    assert "<h1>Некорректный запрос</h1>" in response.content.decode()


def test_too_many_form_fields_are_a_bad_request_too(client):
    response = client.post("/kk/subscribe/", {f"f{n}": "1" for n in range(1500)})
    assert response.status_code == 400
    assert "<h1>Қате сұрау</h1>" in response.content.decode()


def production_environment() -> dict[str, str]:
    """The variables `.env.example` sets (the README's production settings), with a secret key filled in."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    values["SECRET_KEY"] = secrets.token_urlsafe(50)
    values["DATABASE_URL"] = os.environ.get("DATABASE_URL", "")
    values["REDIS_URL"] = os.environ.get("REDIS_URL", "")
    return {"PATH": os.environ["PATH"], **values}


def test_check_deploy_is_clean_with_the_production_settings_of_the_readme():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_behind_https_the_portal_sends_hsts_and_redirects_plain_http_but_not_the_health_check():
    script = (
        "import django; django.setup();"
        "from django.test import Client; c = Client();"
        "r = c.get('/healthz', secure=True, HTTP_HOST='qogam.example.kz');"
        "print(r.headers.get('Strict-Transport-Security'));"
        "print(c.get('/kk/', HTTP_HOST='qogam.example.kz').status_code);"
        "print(c.get('/healthz', HTTP_HOST='qogam.example.kz').status_code)"
    )
    env = {**production_environment(), "DJANGO_SETTINGS_MODULE": "qogam.settings"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    hsts, plain, health = result.stdout.strip().splitlines()[-3:]
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert plain == "301" and health != "301"
