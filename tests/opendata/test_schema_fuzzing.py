"""Schemathesis against the API's own OpenAPI schema, on a live server on 127.0.0.1 (issue 17): every operation
with generated parameters — valid, invalid and hostile — must answer without a server error, and every answer
(status, content type, headers, body) must be one the schema describes."""

import subprocess
import sys
from pathlib import Path

import pytest

from consultations.models import Consultation
from tests.factories import quorate_meeting
from tests.public_fixtures import published_at

CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    )
)


@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_to_its_schema_under_generated_requests(live_server, settings, results, tmp_path):
    settings.API_THROTTLE_RATE = "100000/minute"  # the fuzzer is one client sending hundreds of requests
    settings.SITE_URL = live_server.url
    published_at(Consultation.State.ANNOUNCED)
    quorate_meeting(results["consultation"].schedule.council)
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "run", f"{live_server.url}/api/v1/schema/",
        "--checks", CHECKS, "--max-examples", "15", "--seed", "2026", "--generation-database", "none",
        "--workers", "1", "--request-timeout", "30", "--no-color",
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout
