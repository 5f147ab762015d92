"""Points of the draft recommendation and questions are added one more row at a time, without JavaScript,
keeping what was typed and saving nothing until the secretary saves."""

import pytest

from consultations.models import Consultation, Recommendation
from tests.factories import consultation_at, secretary_of, url

pytestmark = pytest.mark.django_db
State = Consultation.State


def management(prefix: str, total: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}


def test_a_second_point_is_added_before_the_draft_is_saved(client):
    consultation = consultation_at(State.PROPOSALS_COMPILED, occasion=Consultation.Occasion.DRAFT_ACT)
    client.force_login(secretary_of(consultation.schedule.council))
    address = url("workspace:recommendation", "ru", slug=consultation.slug)
    typed = {"introduction_kk": "Кіріспе", "introduction_ru": "Вступление", "points-0-text_kk": "Бірінші тармақ",
             "points-0-text_ru": "Первый пункт"}  # fmt: skip

    page = client.post(address, typed | management("points", 1) | {"add_row": "1"}).content.decode()

    assert not Recommendation.objects.filter(consultation=consultation).exists()
    assert "Пункт 2" in page and 'name="points-1-text_ru"' in page
    assert "Первый пункт" in page and "Вступление" in page

    second = {"points-1-text_kk": "Екінші тармақ", "points-1-text_ru": "Второй пункт"}
    response = client.post(address, typed | second | management("points", 2))

    assert response.status_code == 302
    saved = Recommendation.objects.get(consultation=consultation)
    assert [p.text_ru for p in saved.points.order_by("number")] == ["Первый пункт", "Второй пункт"]


def test_a_question_row_is_added_keeping_the_typed_ones(client):
    consultation = consultation_at(State.PLANNED)
    client.force_login(secretary_of(consultation.schedule.council))
    address = url("workspace:questions", "kk", slug=consultation.slug)
    typed = {f"questions-{i}-text_kk": f"Сұрақ {i}?" for i in range(3)} | {
        f"questions-{i}-text_ru": f"Вопрос {i}?" for i in range(3)
    }

    page = client.post(address, typed | management("questions", 3) | {"add_row": "1"}).content.decode()

    assert 'name="questions-3-text_kk"' in page and "Сұрақ 2?" in page
    assert consultation.questions.count() == 0
