"""The proposal's public status page shows its text and the council's reasons with the IIN, phone and email
masked (issue 18)."""

import pytest

from tests.factories import url
from tests.public_fixtures import NOT_PERSONAL, PERSONAL, results_with_personal_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "reasons_mark"), [("kk", "[телефон жасырылған]"), ("ru", "[телефон скрыт]")])
def test_the_status_page_shows_the_marks_and_never_the_personal_data(client, language, reasons_mark):
    _consultation, proposal = results_with_personal_data()
    page = client.get(url("proposals:status", language, reference=proposal.reference)).content.decode()
    for mark in ("[ИИН скрыт]", "[телефон скрыт]", "[email скрыт]", reasons_mark):
        assert mark in page
    for value in PERSONAL:
        assert value not in page
    for value in NOT_PERSONAL:
        assert value in page
