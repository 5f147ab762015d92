"""A citizen follows a proposal by the reference number the confirmation gave them."""

import pytest

from consultations.models import Consultation
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    return published_at(Consultation.State.HELD, listed_proposals=1).proposals.get().reference


@pytest.mark.parametrize(
    "typed", ["{ref}", "  {ref} ", "{ref_lower}", "{bare}", "{short}", "qg {year} - {number}"]
)  # fmt: skip
def test_a_number_typed_any_way_finds_the_proposal(client, reference, typed):
    year, number = reference.split("-")[1:]
    value = typed.format(ref=reference, ref_lower=reference.lower(), bare=f"{year}-{number}",
                         short=f"QG-{year}-{int(number)}", year=year, number=number)  # fmt: skip

    response = client.get("/ru/proposals/", {"reference": value})

    assert response.status_code == 302 and response.url == f"/ru/proposals/{reference}/"


def test_an_unknown_number_shows_the_form_again_with_a_clear_message(client, reference):
    page = client.get("/kk/proposals/", {"reference": "QG-1999-000001"}).content.decode()
    assert "QG-1999-000001 нөмірлі ұсыныс жоқ" in page and 'name="reference"' in page

    page = client.get("/ru/proposals/", {"reference": "<b>hello</b>"}).content.decode()
    assert "Регистрационный номер имеет вид QG-2026-000123" in page and "<b>hello</b>" not in page


def test_the_lookup_is_limited_per_client_like_the_form(client, reference, settings):
    settings.PROPOSAL_RATE_LIMIT = (2, 600)
    for _ in range(2):
        assert client.get("/ru/proposals/", {"reference": "QG-1999-000001"}).status_code == 200
    page = client.get("/ru/proposals/", {"reference": reference}).content.decode()
    assert "Слишком много запросов" in page


def test_the_lookup_is_linked_from_the_home_page_and_every_footer(client, reference):
    assert 'href="/kk/proposals/"' in client.get("/kk/").content.decode()
    assert 'href="/ru/proposals/"' in client.get("/ru/councils/").content.decode()
    assert client.get("/kk/proposals/").status_code == 200
