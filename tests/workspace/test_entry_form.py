"""The secretary's form for a proposal received outside the portal, as it reads in both languages."""

import re

import pytest

from consultations.models import Consultation
from tests.factories import consultation_at, secretary_of, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "channel_label"), [("kk", "Қалай түсті"), ("ru", "Способ поступления")])
def test_the_channel_is_not_labelled_as_a_date(client, language, channel_label):
    consultation = consultation_at(Consultation.State.HELD)
    client.force_login(secretary_of(consultation.schedule.council))

    page = client.get(url("workspace:entry", language, slug=consultation.slug)).content.decode()

    assert label(page, "id_channel") == channel_label
    assert label(page, "id_received_at") != channel_label


def label(page: str, field_id: str) -> str:
    return re.search(rf'<label[^>]*for="{field_id}"[^>]*>\s*([^<]*?)\s*<', page).group(1)
