"""The ministry's compliance report as PDF keeps every table's text inside its columns too (issue 14, item 15)."""

import pytest
import weasyprint

from consultations.models import Consultation
from tests.consultations.test_pdf_columns import LONG_KK, LONG_RU, overflows
from tests.factories import CouncilFactory, RegionFactory
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_compliance_report_fits_its_columns(ministry, monkeypatch, language):
    region = RegionFactory(name_kk="Солтүстік Қазақстан облысы", name_ru="Северо-Казахстанская область")
    long_named = CouncilFactory(region=region, name_kk=LONG_KK, name_ru=LONG_RU)
    published_at(Consultation.State.POSITION_PUBLISHED, council=long_named)
    rendered = []
    real_html = weasyprint.HTML

    def capture(*args, **kwargs):  # the report renders its HTML in the request: keep it to read the layout
        rendered.append(kwargs.get("string"))
        return real_html(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", capture)
    response = ministry.get(f"/admin/compliance/export.pdf?lang={language}")
    assert response.status_code == 200 and rendered
    assert LONG_KK in rendered[0] or LONG_RU in rendered[0]  # the long name is in the report's table
    layout = real_html(string=rendered[0], url_fetcher=weasyprint.URLFetcher(allowed_protocols=())).render()
    assert not overflows(layout)
