"""Ministry staff read the compliance review in a real Chromium, in Kazakh and Russian, on a desktop and a
390 px phone: the page fits the screen, passes the accessibility audit, shows the filters it applies, and
draws its charts with labels of at least 11 px. Screenshots go to artifacts/e2e/."""

import pytest
from django.utils import timezone

from common.quarters import quarter_of
from consultations import compliance
from consultations.models import Consultation
from councils.models import Council
from tests.e2e.conftest import ARTIFACTS, audit
from tests.factories import PASSWORD, CouncilFactory, RegionFactory, ministry_staff
from tests.public_fixtures import published_at

pytestmark = [pytest.mark.django_db(transaction=True)]

# the rendered size of the smallest chart label, in CSS pixels (the drawing shrinks to a phone's width)
SMALLEST_LABEL = """() => Math.min(...[...document.querySelectorAll('figure.chart svg')].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
}))"""


# how far the matrix's table reaches beyond what shows of it: its scrolling box, or the window
MATRIX_OVERFLOW = """() => { const box = document.querySelector('.compliance-scroll:has(> .compliance-matrix)');
  const shown = Math.min(box.getBoundingClientRect().right, document.documentElement.clientWidth);
  return Math.max(box.scrollWidth - box.clientWidth, box.querySelector('table').getBoundingClientRect().right - shown);
}"""
# the box scrolled to its end: how far the first council's name has moved left of the box's edge
NAME_AFTER_SCROLLING = """() => { const box = document.querySelector('.compliance-scroll:has(> .compliance-matrix)');
  box.scrollLeft = box.scrollWidth;
  const shift = box.getBoundingClientRect().left - box.querySelector('tbody th').getBoundingClientRect().left;
  box.scrollLeft = 0; return shift; }"""


@pytest.fixture
def ministry_user(migration_data):
    north = RegionFactory(name_kk="Солтүстік Қазақстан облысы", name_ru="Северо-Казахстанская область", slug="sko")
    published_at(Consultation.State.POSITION_PUBLISHED, council=CouncilFactory(region=north))
    CouncilFactory(
        region=None,
        level=Council.Level.CENTRAL,
        name_kk="Қазақстан Республикасы Әділет министрлігі жанындағы қоғамдық кеңес",
        name_ru="Общественный совет при Министерстве юстиции Республики Казахстан",
    )
    return ministry_staff(username="ministry")


def test_the_compliance_review_on_a_desktop_and_a_phone_in_both_languages(
    browser, live_server, ministry_user, monkeypatch
):
    year, quarter = quarter_of(timezone.localdate())
    page = browser.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", ministry_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    for language in ("kk", "ru"):
        page.goto(f"{live_server.url}/admin/compliance/")
        if page.locator(f"button[value={language}]:not([disabled])").count():
            page.click(f"button[value={language}]")  # the admin's language switch
        assert page.locator("html").get_attribute("lang") == language
        for width, name in ((1280, "desktop"), (390, "phone")):
            page.set_viewport_size({"width": width, "height": 900})
            for query in ("", "?quarter=all"):
                page.goto(f"{live_server.url}/admin/compliance/{query}")
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                assert page.input_value("input[name=year]") == str(year)
                assert page.input_value("select[name=quarter]") == (str(quarter) if not query else "all")
                assert page.evaluate(SMALLEST_LABEL) >= 11
                if width == 1280:  # every quarter in view: the Russian verdicts once cut off the fourth
                    assert page.evaluate(MATRIX_OVERFLOW) <= 0, "the matrix scrolls sideways on a desktop"
                else:  # on a phone the quarters scroll sideways, the council's name stays in view
                    assert page.evaluate(NAME_AFTER_SCROLLING) <= 1, "the council's name scrolled out of view"
                audit(page, f"compliance-{language}-{name}{'-year' if query else ''}")
            # a council-quarter's rules (a cell of the matrix), and a consultation with its log of steps
            page.click(".compliance-matrix td a")
            page.wait_for_load_state()  # its stylesheet applied
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            audit(page, f"compliance-detail-{language}-{name}")
            consultation = Consultation.objects.filter(state=Consultation.State.POSITION_PUBLISHED).first()
            page.goto(f"{live_server.url}/admin/consultations/consultation/{consultation.pk}/change/")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, "the log of steps is too wide"
    # The widest verdict in every cell, in Russian ("частично соответствует"): every quarter still in view on a
    # desktop (the national matrix's fourth quarter was cut off), the name in view on a phone.
    monkeypatch.setattr(compliance, "overall", lambda verdicts, codes: compliance.PARTLY)
    for width, check in ((1280, MATRIX_OVERFLOW), (390, NAME_AFTER_SCROLLING)):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/admin/compliance/?quarter=all")
        assert page.locator(".verdict-partly").count() == 8
        assert page.evaluate(check) <= 1, f"at {width} px"
        page.screenshot(path=str(ARTIFACTS / f"compliance-ru-{width}-widest.png"), full_page=True)
