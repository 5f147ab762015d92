"""Every page of the secretaries' workspace fits a 390 px phone, in Kazakh and Russian, with data as long as the
real councils': the page never scrolls sideways (a wide table scrolls in its own box or becomes one block per
row), and every page passes the accessibility audit. Screenshots go to artifacts/e2e/ (phone and desktop)."""

import datetime
import re

import pytest
from django.utils import timezone

from consultations import workflow
from consultations.models import Consultation, QuarterlySchedule, RenderedDocument
from councils.models import Council, Meeting, Membership, Reception, Region
from proposals import grouping
from proposals.models import Proposal
from publications.models import Announcement, Delivery
from tests.e2e.conftest import ARTIFACTS, audit, empty_labels
from tests.e2e.test_secretary import PHONE, unfold, wider_than_a_phone
from tests.factories import (
    PASSWORD,
    CouncilFactory,
    MeetingFactory,
    MembershipFactory,
    add_proposal,
    consultation_at,
    decide_all,
    secretary_of,
    write_position,
)

pytestmark = [pytest.mark.django_db(transaction=True)]

State = Consultation.State

# As long as the real ones: a ministry's council, an act's title, an unbroken reference and address.
COUNCIL = {
    "name_kk": "Қазақстан Республикасы Денсаулық сақтау министрлігінің жанындағы Қоғамдық кеңес",
    "name_ru": "Общественный совет при Министерстве здравоохранения Республики Казахстан",
    "state_body_kk": "Қазақстан Республикасының Денсаулық сақтау министрлігі",
    "state_body_ru": "Министерство здравоохранения Республики Казахстан",
}
ACT = {
    "title_kk": "«Медициналық көмек көрсетуді ұйымдастыру стандарттарын бекіту туралы» бұйрыққа өзгерістер енгізу "
    "туралы бұйрықтың жобасы",
    "title_ru": "Проект приказа «О внесении изменений в приказ об утверждении стандартов организации оказания "
    "медицинской помощи»",
    "act_title_kk": "Қазақстан Республикасы Денсаулық сақтау министрінің бұйрығының жобасы",
    "act_title_ru": "Проект приказа Министра здравоохранения Республики Казахстан",
    "act_number": "ҚР-ДСМ-2026/МКК-№000123456789",
    "act_url": "https://legalacts.egov.kz/npa/view?id=14755234&lang=kk&version=2026-11-30-redakciya-tolyk",
}
TEXTS = [
    "Аудандық емханалардағы дәрігерлердің қабылдауына электрондық кезекті енгізіп, "
    "мемлекеттік-жекешелік әріптестікті дамыту қажет: https://egov.kz/cms/kk/services/health_care/pass_onlinequeue",
    "Ауылдық елді мекендердегі фельдшерлік-акушерлік пункттерді қайта жабдықтау және медициналық "
    "қызметкерлердің біліктілігін арттыру бағдарламаларын қаржыландыруды ұлғайту керек.",
    "Предлагаю закрепить в стандарте обязательное информирование пациентов о сроках ожидания "
    "консультации узкого специалиста через мобильное приложение и SMS-уведомления.",
    "Жедел медициналық жәрдем бригадаларының шақыртуға келу уақытын жариялау қажет.",
    "Просим учесть мнение родительского сообщества при формировании графика вакцинации.",
    "Мүгедектігі бар адамдарға арналған кедергісіз ортаны қамтамасыз етуге жауапкершіліктерінің шегін көрсету.",
]
SAME_AGAIN = [
    "Предлагаю закрепить в стандарте обязательное информирование пациентов о сроках ожидания консультации узкого "
    "специалиста через мобильное приложение и SMS.",
    "Прошу закрепить в стандарте информирование пациентов о сроках ожидания консультации узкого специалиста через "
    "SMS-уведомления и мобильное приложение.",
]
AUTHORS = [
    "Сәрсенбаева Гүлнұр Жақсылыққызы",
    "Тұрсынбекұлы Ерланбек",
    "Абдрахманова Айжан Серікбайқызы",
    "«Денсаулық үшін» қоғамдық бірлестігі",
    "Иванова Мария Сергеевна",
    "Жұмабаев Нұрсұлтан",
]

MEMBERS = [
    ("Әбдіқадырова Сәуле Бақытжанқызы", "Абдикадырова Сауле Бахытжановна"),
    ("Оспанов Ғалымжан", "Оспанов Галымжан"),
]


@pytest.fixture
def workspace(migration_data):
    """A ministry's council with its members, meetings and a reception; four consultations in its quarter's
    schedule at different steps; proposals long and many; a failed delivery on the dashboard."""
    region = Region.objects.create(slug="astana", kind=Region.Kind.CITY, name_kk="Астана", name_ru="Астана")
    council = CouncilFactory(slug="densaulyk", region=region, level=Council.Level.CENTRAL, **COUNCIL)
    secretary = secretary_of(council)
    for n, (kk, ru) in enumerate(MEMBERS):
        MembershipFactory(
            council=council,
            full_name_kk=kk,
            full_name_ru=ru,
            role=Membership.Role.CHAIR if n == 0 else Membership.Role.MEMBER,
            organisation_kk=f"«Қазақстанның медициналық қызметкерлерінің кәсіптік одағы» {n + 1}-бірлестігі",
            organisation_ru=f"Объединение №{n + 1} «Профессиональный союз медицинских работников Казахстана»",
        )
    draft = consultation_at(
        State.RECOMMENDATION_DRAFTED,
        occasion=Consultation.Occasion.DRAFT_ACT,
        council=council,
        by=secretary,
        listed_proposals=3,
        **ACT,
    )
    held = consultation_at(
        State.HELD,
        council=council,
        by=secretary,
        listed_proposals=0,
        title_kk="Ауылдық денсаулық сақтау ұйымдарының материалдық-техникалық жарақтандырылуын жақсарту",
        title_ru="Улучшение материально-технического оснащения сельских организаций здравоохранения",
    )
    for n, (text, author) in enumerate(zip(TEXTS, AUTHORS, strict=True)):
        add_proposal(
            held,
            by=secretary,
            text=text,
            author_name=author,
            language="ru" if text.startswith(("Пред", "Прос")) else "kk",
            contact=f"sarsenbayeva.gulnur.zhaksylykkyzy{n}@densaulyk-ushin-qogamdyq-birlestigi.kz",
            wants_answer=n % 2 == 0,
            moderation=[Proposal.Moderation.NEW, Proposal.Moderation.LISTED, Proposal.Moderation.SET_ASIDE][n % 3],
        )
    for n, text in enumerate(SAME_AGAIN):  # a group of similar proposals, with its "likely duplicate" signs
        add_proposal(held, by=secretary, text=text, author_name=AUTHORS[n], language="ru")
    grouping.update_groups(held)
    published = consultation_at(
        State.HELD,
        council=council,
        by=secretary,
        listed_proposals=0,
        title_kk="Медициналық-санитариялық алғашқы көмектің қолжетімділігін арттыру",
        title_ru="Повышение доступности первичной медико-санитарной помощи",
    )
    for n, author in enumerate(AUTHORS[:3]):  # authors who asked to be answered by phone
        add_proposal(
            published, by=secretary, text=TEXTS[n], author_name=author, contact=f"+7 (701) 555-12-3{n}",
            wants_answer=True, moderation=Proposal.Moderation.LISTED,
        )  # fmt: skip
    Consultation.objects.filter(pk=published.pk).update(window_closes_at=timezone.now() - datetime.timedelta(hours=1))
    published.refresh_from_db()
    workflow.compile_proposals(published, by=secretary)
    decide_all(published, by=secretary)
    write_position(published)
    workflow.publish_position(published, by=secretary)
    planned = consultation_at(
        State.PLANNED,
        council=council,
        by=secretary,
        title_kk="Дәрілік заттарды тегін және жеңілдікпен қамтамасыз ету тізбесін қайта қарау",
        title_ru="Пересмотр перечня лекарственных средств для бесплатного и льготного обеспечения",
    )
    meeting = Meeting.objects.filter(council=council).order_by("-pk").first()
    coming = MeetingFactory(
        council=council,
        date=timezone.localdate() + datetime.timedelta(days=10),
        agenda_kk="1. Медициналық көмек көрсетуді ұйымдастыру стандарттарына өзгерістер енгізу туралы бұйрықтың жобасы",
        agenda_ru="1. Проект приказа о внесении изменений в стандарты организации оказания медицинской помощи",
    )
    member = Membership.objects.filter(council=council, role=Membership.Role.MEMBER).first()
    reception = Reception.objects.create(
        member=member,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place_kk="Астана қ., Мәңгілік Ел даңғылы, 8, «Министрліктер үйі», №2 кіреберіс, 245-кабинет",
        place_ru="г. Астана, проспект Мангилик Ел, 8, «Дом министерств», подъезд №2, кабинет 245",
    )
    announcement = Announcement.objects.filter(council=council).first()
    Delivery.objects.create(
        announcement=announcement, channel="telegram", target="@densaulyk_ministrligi_qogamdyq_kenes", state="failed",
        attempts=3, last_error="unreachable: [Errno 111] Connection refused",
    )  # fmt: skip
    schedule = QuarterlySchedule.objects.get(pk=held.schedule_id)
    return {
        "secretary": secretary,
        "council": council,
        "schedule": schedule,
        "draft": draft,
        "held": held,
        "published": published,
        "planned": planned,
        "meeting": meeting,
        "coming": coming,
        "reception": reception,
        "proposal": held.proposals.order_by("submitted_at").first(),
        "by_phone": published.proposals.order_by("submitted_at").first(),
        "documents": RenderedDocument.objects.filter(consultation=published).order_by("pk")[:1],
    }


def pages(data) -> list[tuple[str, str]]:
    """Every workspace page a secretary opens, by name and address (without the language prefix)."""
    council, schedule = data["council"].slug, data["schedule"]
    quarter = f"councils/{council}/{schedule.year}-q{schedule.quarter}/"
    draft, held, published = (f"consultations/{data[name].slug}/" for name in ("draft", "held", "published"))
    return [
        ("dashboard", ""),
        ("council", f"councils/{council}/"),
        ("meeting-new", f"councils/{council}/meetings/new/"),
        ("meeting-edit", f"councils/{council}/meetings/{data['meeting'].pk}/"),
        ("attendance", f"councils/{council}/meetings/{data['meeting'].pk}/attendance/"),
        ("meeting-announce", f"councils/{council}/meetings/{data['coming'].pk}/announce/"),
        ("reception-new", f"councils/{council}/receptions/new/"),
        ("reception-edit", f"councils/{council}/receptions/{data['reception'].pk}/"),
        ("schedule", quarter),
        ("consultation-new", f"{quarter}new/"),
        ("consultation-planned", f"consultations/{data['planned'].slug}/"),
        ("consultation-edit", f"consultations/{data['planned'].slug}/edit/"),
        ("questions", f"consultations/{data['planned'].slug}/questions/"),
        ("consultation-held", held),
        ("inbox", f"{held}proposals/"),
        ("entry", f"{held}proposals/new/"),
        ("groups", f"{held}proposals/groups/"),
        ("proposal", f"{held}proposals/{data['proposal'].reference}/"),
        ("consultation-draft-act", draft),
        ("recommendation", f"{draft}recommendation/"),
        ("position", f"{draft}position/"),
        ("state-body-answer", f"{draft}state-body/"),
        ("information-request", f"{draft}requests/new/"),
        ("attachment-new", f"{draft}attachments/new/"),
        ("consultation-published", published),
        ("inbox-published", f"{published}proposals/"),
        ("proposal-by-phone", f"{published}proposals/{data['by_phone'].reference}/"),
    ] + [("document", f"documents/{document.pk}/") for document in data["documents"]]


SIGNED_OUT = [
    ("sign-in", "sign-in/"),
    ("password-reset", "password-reset/"),
    ("password-reset-sent", "password-reset/sent/"),
]


def check(page, url: str, name: str, problems: list[str]) -> None:
    response = page.goto(url)
    if not response.ok:
        problems.append(f"{name}: {response.status} at {url}")
        return
    unfold(page)
    for action in page.locator("input[type=radio][name=action]").all():  # the inbox's bulk panel: each action's fields
        action.check()
        if wide := wider_than_a_phone(page):
            problems.append(f"{name}, {action.get_attribute('value')}: {wide}")
    if wide := wider_than_a_phone(page):
        problems.append(f"{name}: {page.evaluate('document.documentElement.scrollWidth')} px wide: {wide}")
    if labels := empty_labels(page):
        problems.append(f"{name}: labels shown with nothing after them: {labels}")
    audit(page, name)


@pytest.mark.parametrize("language", ["kk", "ru"])  # one test each: the two run side by side
def test_every_workspace_page_fits_a_phone_in_both_languages(browser, live_server, workspace, language):
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    for name, path in SIGNED_OUT:
        check(page, f"{live_server.url}/{language}/workspace/{path}", f"50-phone-{name}-{language}", problems)
    page.goto(f"{live_server.url}/{language}/workspace/sign-in/")
    page.locator("input[name=username]").fill(workspace["secretary"].username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.narrow-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{language}/workspace/$"))
    for name, path in pages(workspace):
        check(page, f"{live_server.url}/{language}/workspace/{path}", f"51-phone-{name}-{language}", problems)
    # A tablet's width, and a narrow desktop's where the tables get their columns back (60rem).
    for size in TABLET, NARROW_DESKTOP:
        page.set_viewport_size(size)
        for name, path in pages(workspace):
            if name in TABLES:
                page.goto(f"{live_server.url}/{language}/workspace/{path}")
                if (width := page.evaluate("document.documentElement.scrollWidth")) > size["width"]:
                    problems.append(f"{name} at {size['width']} px: {width} px wide")
                page.screenshot(path=str(ARTIFACTS / f"52-{size['width']}-{name}-{language}.png"), full_page=True)
    # At a desktop's width the tables keep their columns: screenshots to look at.
    page.set_viewport_size({"width": 1280, "height": 900})
    for name, path in pages(workspace):
        if name in TABLES:
            page.goto(f"{live_server.url}/{language}/workspace/{path}")
            cells = page.evaluate("[...document.querySelectorAll('td')].map(c => getComputedStyle(c).display)")
            if set(cells) - {"table-cell", "none"}:
                problems.append(f"{name} at 1280 px: a table's cells are not in columns")
            page.screenshot(path=str(ARTIFACTS / f"52-desktop-{name}-{language}.png"), full_page=True)
    page.close()
    assert not problems, "\n".join(problems)


TABLET = {"width": 768, "height": 1024}
NARROW_DESKTOP = {"width": 980, "height": 900}
TABLES = {"dashboard", "council", "schedule", "consultation-held", "inbox", "inbox-published", "proposal-by-phone"}
