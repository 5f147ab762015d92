"""The first public pages answer in both languages (the public-pages issue builds them out)."""

import pytest

from consultations.models import Consultation
from consultations.services import approve_schedule, publish_schedule
from tests.factories import consultation_at, quorate_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    consultation = consultation_at(Consultation.State.POSITION_PUBLISHED)
    schedule = consultation.schedule
    secretary = schedule.council.memberships.get(role="secretary").user
    approve_schedule(schedule, by=secretary, meeting=quorate_meeting(schedule.council))
    publish_schedule(schedule, by=secretary)
    return consultation


def test_the_root_sends_a_visitor_to_their_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru").url == "/ru/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en").url == "/kk/"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_public_pages_answer_in_each_language(client, published, language):
    council = published.schedule.council
    for path in ("", "consultations/", f"consultations/{published.slug}/", f"consultations/{published.slug}/results/",
                 "councils/", f"councils/{council.slug}/"):  # fmt: skip
        response = client.get(f"/{language}/{path}")
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in response.content.decode()
    page = client.get(f"/{language}/consultations/{published.slug}/").content.decode()
    assert getattr(published, f"title_{language}") in page


def test_a_consultation_of_an_unpublished_schedule_is_not_found(client):
    consultation = consultation_at(Consultation.State.DECIDED)
    assert client.get(f"/kk/consultations/{consultation.slug}/").status_code == 404
