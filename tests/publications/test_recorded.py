"""Publications outside the portal recorded by the secretary: what the services accept and refuse, what they
store for compliance, the log of changes, the migration of the rows recorded before, the admin."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from common.errors import ActionRefused
from consultations import services as consultation_services
from consultations import workflow
from consultations.models import Consultation
from publications.models import Announcement, Delivery, RecordedPublicationChange
from publications.services import change_recorded_publication, record_publication, remove_recorded_publication
from tests.factories import CouncilFactory, consultation_at, ministry_staff, secretary_of, staff_of

pytestmark = pytest.mark.django_db
State = Consultation.State
Event = Announcement.Event
PDF = b"%PDF-1.4 a scanned newspaper page"


def scan(content: bytes = PDF, name: str = "page.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def announced():
    return consultation_at(State.ANNOUNCED)


@pytest.fixture
def announcement(announced):
    return Announcement.objects.about(announced).get(event=Event.CONSULTATION_ANNOUNCED)


@pytest.fixture
def secretary(announced):
    return secretary_of(announced.schedule.council)


def newspaper(announcement, by, **given):
    fields = {"outlet_kind": "newspaper", "outlet": "Арқа ажары", "published_on": timezone.localdate(), "scan": scan()}
    return record_publication(announcement, by=by, **(fields | given))


def refusal(call) -> str:
    with pytest.raises(ActionRefused) as refused:
        call()
    return str(refused.value)


def test_a_recorded_publication_is_delivered_at_noon_of_the_day_it_appeared(announcement, secretary):
    day = timezone.localdate() - datetime.timedelta(days=3)
    publication = record_publication(
        announcement, by=secretary, outlet_kind="news_site", outlet="Новости региона",
        link="https://example.kz/news/1", published_on=day,
    )  # fmt: skip
    publication.refresh_from_db()
    assert publication.channel == "recorded" and publication.state == "sent"
    assert timezone.localtime(publication.sent_at) == timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(12))
    )
    assert publication.target == "https://example.kz/news/1" and publication.outlet_kind == "news_site"
    assert publication.recorded_by == secretary and not publication.scan


def test_a_printed_newspaper_is_recorded_by_its_scan_without_a_link(announcement, secretary):
    first = newspaper(announcement, secretary)
    second = newspaper(announcement, secretary, outlet="Акмолинская правда")  # two without a link: allowed
    first.refresh_from_db()
    assert first.target == "" and first.scan_type == "application/pdf"
    assert first.scan.name.endswith(".pdf") and "page" not in first.scan.name  # a name of our own
    assert first.scan.read() == PDF
    assert second.pk != first.pk


def test_the_chair_records_too(announcement, announced):
    chair = staff_of(announced.schedule.council, role="chair")
    assert newspaper(announcement, chair).recorded_by == chair


def test_a_member_or_another_councils_secretary_is_refused(announcement, announced):
    member = staff_of(announced.schedule.council, role="member")
    other = secretary_of(CouncilFactory())
    for user in (member, other):
        assert "Only the council's secretary or chair" in refusal(lambda user=user: newspaper(announcement, user))
    assert not Delivery.objects.filter(channel="recorded").exists()


def test_a_date_in_the_future_is_refused(announcement, secretary):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    message = refusal(lambda: newspaper(announcement, secretary, published_on=tomorrow))
    assert message == "The date of publication cannot be in the future: give the date on which it appeared."
    assert not Delivery.objects.filter(channel="recorded").exists()


def test_an_announcement_not_yet_published_takes_no_record(secretary):
    consultation = consultation_at(State.QUESTIONS_APPROVED)
    waiting = workflow.schedule_announcement(
        consultation, by=secretary_of(consultation.schedule.council),
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip
    message = refusal(lambda: newspaper(waiting, secretary_of(consultation.schedule.council)))
    assert message.startswith("Only a published announcement can have publications recorded")
    assert not waiting.deliveries.exists()


def test_news_takes_no_record(announced, secretary):
    news = consultation_services.write_news(
        announced, by=secretary, title_kk="Жаңалық", title_ru="Новость", text_kk="Мәтін", text_ru="Текст"
    )
    assert "for the schedule, a consultation's announcement and its results" in refusal(
        lambda: newspaper(news, secretary)
    )


def test_neither_a_link_nor_a_scan_is_refused_saying_what_to_give(announcement, secretary):
    message = refusal(lambda: newspaper(announcement, secretary, scan=None))
    assert message.startswith("Give the link to the publication, or attach a scan or a photo of it")


@pytest.mark.parametrize(
    "link", ["javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,<b>x</b>", "ftp://x.kz/a"]
)
def test_a_link_that_is_not_a_web_address_is_refused(announcement, secretary, link):
    message = refusal(lambda: newspaper(announcement, secretary, link=link, scan=None))
    assert message == "The link must be a web address beginning with http:// or https://."


def test_a_scan_is_judged_by_its_content_and_refused_naming_its_real_type(announcement, secretary):
    disguised = scan(b"<!DOCTYPE html><html><script>alert(1)</script></html>", name="page.pdf")
    message = refusal(lambda: newspaper(announcement, secretary, scan=disguised))
    assert message == (
        "The file is a web page (HTML), whatever its name says. Upload a file of one of these types: PDF, PNG, JPG."
    )
    assert not Delivery.objects.filter(channel="recorded").exists()


def test_a_photo_of_the_page_is_accepted(announcement, secretary):
    photo = scan(b"\xff\xd8\xff\xe0" + b"\x00" * 64, name="photo.pdf")
    publication = newspaper(announcement, secretary, scan=photo)
    assert publication.scan_type == "image/jpeg" and publication.scan.name.endswith(".jpg")


def test_a_link_is_recorded_once_per_announcement(announcement, secretary):
    link = {"outlet_kind": "social", "outlet": "Facebook", "link": "https://facebook.com/p/1", "scan": None}
    newspaper(announcement, secretary, **link)
    assert refusal(lambda: newspaper(announcement, secretary, **link)) == (
        "This link is already recorded for this announcement."
    )


def test_every_change_is_logged_with_who_when_and_what_it_was_before(announcement, announced, secretary):
    chair = staff_of(announced.schedule.council, role="chair")
    day = timezone.localdate() - datetime.timedelta(days=2)
    publication = newspaper(announcement, secretary, published_on=day)
    change_recorded_publication(
        publication, by=chair, outlet_kind="news_site", outlet="Ақмола жаңалықтары",
        link="https://example.kz/a", published_on=day + datetime.timedelta(days=1), remove_scan=True,
    )  # fmt: skip
    publication.refresh_from_db()
    assert publication.outlet_kind == "news_site" and not publication.scan and publication.scan_type == ""
    remove_recorded_publication(publication, by=secretary)
    assert not Delivery.objects.filter(pk=publication.pk).exists()

    log = list(RecordedPublicationChange.objects.filter(announcement=announcement).order_by("recorded_at", "id"))
    assert [(entry.action, entry.by) for entry in log] == [
        ("recorded", secretary), ("changed", chair), ("removed", secretary),
    ]  # fmt: skip
    assert all(entry.delivery_id is None for entry in log)  # the record is gone, its log stays
    recorded, changed, removed = log
    assert recorded.before == {} and recorded.after["outlet"] == "Арқа ажары" and recorded.after["scan"]
    assert changed.before == recorded.after
    assert changed.after == {
        "outlet_kind": "news_site", "outlet": "Ақмола жаңалықтары", "link": "https://example.kz/a",
        "published_on": (day + datetime.timedelta(days=1)).isoformat(), "scan": "",
    }  # fmt: skip
    assert removed.before == changed.after and removed.after == {}
    assert all(entry.recorded_at <= timezone.now() for entry in log)


def test_the_log_cannot_be_changed_or_deleted(announcement, secretary):
    newspaper(announcement, secretary)
    entry = RecordedPublicationChange.objects.get()
    entry.action = "removed"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_removing_the_scan_without_a_link_is_refused(announcement, secretary):
    publication = newspaper(announcement, secretary)
    fields = {"outlet_kind": "newspaper", "outlet": "Арқа ажары", "published_on": timezone.localdate()}
    message = refusal(lambda: change_recorded_publication(publication, by=secretary, remove_scan=True, **fields))
    assert message.startswith("Give the link to the publication")
    publication.refresh_from_db()
    assert publication.scan and RecordedPublicationChange.objects.count() == 1


def test_a_change_that_changes_nothing_is_not_logged(announcement, secretary):
    publication = newspaper(announcement, secretary)
    change_recorded_publication(
        publication, by=secretary, outlet_kind="newspaper", outlet="Арқа ажары", published_on=timezone.localdate()
    )
    assert RecordedPublicationChange.objects.count() == 1


def test_ministry_staff_read_a_recorded_publication_in_the_admin_with_its_scan_as_a_link(
    client, announcement, secretary
):
    publication = newspaper(announcement, secretary)
    ministry = ministry_staff()
    client.force_login(ministry)
    page = client.get(reverse("admin:publications_delivery_change", args=[publication.pk])).content.decode()
    assert "Арқа ажары" in page
    assert f'href="{reverse("publications:scan", args=[publication.pk])}"' in page
    assert publication.scan.name not in page  # the stored file's path is never shown nor served as such
    log = client.get(reverse("admin:publications_recordedpublicationchange_changelist"))
    assert log.status_code == 200 and "Арқа ажары" in log.content.decode()
    assert client.post(reverse("admin:publications_delivery_delete", args=[publication.pk])).status_code == 403


# ---------------------------------------------------------------------------------------------------------
# The rows recorded before the kinds of outlet


BEFORE = ("publications", "0005_subscription_open_once_per_scope")
AFTER = ("publications", "0007_recorded_publication_constraints")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_publications_recorded_before_become_social_network_posts():
    council = CouncilFactory()
    old = migrate(BEFORE)
    try:
        announcement = old.get_model("publications", "Announcement").objects.create(
            council_id=council.pk, event="schedule.published", title="T", text="T", published_at=timezone.now()
        )
        post = old.get_model("publications", "Delivery").objects.create(
            announcement=announcement, channel="recorded", target="https://facebook.com/p/1", outlet="Facebook",
            state="sent", sent_at=timezone.now(),
        )  # fmt: skip
        migrate(AFTER)
        assert Delivery.objects.get(pk=post.pk).outlet_kind == "social"
    finally:
        leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
        MigrationExecutor(connection).migrate(leaves)
