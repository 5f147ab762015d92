"""Publications outside the portal, recorded from the workspace (the schedule's page, the consultation's page)
and shown to the public as "also published": by the council's secretary or chair only, logged, refused in the
page's language when something is wrong."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations import workflow
from consultations.models import Consultation
from councils.models import Council
from publications.models import Announcement, Delivery, RecordedPublicationChange
from publications.services import record_publication
from tests.factories import CouncilFactory, consultation_at, secretary_of, staff_of, url
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State
Event = Announcement.Event
PDF = b"%PDF-1.4 page 3 of the newspaper"


def scan(content: bytes = PDF, name: str = "page.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def results():
    return published_at(State.POSITION_PUBLISHED)


@pytest.fixture
def council(results):
    return results.schedule.council


@pytest.fixture
def secretary(client, council):
    user = secretary_of(council)
    client.force_login(user)
    return user


def announcement_of(subject, event) -> Announcement:
    return Announcement.objects.about(subject).get(event=event)


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def record(client, announcement, language="kk", **given):
    data = {"outlet_kind": "social", "outlet": "Facebook", "link": "", "published_on": yesterday().isoformat()}
    return client.post(url("workspace:record_publication", language, pk=announcement.pk), data | given)


def text(response) -> str:
    """The page as a reader meets it: entities unescaped, each run of whitespace one space."""
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


# ---------------------------------------------------------------------------------------------------------
# Recording, and what the public then sees


def test_the_secretary_records_the_schedules_newspaper_publication_and_the_council_page_shows_it(
    client, results, council, secretary
):
    schedule = results.schedule
    page = url("workspace:schedule", council_slug=council.slug, year=schedule.year, quarter=schedule.quarter)
    announcement = announcement_of(schedule, Event.SCHEDULE_PUBLISHED)
    form = client.get(page).content.decode()
    assert url("workspace:record_publication", pk=announcement.pk) in form

    response = record(client, announcement, outlet_kind="newspaper", outlet="Арқа ажары", scan=scan(), next=page)
    assert response.status_code == 302 and response.url == page
    publication = Delivery.objects.get(announcement=announcement, channel="recorded")
    assert publication.outlet_kind == "newspaper" and publication.target == ""
    assert timezone.localdate(publication.sent_at) == yesterday() and publication.recorded_by == secretary
    shown = text(client.get(page))
    assert "Арқа ажары" in shown and f"тіркеген: {secretary.username}" in shown

    for language, words, kind in (("kk", "Сондай-ақ жарияланды", "газет"), ("ru", "Также опубликовано", "газета")):
        public = text(client.get(url("councils:detail", language, slug=council.slug)))
        assert f'{words}: Арқа ажары ({kind}, <time datetime="{yesterday().isoformat()}">' in public
        assert url("publications:scan", language, pk=publication.pk) in public

    client.logout()
    download = client.get(url("publications:scan", "ru", pk=publication.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_the_secretary_records_step_3_and_the_results_from_the_consultations_page(client, results, secretary):
    announced = announcement_of(results, Event.CONSULTATION_ANNOUNCED)
    position = announcement_of(results, Event.RESULTS_PUBLISHED)
    page = url("workspace:consultation", slug=results.slug)
    form = client.get(page).content.decode()
    assert url("workspace:record_publication", pk=announced.pk) in form
    assert url("workspace:record_publication", pk=position.pk) in form

    assert record(client, announced, link="https://www.facebook.com/qogam/posts/1", next=page).url == page
    assert record(client, position, outlet_kind="news_site", outlet="Өңір жаңалықтары",
                  link="https://news.example.kz/results", next=page).url == page  # fmt: skip
    assert "Өңір жаңалықтары" in text(client.get(page))

    for language, words in (("kk", "Сондай-ақ жарияланды"), ("ru", "Также опубликовано")):
        detail = text(client.get(url("consultations:detail", language, slug=results.slug)))
        assert words in detail
        assert '<a href="https://www.facebook.com/qogam/posts/1" rel="noopener noreferrer">Facebook</a>' in detail
        assert "Өңір жаңалықтары" not in detail  # the results' publication is on the results page
        shown = text(client.get(url("consultations:results", language, slug=results.slug)))
        assert words in shown and "Өңір жаңалықтары" in shown and "facebook.com" not in shown
    assert "жаңалықтар сайты" in text(client.get(url("consultations:results", "kk", slug=results.slug)))
    assert "новостной сайт" in text(client.get(url("consultations:results", "ru", slug=results.slug)))


def test_a_change_and_a_removal_are_logged_with_who_and_when_and_shown_in_the_workspace(client, results, council):
    secretary = secretary_of(council)
    chair = staff_of(council, role="chair")
    announcement = announcement_of(results, Event.CONSULTATION_ANNOUNCED)
    publication = record_publication(
        announcement, by=secretary, outlet_kind="newspaper", outlet="Арқа ажары", published_on=yesterday(),
        scan=scan(),
    )  # fmt: skip
    page = url("workspace:consultation", slug=results.slug)
    client.force_login(chair)
    edit = url("workspace:recorded_publication", pk=publication.pk)
    form = text(client.get(edit, {"next": page}))
    assert 'value="Арқа ажары"' in form and f'value="{yesterday().isoformat()}"' in form

    changed = {"outlet_kind": "newspaper", "outlet": "Акмолинская правда", "link": "https://example.kz/a/1",
               "published_on": timezone.localdate().isoformat(), "remove_scan": "on", "next": page}  # fmt: skip
    assert client.post(edit, changed).url == page
    publication.refresh_from_db()
    assert publication.outlet == "Акмолинская правда" and not publication.scan

    remove = url("workspace:remove_recorded_publication", pk=publication.pk)
    assert client.post(remove, {"next": page}).url == page
    assert not Delivery.objects.filter(pk=publication.pk).exists()

    log = RecordedPublicationChange.objects.filter(announcement=announcement).order_by("id")
    assert [(entry.action, entry.by) for entry in log] == [
        ("recorded", secretary), ("changed", chair), ("removed", chair),
    ]  # fmt: skip
    shown = text(client.get(url("workspace:consultation", "ru", slug=results.slug)))
    assert "Журнал записанных публикаций" in shown
    for words in ("Публикация записана", "Запись изменена", "Запись удалена", secretary.username, chair.username):
        assert words in shown
    assert "газета «Арқа ажары»" in shown and "газета «Акмолинская правда»" in shown  # what it was before
    # Gone from the public page too.
    assert "Акмолинская правда" not in text(client.get(url("consultations:detail", "kk", slug=results.slug)))


# ---------------------------------------------------------------------------------------------------------
# Refusals, in the page's language, changing nothing


def test_a_date_in_the_future_is_refused_in_the_pages_language_keeping_what_was_typed(client, results, secretary):
    announcement = announcement_of(results, Event.CONSULTATION_ANNOUNCED)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = record(client, announcement, "ru", outlet="Своя газета", published_on=tomorrow, scan=scan())
    assert response.status_code == 400
    page = text(response)
    assert "Дата публикации не может быть в будущем" in page and 'value="Своя газета"' in page
    assert not Delivery.objects.filter(channel="recorded").exists()


def test_neither_a_link_nor_a_scan_is_refused_saying_that_a_scan_will_do(client, results, secretary):
    response = record(client, announcement_of(results, Event.RESULTS_PUBLISHED), "kk", outlet_kind="newspaper")
    assert response.status_code == 400
    assert "скан-көшірмесін не фотосуретін (PDF, PNG немесе JPEG) тіркеңіз" in text(response)
    assert not Delivery.objects.filter(channel="recorded").exists()


def test_a_scan_of_another_type_is_refused_naming_its_real_type(client, results, secretary):
    disguised = scan(b"<html><body>not a scan</body></html>", name="scan.pdf")
    response = record(client, announcement_of(results, Event.CONSULTATION_ANNOUNCED), "ru", scan=disguised)
    assert response.status_code == 400
    assert "это веб-страница (HTML). Загрузите файл одного из этих типов: PDF, PNG, JPG." in text(response)
    assert not Delivery.objects.filter(channel="recorded").exists()


def test_a_javascript_link_is_refused(client, results, secretary):
    response = record(client, announcement_of(results, Event.CONSULTATION_ANNOUNCED), "ru",
                      link="javascript:alert(document.cookie)")  # fmt: skip
    assert response.status_code == 400
    assert "Ссылка должна быть веб-адресом, начинающимся с http:// или https://." in text(response)
    assert not Delivery.objects.filter(channel="recorded").exists()


def test_an_announcement_not_yet_published_takes_no_record(client, secretary, council):
    consultation = consultation_at(State.QUESTIONS_APPROVED, council=council, by=secretary)
    waiting = workflow.schedule_announcement(
        consultation, by=secretary, publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert client.get(url("workspace:record_publication", pk=waiting.pk)).status_code == 404
    assert record(client, waiting, link="https://example.kz/1").status_code == 404
    assert not waiting.deliveries.exists()


def test_members_are_refused(client, results, council):
    announcement = announcement_of(results, Event.CONSULTATION_ANNOUNCED)
    publication = record_publication(
        announcement, by=secretary_of(council), outlet_kind="social", outlet="Facebook",
        link="https://facebook.com/p/1", published_on=yesterday(),
    )  # fmt: skip
    client.force_login(staff_of(council, role="member"))
    assert record(client, announcement, link="https://example.kz/2").status_code == 403
    edit = url("workspace:recorded_publication", pk=publication.pk)
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"outlet_kind": "social", "outlet": "X", "link": "https://x.kz/1",
                              "published_on": yesterday().isoformat()}).status_code == 403  # fmt: skip
    assert client.post(url("workspace:remove_recorded_publication", pk=publication.pk)).status_code == 403
    # Members read their council's workspace: the record is listed, with no form to change it.
    page = client.get(url("workspace:consultation", slug=results.slug)).content.decode()
    assert "Facebook" in page and edit not in page
    assert url("workspace:record_publication", pk=announcement.pk) not in page
    assert list(Delivery.objects.filter(channel="recorded").values_list("outlet", flat=True)) == ["Facebook"]
    assert RecordedPublicationChange.objects.count() == 1


def test_another_councils_announcement_or_record_is_not_found(client, results, council):
    announcement = announcement_of(results, Event.CONSULTATION_ANNOUNCED)
    publication = record_publication(
        announcement, by=secretary_of(council), outlet_kind="newspaper", outlet="Арқа ажары",
        published_on=yesterday(), scan=scan(),
    )  # fmt: skip
    client.force_login(secretary_of(CouncilFactory()))
    assert record(client, announcement, link="https://example.kz/3").status_code == 404
    assert client.get(url("workspace:record_publication", pk=announcement.pk)).status_code == 404
    edit = url("workspace:recorded_publication", pk=publication.pk)
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"outlet_kind": "social", "outlet": "X", "link": "https://x.kz/1",
                              "published_on": yesterday().isoformat()}).status_code == 404  # fmt: skip
    assert client.post(url("workspace:remove_recorded_publication", pk=publication.pk)).status_code == 404
    assert client.get(url("workspace:recorded_scan", pk=publication.pk)).status_code == 404
    publication.refresh_from_db()
    assert publication.outlet == "Арқа ажары" and RecordedPublicationChange.objects.count() == 1


# ---------------------------------------------------------------------------------------------------------
# What the public is shown, and never shown


def test_an_outlets_name_is_never_rendered_as_markup(client, results, secretary):
    announcement = announcement_of(results, Event.CONSULTATION_ANNOUNCED)
    hostile = '<script>alert("x")</script><b>Газет</b>'
    assert record(client, announcement, outlet=hostile, link="https://example.kz/4").status_code == 302
    for page in (
        url("consultations:detail", "kk", slug=results.slug),
        url("workspace:consultation", "ru", slug=results.slug),
    ):
        body = client.get(page).content.decode()
        assert "<script>alert" not in body and "<b>Газет</b>" not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;Газет&lt;/b&gt;" in body


def test_a_link_that_is_not_a_web_address_is_never_a_link_on_the_page(client, results):
    # Written past the service (as older data could be): the page shows the name, not the link.
    announcement = announcement_of(results, Event.CONSULTATION_ANNOUNCED)
    Delivery.objects.create(
        announcement=announcement, channel="recorded", outlet_kind="social", outlet="Желі",
        target="javascript:alert(1)", state="sent", sent_at=timezone.now(),
    )  # fmt: skip
    body = client.get(url("consultations:detail", "kk", slug=results.slug)).content.decode()
    assert "Желі" in body and "javascript:" not in body


def test_a_scan_is_public_only_for_a_published_announcement_of_an_active_council(client, results, council):
    consultation = consultation_at(State.QUESTIONS_APPROVED, council=council)
    waiting = workflow.schedule_announcement(
        consultation, by=secretary_of(council), publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    hidden = Delivery(announcement=waiting, channel="recorded", outlet_kind="newspaper", outlet="Газет",
                      state="sent", sent_at=timezone.now())  # fmt: skip
    hidden.scan.save("hidden.pdf", scan(), save=True)
    assert client.get(url("publications:scan", "kk", pk=hidden.pk)).status_code == 404

    publication = record_publication(
        announcement_of(results, Event.RESULTS_PUBLISHED), by=secretary_of(council), outlet_kind="newspaper",
        outlet="Арқа ажары", published_on=yesterday(), scan=scan(),
    )  # fmt: skip
    assert client.get(url("publications:scan", "kk", pk=publication.pk)).status_code == 200
    Council.objects.filter(pk=council.pk).update(is_active=False)
    assert client.get(url("publications:scan", "kk", pk=publication.pk)).status_code == 404


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_public_pages_keep_their_query_count_with_many_recorded_publications(client, results, council):
    secretary = secretary_of(council)
    pages = [
        url("consultations:detail", "kk", slug=results.slug),
        url("consultations:results", "ru", slug=results.slug),
        url("councils:detail", "kk", slug=council.slug),
    ]
    subjects = [
        announcement_of(results, Event.CONSULTATION_ANNOUNCED),
        announcement_of(results, Event.RESULTS_PUBLISHED),
        announcement_of(results.schedule, Event.SCHEDULE_PUBLISHED),
    ]

    def add(n):
        for announcement in subjects:
            record_publication(
                announcement, by=secretary, outlet_kind="social", outlet=f"Желі {n}",
                link=f"https://example.kz/{announcement.pk}/{n}", published_on=yesterday(),
                scan=scan() if n % 2 else None,
            )  # fmt: skip

    add(0)
    few = [count_queries(client, page) for page in pages]
    for n in range(1, 6):
        add(n)
    assert [count_queries(client, page) for page in pages] == few
    assert "Желі 5" in text(client.get(pages[0]))


def test_the_consultations_page_lists_a_recorded_publication_apart_not_among_the_portals_deliveries(
    client, results, secretary
):
    from django.utils import translation

    announced = announcement_of(results, Event.CONSULTATION_ANNOUNCED)
    record(client, announced, outlet_kind="newspaper", outlet="Арқа ажары", link="https://arka.example.kz/1")
    page = text(client.get(url("workspace:consultation", "ru", slug=results.slug)))
    assert '<a href="https://arka.example.kz/1" rel="noopener noreferrer">Арқа ажары</a>' in page
    with translation.override("ru"):
        assert str(Delivery.Channel.RECORDED.label) not in page  # "delivered" makes no sense for a newspaper
