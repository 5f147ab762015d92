"""Both languages in a real headless Chromium: switching language keeps a half-filled form (with JavaScript
off), and text shown in the other language says so with its `lang` (WCAG 3.1.1, 3.1.2).

Screenshots are saved in artifacts/e2e/ for people to look at.
"""

import re

import pytest

from consultations.models import Consultation
from proposals.models import Proposal
from tests.e2e.conftest import ARTIFACTS, audit
from tests.public_fixtures import published_at

pytestmark = [pytest.mark.django_db(transaction=True)]
State = Consultation.State


@pytest.fixture
def held(migration_data):
    return published_at(
        State.HELD, listed_proposals=0, title_kk="Қалалық саябақтарды абаттандыру", title_ru="Благоустройство парков"
    )


def test_switching_to_russian_keeps_the_half_filled_proposal_form_without_javascript(
    browser_without_javascript, browser, live_server, held
):
    page = browser_without_javascript.new_page()
    fill_in_kazakh_and_switch(page, live_server, held)

    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", level=1).inner_text() == "Подать предложение"
    assert page.get_by_label("Ваше имя").input_value() == "Алия Ахметова"
    assert page.get_by_role("textbox", name="Ваше предложение").input_value() == PROPOSAL
    assert page.locator("#id_hide_name").is_checked() and page.locator("#id_consent").is_checked()
    assert page.locator(".error-summary").count() == 0
    assert not Proposal.objects.exists()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "20-form-switched-to-ru-without-javascript.png"), full_page=True)
    page.close()

    # The audit runs a script in the page: the same page, reached the same way with JavaScript on.
    page = browser.new_page()
    fill_in_kazakh_and_switch(page, live_server, held)
    assert page.get_by_label("Ваше имя").input_value() == "Алия Ахметова"
    audit(page, "21-form-switched-to-ru")
    page.close()


PROPOSAL = "Саябақтарға көбірек орындық қою керек."


def fill_in_kazakh_and_switch(page, live_server, consultation) -> None:
    page.goto(f"{live_server.url}/kk/consultations/{consultation.slug}/propose/")
    assert page.locator("html").get_attribute("lang") == "kk"
    page.get_by_label("Аты-жөніңіз").fill("Алия Ахметова")
    page.get_by_label("Қорытындылармен бірге атымды жарияламаңыз").check()
    page.get_by_role("textbox", name="Сіздің ұсынысыңыз").fill(PROPOSAL)
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Русский").click()
    page.wait_for_url(re.compile(rf"/ru/consultations/{consultation.slug}/propose/$"))


def test_text_in_the_other_language_carries_its_lang_in_chromium(browser, live_server, migration_data):
    consultation = published_at(State.POSITION_PUBLISHED, listed_proposals=2, title_ru="Благоустройство парков")
    Consultation.objects.filter(pk=consultation.pk).update(title_kk="")
    russian = Proposal.objects.filter(consultation=consultation).order_by("pk").first()
    Proposal.objects.filter(pk=russian.pk).update(language="ru", text="Предлагаю продлить работу парков до полуночи.")

    page = browser.new_page()
    page.goto(f"{live_server.url}/kk/consultations/{consultation.slug}/")
    assert page.locator("html").get_attribute("lang") == "kk"
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Благоустройство парков" and heading.get_attribute("lang") == "ru"
    audit(page, "22-russian-title-on-kazakh-page")

    page.goto(f"{live_server.url}/kk/consultations/{consultation.slug}/results/")
    card = page.locator("article.proposal", has_text="Предлагаю продлить работу парков до полуночи.")
    assert card.get_attribute("lang") == "ru"
    # the language the browser computes for the text itself, as a screen reader would be told it
    assert card.locator(".prose p").evaluate("p => p.closest('[lang]').lang") == "ru"
    assert page.locator("article.proposal:not([lang])").count() == 1  # the Kazakh one: the page's language
    lead = page.locator("p.lead a")
    assert lead.get_attribute("lang") == "ru"
    audit(page, "23-russian-proposal-on-kazakh-results")
    page.close()
