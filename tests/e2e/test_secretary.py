"""A secretary signs in and runs a consultation from the decision to the published position in a real
Chromium, then downloads the position as a PDF. Screenshots go to artifacts/e2e/."""

import datetime
import re
import subprocess

import pytest
from django.utils import timezone

from consultations.models import Consultation
from tests.e2e.conftest import ARTIFACTS, audit
from tests.factories import PASSWORD, add_proposal, secretary_of
from tests.public_fixtures import published_at

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def consultation(migration_data):
    consultation = published_at(
        Consultation.State.PLANNED,
        title_kk="Аулаларды абаттандыру",
        title_ru="Благоустройство дворов",
    )
    return consultation  # its council's meeting of today is quorate: it approved the schedule


def step(page, name: str) -> None:
    form = page.locator(f"form[action$='/steps/{name}/']")
    if form.locator("select[name=meeting]").count():
        form.locator("select[name=meeting]").select_option(index=1)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".message-success").count(), page.locator("main").inner_text()[:800]


def test_a_secretary_runs_a_consultation_to_its_published_position_and_downloads_the_pdf(
    browser, live_server, consultation
):
    secretary = secretary_of(consultation.schedule.council)
    page = browser.new_page()
    page.goto(f"{live_server.url}/ru/workspace/")
    page.wait_for_url(re.compile(r"/ru/workspace/sign-in/"))
    audit(page, "20-sign-in-ru")
    page.locator("input[name=username]").fill(secretary.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.narrow-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ru/workspace/$"))
    audit(page, "21-dashboard-ru")

    page.get_by_role("link", name="Благоустройство дворов").first.click()
    page.wait_for_url(re.compile(rf"/workspace/consultations/{consultation.slug}/$"))
    audit(page, "22-consultation-planned-ru")
    step(page, "decide")
    page.goto(f"{live_server.url}/ru/workspace/consultations/{consultation.slug}/questions/")
    page.locator("textarea[name='questions-0-text_kk']").fill("Аулаларда не жетіспейді?")
    page.locator("textarea[name='questions-0-text_ru']").fill("Чего не хватает во дворах?")
    audit(page, "22b-questions-ru")
    page.locator("form.bilingual-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/workspace/consultations/{consultation.slug}/$"))
    for name in ("approve_questions", "announce", "open_intake"):
        step(page, name)
    audit(page, "23-consultation-held-ru")

    consultation.refresh_from_db()
    add_proposal(consultation, by=secretary, text="Аулаға жарық шамдар орнату керек.")
    page.goto(f"{live_server.url}/ru/workspace/consultations/{consultation.slug}/proposals/")
    audit(page, "24-inbox-ru")
    page.locator("input[name=proposals]").first.check()
    page.locator("#bulk_action").select_option("list")
    page.locator("fieldset.bulk button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/ru/workspace/consultations/{consultation.slug}/")
    step(page, "compile_proposals")

    page.goto(f"{live_server.url}/ru/workspace/consultations/{consultation.slug}/proposals/")
    page.locator("input[name=proposals]").first.check()
    page.locator("#bulk_action").select_option("decide")
    page.locator("#bulk_decision").select_option("taken_into_account")
    page.locator("textarea[name=reasons_kk]").fill("Ұсыныс келесі жылдың жоспарына енгізілді.")
    page.locator("textarea[name=reasons_ru]").fill("Предложение включено в план следующего года.")
    page.locator("fieldset.bulk button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/ru/workspace/consultations/{consultation.slug}/position/")
    page.locator("textarea[name=text_kk]").fill("Қоғамдық кеңес аулаларды абаттандыру жоспарын қолдайды.")
    page.locator("textarea[name=text_ru]").fill("Общественный совет поддерживает план благоустройства дворов.")
    page.locator("form.bilingual-form button[type=submit]").click()
    page.wait_for_load_state()
    step(page, "publish_position")
    audit(page, "25-consultation-published-ru")
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.POSITION_PUBLISHED

    page.locator("#documents-heading ~ ul a").last.click()  # the position, as published
    page.wait_for_url(re.compile(r"/workspace/documents/\d+/$"))
    audit(page, "26-document-ru")
    href = page.locator("a[href$='/file/']").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf_path = ARTIFACTS / "position.pdf"
    pdf_path.write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Общественный совет поддерживает план благоустройства дворов." in " ".join(text.split())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf_path), str(ARTIFACTS / "27-position-pdf")],
        check=True,
    )


def test_a_secretary_schedules_the_announcement_then_changes_and_publishes_it_early(
    browser, live_server, migration_data
):
    consultation = published_at(
        Consultation.State.QUESTIONS_APPROVED, title_kk="Саябақтарды жаңарту", title_ru="Обновление парков"
    )
    page = browser.new_page()
    page.goto(f"{live_server.url}/kk/workspace/sign-in/")
    page.locator("input[name=username]").fill(secretary_of(consultation.schedule.council).username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.narrow-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/kk/workspace/$"))

    page.goto(f"{live_server.url}/kk/workspace/consultations/{consultation.slug}/")
    form = page.locator("form[action$='/steps/announce/']")
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    form.locator("input[name=publish_at]").fill(tomorrow.strftime("%Y-%m-%dT10:00"))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".message-success").count()
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.QUESTIONS_APPROVED

    page.locator("a[href*='/announcements/']").click()
    page.wait_for_url(re.compile(r"/announcements/\d+/$"))
    audit(page, "28-scheduled-announcement-kk")
    page.locator("input[name=title_ru]").fill("Обновление парков: приглашаем всех")
    page.locator("button[value=save]").click()
    page.wait_for_load_state()
    assert page.locator(".message-success").count()
    page.locator("a[href*='/announcements/']").click()
    page.locator("form.inline-form button", has_text="Қазір жариялау").click()
    page.wait_for_load_state()
    assert page.locator(".message-success").count()
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.ANNOUNCED
    page.goto(f"{live_server.url}/ru/consultations/{consultation.slug}/")
    assert "Обновление парков" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/ru/feeds/news.rss")
    assert "Обновление парков: приглашаем всех" in page.content()
    # A delivery that failed shows on the dashboard, with its error in Kazakh and a retry button.
    from publications.models import Announcement, Delivery

    announcement = Announcement.objects.get(event="consultation.announced", subject_id=consultation.pk)
    failed = Delivery.objects.create(
        announcement=announcement, channel="telegram", target="@qogam_news", state="failed", attempts=3,
        last_error="unreachable: [Errno 111] Connection refused",
    )  # fmt: skip
    page.goto(f"{live_server.url}/kk/workspace/")
    assert "Арнамен байланыс орнатылмады." in page.locator("main").inner_text()
    audit(page, "29-dashboard-failed-delivery-kk")
    page.locator(f"form[action$='/deliveries/{failed.pk}/retry/'] button").click()
    page.wait_for_load_state()
    failed.refresh_from_db()
    assert page.locator(".message-success").count()
    assert (failed.state, failed.attempts) == ("pending", 0)  # handed back to the worker

    # A meeting still to come is announced with a text prepared from its agenda, changed before it goes out.
    from councils.models import Meeting
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(
        council=consultation.schedule.council,
        date=timezone.localdate() + datetime.timedelta(days=5),
        agenda_kk="1. Бюджет",
    )
    page.goto(f"{live_server.url}/kk/workspace/councils/{consultation.schedule.council.slug}/")
    page.locator(f"a[href$='/meetings/{meeting.pk}/announce/']").click()
    page.wait_for_url(re.compile(r"/announce/$"))
    audit(page, "30-meeting-announce-kk")
    assert "1. Бюджет" in page.locator("textarea[name=text_kk]").input_value()
    page.locator("input[name=title_kk]").fill("Кеңес отырысы: бюджет талқыланады")
    page.locator("form.bilingual-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".message-success").count()
    assert Meeting.objects.get(pk=meeting.pk).agenda_published_at is not None
    assert Announcement.objects.get(event="meeting.announced").title_kk == "Кеңес отырысы: бюджет талқыланады"
