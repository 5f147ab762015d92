"""A secretary signs in and runs a consultation from the decision to the published position in a real
Chromium: attaches a document, records where the announcement also appeared, closes the intake early, and
publishes the position, which answers the citizen who asked. Screenshots go to artifacts/e2e/."""

import datetime
import re
import subprocess

import pytest
from django.core import mail
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone, translation

from consultations.models import Consultation
from demo import files
from proposals.models import Proposal
from publications import mail as outbox
from publications.models import OutgoingMail
from tests.e2e.conftest import ARTIFACTS, audit
from tests.factories import PASSWORD, secretary_of
from tests.public_fixtures import published_at

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def consultation(migration_data):
    now, today = timezone.now(), timezone.localdate()
    consultation = published_at(
        Consultation.State.PLANNED,
        title_kk="Аулаларды абаттандыру",
        title_ru="Благоустройство дворов",
        starts_on=today + datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=17),
        window_opens_at=now + datetime.timedelta(days=3),  # the secretary opens it early
        window_closes_at=now + datetime.timedelta(days=17),  # and closes it early
    )
    return consultation  # its council's meeting of today is quorate: it approved the schedule


def sign_in(page, live_server, user, language: str) -> None:
    page.goto(f"{live_server.url}/{language}/workspace/sign-in/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.narrow-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{language}/workspace/$"))


def succeeded(page) -> str:
    """The success message the page shows (the test fails with the page's text if there is none)."""
    assert page.locator(".message-success").count(), page.locator("main").inner_text()[:800]
    return words(page.locator(".message-success").inner_text())


def step(page, name: str) -> str:
    form = page.locator(f"form[action$='/steps/{name}/']")
    if form.locator("select[name=meeting]").count():
        form.locator("select[name=meeting]").select_option(index=1)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    return succeeded(page)


def post_step_the_page_does_not_offer(page, name: str, **fields: str) -> None:
    """Post a step's form that the consultation's page does not show now, as a tab opened earlier would."""
    with page.expect_navigation():
        page.evaluate(
            """([name, fields]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = `${location.pathname}steps/${name}/`;
                form.append(document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode());
                for (const [field, value] of Object.entries(fields)) {
                    form.append(Object.assign(document.createElement("input"), {type: "hidden", name: field, value}));
                }
                document.body.append(form);
                form.submit();
            }""",
            [name, fields],
        )


def upload_document(page, *, kind: str, title_kk: str, title_ru: str, path) -> str:
    """Add a document from the section "Documents of the consultation" of the workspace page."""
    section = page.locator("section[aria-labelledby=attachments-heading]")
    section.locator("summary").click()
    section.locator("select[name=document-kind]").select_option(kind)
    section.locator("input[name=document-title_kk]").fill(title_kk)
    section.locator("input[name=document-title_ru]").fill(title_ru)
    section.locator("input[name=document-file]").set_input_files(str(path))
    section.locator("button[type=submit]").click()
    page.wait_for_load_state()
    return succeeded(page)


def record_publication(page, announcement_card, *, outlet_kind: str, outlet: str, link: str, on) -> str:
    """Record that an announcement also appeared outside the portal, from its card on the workspace page."""
    announcement_card.locator(".recorded-publications summary").click()
    form = announcement_card.locator("form[action*='/publications/new/']")
    form.locator(f"input[name=outlet_kind][value={outlet_kind}]").check()
    form.locator("input[name=outlet]").fill(outlet)
    form.locator("input[name=link]").fill(link)
    form.locator("input[name=published_on]").fill(on.isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    return succeeded(page)


def propose_as_a_citizen_who_wants_an_answer(page, live_server, consultation, *, email: str, text: str) -> Proposal:
    """A citizen submits a proposal in Kazakh on the public form, asking for an answer by mail."""
    page.goto(f"{live_server.url}/kk/consultations/{consultation.slug}/propose/")
    page.locator("input[name=author_name]").fill("Дәурен Сәрсенбаев")
    page.locator("input[name=contact]").fill(email)
    page.locator("input[name=wants_answer]").check()
    page.locator("textarea[name=text]").fill(text)
    page.locator("input[name=consent]").check()
    audit(page, "23a-citizen-form-wants-answer-kk")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/kk/proposals/QG-\d{4}-\d{6}/submitted/$"))
    return Proposal.objects.get(contact=email)


def inbox_action(page, live_server, consultation, action: str, **fields) -> None:
    """Tick every proposal of the inbox's page and apply a bulk action to them; the panel shows only the chosen
    action's fields."""
    page.goto(f"{live_server.url}/ru/workspace/consultations/{consultation.slug}/proposals/")
    page.get_by_role("link", name="Отметить все на этой странице").click()
    assert all(box.is_checked() for box in page.locator("input[name=proposals]").all())
    assert not page.locator("#bulk_decision").is_visible()
    page.locator(f"input[name=action][value={action}]").check()
    for selector, value in fields.items():
        field = page.locator(selector)
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.locator("fieldset.bulk button[type=submit]").click()
    page.wait_for_load_state()


def unfold(page) -> None:
    """Open every folded form of the page, for its screenshot and its width to include them."""
    page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")


def wider_than_a_phone(page) -> list[str]:
    """What sticks out to the right of a phone's screen (nothing should: no sideways scrolling), the
    innermost elements first."""
    if page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]:
        return []
    return page.evaluate(
        """(width) => {
            const wide = (element) => element.getBoundingClientRect().right > width;
            return [...document.querySelectorAll("body *")]
                .filter((element) => wide(element) && ![...element.children].some(wide))
                .map((element) => `${element.outerHTML.slice(0, 100)}: ${element.getBoundingClientRect().width}px`)
                .slice(0, 12);
        }""",
        PHONE["width"],
    )


def close_intake_early(page, *, reason_kk: str, reason_ru: str) -> str:
    form = page.locator("form[action$='/steps/close_intake/']")
    form.locator("textarea[name=reason_kk]").fill(reason_kk)
    form.locator("textarea[name=reason_ru]").fill(reason_ru)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    return succeeded(page)


def write_position(page, workspace_page: str, *, text_kk: str, text_ru: str) -> None:
    page.goto(f"{workspace_page}position/")
    page.locator("textarea[name=text_kk]").fill(text_kk)
    page.locator("textarea[name=text_ru]").fill(text_ru)
    page.locator("form.bilingual-form button[type=submit]").click()
    page.wait_for_load_state()


def words(text: str) -> str:
    """The text with every run of spaces (non-breaking ones too) made one space."""
    return " ".join(text.split())


def in_language(language: str, moment: datetime.datetime) -> str:
    """A date and time as the pages of that language write it."""
    with translation.override(language):
        return words(formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT"))


def test_a_secretary_runs_a_consultation_to_its_published_position_and_the_author_who_asked_is_answered(
    browser, live_server, consultation, tmp_path
):
    secretary = secretary_of(consultation.schedule.council)
    workspace_page = f"{live_server.url}/ru/workspace/consultations/{consultation.slug}/"
    public_page = f"{live_server.url}/ru/consultations/{consultation.slug}/"
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
    page.goto(f"{workspace_page}questions/")
    page.locator("textarea[name='questions-0-text_kk']").fill("Аулаларда не жетіспейді?")
    page.locator("textarea[name='questions-0-text_ru']").fill("Чего не хватает во дворах?")
    page.get_by_role("button", name="Добавить вопрос").click()  # one more row, what was typed kept, nothing saved
    page.wait_for_load_state()
    assert page.locator("textarea[name='questions-0-text_ru']").input_value() == "Чего не хватает во дворах?"
    page.locator("textarea[name='questions-2-text_kk']").fill("Балалар алаңы керек пе?")
    page.locator("textarea[name='questions-2-text_ru']").fill("Нужна ли детская площадка?")
    audit(page, "22b-questions-ru")
    page.get_by_role("button", name="Сохранить перечень").click()
    page.wait_for_url(re.compile(rf"/workspace/consultations/{consultation.slug}/$"))
    step(page, "approve_questions")

    # A document for citizens to read: a real PDF, listed on the public page with its type and size.
    presentation = files.pdf(["Courtyards 2026", "Plan of the improvements, by district"])
    (tmp_path / "presentation.pdf").write_bytes(presentation)
    message = upload_document(
        page,
        kind="presentation",
        title_kk="Абаттандыру жоспарының тұсаукесері",
        title_ru="Презентация плана благоустройства",
        path=tmp_path / "presentation.pdf",
    )
    assert "Презентация плана благоустройства" in message
    audit(page, "22c-consultation-document-ru")
    page.goto(public_page)
    documents = page.locator("section[aria-labelledby=documents-heading]")
    with translation.override("ru"):
        size = words(filesizeformat(len(presentation)))
    assert f"Презентация: Презентация плана благоустройства (PDF, {size})" in words(documents.inner_text())
    audit(page, "22d-public-document-ru")
    download = page.request.get(live_server.url + documents.locator("a").get_attribute("href"))
    assert download.ok and download.body() == presentation
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"

    # Step 3, then where else the announcement appeared: the public page says so.
    page.goto(workspace_page)
    step(page, "announce")
    announced = page.locator(".card", has=page.locator(".recorded-publications"))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    message = record_publication(
        page,
        announced,
        outlet_kind="newspaper",
        outlet="Арқа ажары",
        link="https://arka-azhary.kz/2026/aulalar",
        on=yesterday,
    )
    assert "Публикация записана" in message
    assert "Арқа ажары" in page.locator(".recorded-publications").inner_text()
    audit(page, "22e-consultation-recorded-publication-ru")
    page.goto(public_page)
    also = page.locator(".also-published")
    assert "Также опубликовано: Арқа ажары (газета, " in words(also.inner_text())
    assert also.locator("a").get_attribute("href") == "https://arka-azhary.kz/2026/aulalar"
    audit(page, "22f-public-also-published-ru")

    # The workspace page with its documents and recorded publications on a phone, every form unfolded, and
    # the public page: nothing wider than the screen.
    phone = browser.new_page()  # the context is a persistent one: the size is set on the page
    phone.set_viewport_size(PHONE)
    phone.goto(workspace_page)
    unfold(phone)
    audit(phone, "22g-consultation-phone-ru")
    assert not wider_than_a_phone(phone), wider_than_a_phone(phone)
    phone.goto(public_page)
    audit(phone, "22h-public-consultation-phone-ru")
    assert not wider_than_a_phone(phone), wider_than_a_phone(phone)
    phone.close()

    page.goto(workspace_page)
    assert "приём предложений начался сейчас, а не" in step(page, "open_intake")  # three days early
    audit(page, "23-consultation-held-ru")

    # A citizen asks for an answer, by mail, in Kazakh.
    citizen = browser.new_page()
    proposal = propose_as_a_citizen_who_wants_an_answer(
        citizen,
        live_server,
        consultation,
        email="dauren@mail.kz",
        text="Аулаларға балалар алаңын және жарық шамдарын орнату керек.",
    )
    citizen.close()
    assert (proposal.language, proposal.wants_answer) == ("kk", True)

    page.goto(f"{workspace_page}proposals/")
    audit(page, "24-inbox-ru")
    inbox_action(page, live_server, consultation, "list")

    # Step 5 waits for the window to close: the page offers closing the intake early instead.
    page.goto(workspace_page)
    consultation.refresh_from_db()
    closes = in_language("ru", consultation.window_closes_at)
    next_step = page.locator("section[aria-labelledby=next-heading]")
    assert "Шаг 5" in words(next_step.inner_text()) and closes in words(next_step.inner_text())
    assert not page.locator("form[action$='/steps/compile_proposals/']").count()
    post_step_the_page_does_not_offer(page, "compile_proposals", occurred_on=timezone.localdate().isoformat())
    refusal = words(page.locator("section[aria-labelledby=next-heading] .error-summary").inner_text())
    assert f"Предложения принимаются до {closes}" in refusal
    audit(page, "24a-list-refused-while-open-ru")
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.HELD

    message = close_intake_early(
        page, reason_kk="Барлық аулалар бойынша ұсыныстар жиналды.", reason_ru="Предложения по всем дворам собраны."
    )
    assert "Приём предложений завершён" in message
    audit(page, "24b-intake-closed-early-ru")
    step(page, "compile_proposals")
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.PROPOSALS_COMPILED
    page.goto(public_page)
    notice = words(page.locator(".notice").inner_text())
    closed_at = in_language("ru", consultation.window_closes_at)
    assert f"досрочно завершил приём предложений {closed_at}: Предложения по всем дворам собраны." in notice
    audit(page, "24c-public-closed-early-ru")

    inbox_action(
        page,
        live_server,
        consultation,
        "decide",
        **{
            "#bulk_decision": "taken_into_account",
            "textarea[name=reasons_kk]": "Ұсыныс келесі жылдың жоспарына енгізілді.",
            "textarea[name=reasons_ru]": "Предложение включено в план следующего года.",
        },
    )
    write_position(
        page,
        workspace_page,
        text_kk="Қоғамдық кеңес аулаларды абаттандыру жоспарын қолдайды.",
        text_ru="Общественный совет поддерживает план благоустройства дворов.",
    )
    step(page, "publish_position")
    audit(page, "25-consultation-published-ru")
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.POSITION_PUBLISHED

    # The author who asked is answered once, in the proposal's language, through the outbox.
    proposal.refresh_from_db()
    answer = proposal.answer_mail
    assert (answer.to, answer.language) == ("dauren@mail.kz", "kk") and proposal.reference in answer.subject
    assert OutgoingMail.objects.filter(to="dauren@mail.kz", subject=answer.subject).count() == 1
    body = words(answer.body)
    assert "Қоғамдық кеңестің шешімі: Ескерілді." in body, body
    assert "Ұсыныс келесі жылдың жоспарына енгізілді." in body
    assert f"http://testserver/kk/consultations/{consultation.slug}/results/" in body
    outbox.sweep()  # no worker runs here: the beat job's sweep sends what is due
    answer.refresh_from_db()
    assert answer.state == OutgoingMail.State.SENT
    sent = [message for message in mail.outbox if message.subject == answer.subject]
    assert len(sent) == 1 and sent[0].to == ["dauren@mail.kz"] and sent[0].body == answer.body
    assert outbox.sweep() == 0  # never twice
    page.goto(f"{live_server.url}/kk/consultations/{consultation.slug}/results/")
    assert "1 автор жауап сұрады (хатпен немесе телефон арқылы); қоғамдық кеңес жауап берді: 1." in words(
        page.locator(".answered").inner_text()
    )
    audit(page, "25a-results-answered-kk")

    page.goto(workspace_page)
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
    sign_in(page, live_server, secretary_of(consultation.schedule.council), "kk")

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
