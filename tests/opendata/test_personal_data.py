"""Personal data never leaves through open data (issue 17): every contact, every name its author asked to hide,
every proposal not (yet) published and every account's address is collected from the database, then searched
for in every answer of the API — each list followed page by page, each object, the schema — and in every
download the API's objects lead to."""

import io
import json
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from consultations.models import Consultation
from opendata import publishing
from proposals.models import Proposal
from tests.factories import add_proposal, quorate_meeting, secretary_of
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db


def secrets() -> set[str]:
    found = set()
    for proposal in Proposal.objects.select_related("consultation"):
        found.add(proposal.contact)
        if proposal.hide_name:
            found.add(proposal.author_name)
        published = proposal.consultation.state == Consultation.State.POSITION_PUBLISHED
        if not (published and proposal.moderation == Proposal.Moderation.LISTED):
            found |= {proposal.text, proposal.author_name}
    for user in get_user_model().objects.all():
        found |= {user.email, user.username}
    return {value for value in found if value and len(value) > 5}


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        return "\n".join(str(value) for row in sheet.iter_rows(values_only=True) for value in row if value)
    return body.decode("utf-8")


def crawl(client) -> dict[str, str]:
    """Every address under /api/v1/ reachable from its index, and every download its objects lead to."""
    seen: dict[str, str] = {}
    queue = ["/api/v1/", "/api/v1/schema/"]
    for dataset in publishing.publish(publishing.quarters_with_schedules()):  # the quarterly files too
        queue += [f"/kk/open-data/{file['name']}" for file in dataset["files"]] + [
            f"/kk/open-data/{dataset['code']}.json"
        ]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        seen[path] = text_of(response)
        if not (path.startswith("/api/") and response["Content-Type"] == "application/json"):
            continue
        answer = json.loads(seen[path])
        for link in links(answer):
            address = urlsplit(link)
            target = address.path + (f"?{address.query}" if address.query else "")
            if address.path.startswith("/api/v1/") and address.path != "/api/v1/docs/":
                queue.append(target)
            elif address.path.endswith("/results/"):  # a results page: its two downloads
                queue += [f"{address.path}proposals.csv", f"{address.path}proposals.xlsx"]
        for schedule in answer.get("results", []) if "schedules" in path else []:
            council, year, quarter = schedule["council"]["slug"], schedule["year"], schedule["quarter"]
            queue += [f"/kk/councils/{council}/results/{year}-q{quarter}.{fmt}" for fmt in ("csv", "xlsx")]
    return seen


def links(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from links(item)
    elif isinstance(value, list):
        for item in value:
            yield from links(item)
    elif isinstance(value, str) and value.startswith("http://testserver/"):
        yield value


def test_no_contact_hidden_name_or_unpublished_proposal_reaches_the_api_or_a_download(client, results):
    council = results["consultation"].schedule.council
    held = published_at(Consultation.State.HELD, council=council, listed_proposals=0)
    by = secretary_of(council)
    add_proposal(
        held, by=by, moderation=Proposal.Moderation.LISTED, author_name="Not-Yet Published-Author",
        contact="notyet@mail.kz", text="A listed proposal whose position is not published yet.",
    )  # fmt: skip
    quorate_meeting(council)
    hidden = secrets()
    assert {"named@mail.kz", "+7 701 555 0101", "Hidden Author-Name", "Set-aside text never published."} <= hidden
    assert "A listed proposal whose position is not published yet." in hidden

    pages = crawl(client)
    downloads = [path for path in pages if not path.startswith("/api/")]
    assert len(downloads) >= 6 and any(path.endswith(".xlsx") for path in downloads)
    assert any(path.startswith("/kk/open-data/") for path in downloads)
    assert any("/proposals/" in path for path in pages)
    published = Proposal.objects.get(pk=results["named"].pk)
    assert any(published.text in text for text in pages.values())  # the crawl does reach the proposals
    leaks = [(path, secret) for path, text in pages.items() for secret in hidden if secret in text]
    assert leaks == []
