"""A citizen's journey in a real headless Chromium, with an accessibility audit (axe-core) of each page.

Screenshots are saved in artifacts/e2e/ for people to look at.
"""

import re
from pathlib import Path

import pytest

from consultations.models import Consultation
from proposals.models import Proposal
from tests.e2e.conftest import audit
from tests.public_fixtures import published_at

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def consultations(migration_data):
    open_now = published_at(
        Consultation.State.HELD,
        listed_proposals=0,
        title_kk="Қалалық саябақтарды абаттандыру",
        title_ru="Благоустройство городских парков",
    )
    published_at(Consultation.State.POSITION_PUBLISHED, occasion=Consultation.Occasion.DRAFT_ACT)
    published_at(Consultation.State.PLANNED)
    return open_now


def test_a_citizen_finds_an_open_consultation_in_russian_and_submits_a_proposal(browser, live_server, consultations):
    page = browser.new_page()
    page.goto(f"{live_server.url}/kk/")
    assert page.locator("html").get_attribute("lang") == "kk"
    audit(page, "01-home-kk")

    page.get_by_role("link", name="Русский").click()
    page.wait_for_url(re.compile(r"/ru/$"))
    assert page.locator("html").get_attribute("lang") == "ru"

    page.goto(f"{live_server.url}/ru/consultations/")
    page.get_by_label("Шаг").select_option("held")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url(re.compile(r"step=held"))
    audit(page, "02-list-ru")
    page.get_by_role("link", name="Благоустройство городских парков").click()
    page.wait_for_url(re.compile(rf"/ru/consultations/{consultations.slug}/$"))
    audit(page, "03-consultation-ru")

    page.get_by_role("link", name="Подать предложение").click()
    page.wait_for_url(re.compile(r"/propose/$"))
    audit(page, "04-form-ru")
    page.get_by_role("button", name="Отправить предложение").click()  # empty: the errors show, nothing stored
    assert page.locator(".error-summary").is_visible()
    audit(page, "05-form-errors-ru")
    assert not Proposal.objects.filter(channel="portal").exists()

    page.get_by_label("Ваше имя").fill("Алия Ахметова")
    page.get_by_label("Электронная почта или телефон").fill("aliya@mail.kz")
    page.get_by_role("textbox", name="Ваше предложение").fill(
        "Предлагаю установить больше скамеек и освещение вдоль аллей парка."
    )
    page.get_by_label(re.compile("согласие|согласен|Согласен", re.I)).check()
    page.get_by_role("button", name="Отправить предложение").click()
    page.wait_for_url(re.compile(r"/ru/proposals/QG-\d{4}-\d{6}/submitted/$"))

    proposal = Proposal.objects.get(channel="portal")
    assert proposal.reference in page.locator("main").inner_text()
    assert (proposal.language, proposal.channel) == ("ru", "portal")
    audit(page, "06-confirmation-ru")


def test_results_council_and_phone_sized_pages_pass_the_audit(browser, live_server, consultations):
    results = Consultation.objects.get(state=Consultation.State.POSITION_PUBLISHED)
    page = browser.new_page()
    page.goto(f"{live_server.url}/kk/consultations/{results.slug}/results/")
    assert page.get_by_role("heading", level=1).is_visible()
    audit(page, "07-results-kk")
    page.goto(f"{live_server.url}/kk/councils/{results.schedule.council.slug}/")
    audit(page, "08-council-kk")
    page.goto(f"{live_server.url}/ru/councils/")
    audit(page, "09-councils-ru")
    page.goto(f"{live_server.url}/kk/subscribe/?council={results.schedule.council.slug}")
    audit(page, "09b-subscribe-kk")

    phone = browser.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/kk/consultations/{consultations.slug}/")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    audit(phone, "10-consultation-phone-kk")
    phone.goto(f"{live_server.url}/kk/consultations/{consultations.slug}/propose/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    audit(phone, "11-form-phone-kk")


def test_a_citizen_pages_through_long_results_on_a_phone(browser, live_server, migration_data):
    """The results page by page (keyset links): forward and back, all four links on the screen, in Russian."""
    results = published_at(Consultation.State.POSITION_PUBLISHED, listed_proposals=105)
    phone = browser.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/ru/consultations/{results.slug}/results/")
    first = phone.locator("article.proposal h3").first.inner_text()
    phone.get_by_role("link", name="Следующая страница").click()
    phone.wait_for_url(re.compile(r"after="))
    assert phone.locator("article.proposal").count() == 50
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    audit(phone, "11b-results-page-2-phone-ru")
    phone.get_by_role("link", name="Предыдущая страница").click()
    phone.wait_for_url(re.compile(r"before="))
    assert phone.locator("article.proposal").count() == 50
    assert phone.locator("article.proposal h3").first.inner_text() == first


def test_a_citizen_subscribes_confirms_by_the_button_and_unsubscribes(browser, live_server, migration_data):
    import re as regex

    from publications.models import OutgoingMail, Subscription

    page = browser.new_page()
    page.goto(f"{live_server.url}/ru/subscribe/")
    audit(page, "40-subscribe-ru")
    page.locator("input[name=email]").fill("citizen@mail.kz")
    page.locator("form.narrow-form button[type=submit]").click()
    page.wait_for_load_state()
    audit(page, "41-subscribe-sent-ru")
    mail = OutgoingMail.objects.get(to="citizen@mail.kz")
    link = regex.search(r"https?://\S+/confirm/\S+/", mail.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    page.goto(f"{live_server.url}/{path}")  # opening the link (as a mail scanner would) confirms nothing
    audit(page, "42-subscription-confirm-ru")
    assert Subscription.objects.get().confirmed_at is None
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert Subscription.objects.get().confirmed_at is not None

    subscription = Subscription.objects.get()
    page.goto(f"{live_server.url}/ru/unsubscribe/{subscription.token}/")
    audit(page, "43-unsubscribe-ru")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    audit(page, "44-unsubscribed-ru")
    assert Subscription.objects.get().unsubscribed_at is not None


def test_the_statistics_pages_pass_the_audit_on_a_phone_too(browser, live_server, consultations):
    council = Consultation.objects.get(state=Consultation.State.POSITION_PUBLISHED).schedule.council
    page = browser.new_page()
    page.goto(f"{live_server.url}/ru/statistics/")
    assert page.get_by_role("img", name="Предложения по каналам поступления").is_visible()
    audit(page, "12-statistics-ru")
    phone = browser.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/kk/councils/{council.slug}/statistics/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    audit(phone, "13-council-statistics-phone-kk")


def test_open_data_the_page_its_files_and_the_api_docs_pass_the_audit(browser, live_server, consultations, settings):
    from opendata import publishing

    settings.SITE_URL = live_server.url
    publishing.publish(publishing.quarters_with_schedules())
    published = Consultation.objects.get(state=Consultation.State.POSITION_PUBLISHED)
    phone = browser.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/kk/")
    phone.get_by_role("link", name="Ашық деректер").click()
    assert phone.get_by_role("heading", name="Ашық деректер", level=1).is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    audit(phone, "14-open-data-phone-kk")
    with phone.expect_download() as download:
        phone.get_by_role("link", name=re.compile(r"^proposals-\d{4}-q\d\.csv$")).first.click()
    header = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()[0]
    assert "тіркеу нөмірі / регистрационный номер" in header

    page = browser.new_page()
    page.goto(f"{live_server.url}/ru/consultations/{published.slug}/results/")
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename == f"proposals-{published.slug}.xlsx"
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.get_by_text("/api/v1/consultations/{slug}/results/").wait_for()
    assert errors == []
