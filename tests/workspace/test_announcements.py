"""Announcements from the workspace: news, step 3 at a time to come, and a scheduled announcement changed,
published early or withdrawn before it goes out — by its council's secretary only."""

import datetime

import pytest
from django.utils import timezone

from consultations import tasks, workflow
from consultations.models import Consultation
from publications.models import Announcement
from tests.factories import staff_of, url
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State
TEXTS = {"title_kk": "Хабарландыру", "title_ru": "Объявление", "text_kk": "Мәтін", "text_ru": "Текст"}


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def consultation():
    return published_at(State.QUESTIONS_APPROVED)


@pytest.fixture
def secretary(client, consultation):
    user = consultation.schedule.council.memberships.get(role="secretary").user
    client.force_login(user)
    return user


def schedule_step_3(client, consultation, at: datetime.datetime) -> Announcement:
    response = client.post(
        url("workspace:step", slug=consultation.slug, name="announce"),
        {**TEXTS, "occurred_on": timezone.localdate().isoformat(), "publish_at": local(at)},
    )
    assert response.status_code == 302
    return Announcement.objects.get(subject_id=consultation.pk, event="consultation.announced")


def test_step_3_at_a_time_to_come_waits_and_can_be_changed_before_it_goes_out(client, consultation, secretary):
    announcement = schedule_step_3(client, consultation, timezone.now() + datetime.timedelta(days=1))
    consultation.refresh_from_db()
    assert consultation.state == State.QUESTIONS_APPROVED and announcement.published_at is None
    edit = url("workspace:scheduled_announcement", slug=consultation.slug, pk=announcement.pk)
    assert edit in client.get(url("workspace:consultation", slug=consultation.slug)).content.decode()

    page = client.get(edit).content.decode()
    assert "Хабарландыру" in page and "Объявление" in page
    later = timezone.now() + datetime.timedelta(days=2)
    changed = {**TEXTS, "title_ru": "Объявление, исправленное", "publish_at": local(later)}
    assert client.post(edit, {**changed, "action": "save"}).status_code == 302
    announcement.refresh_from_db()
    assert announcement.title_ru == "Объявление, исправленное"
    assert local(announcement.publish_at) == local(later)
    assert announcement.published_at is None

    assert client.post(edit, {"action": "publish"}).status_code == 302
    consultation.refresh_from_db()
    announcement.refresh_from_db()
    assert consultation.state == State.ANNOUNCED and announcement.published_at is not None
    assert consultation.transitions.get(to_state=State.ANNOUNCED).by == secretary
    public = client.get(url("consultations:detail", "ru", slug=consultation.slug)).content.decode()
    assert "Объявление, исправленное" in client.get(url("news-rss", "ru")).content.decode()
    assert consultation.title_ru in public
    # Published: it is no longer changed from here, and the beat job does not publish it a second time.
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"action": "publish"}).status_code == 404
    assert tasks.publish_due_announcements() == 0


def test_a_time_already_past_is_refused_and_changes_nothing(client, consultation, secretary):
    at = timezone.now() + datetime.timedelta(days=1)
    announcement = schedule_step_3(client, consultation, at)
    edit = url("workspace:scheduled_announcement", slug=consultation.slug, pk=announcement.pk)
    past = {**TEXTS, "title_kk": "Өзгерген", "publish_at": local(timezone.now() - datetime.timedelta(hours=1))}
    response = client.post(edit, {**past, "action": "save"})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    announcement.refresh_from_db()
    assert announcement.title_kk == "Хабарландыру" and local(announcement.publish_at) == local(at)


def test_a_withdrawn_announcement_never_goes_out(client, consultation, secretary, monkeypatch):
    announcement = schedule_step_3(client, consultation, timezone.now() + datetime.timedelta(hours=1))
    edit = url("workspace:scheduled_announcement", slug=consultation.slug, pk=announcement.pk)
    assert client.post(edit, {"action": "withdraw"}).status_code == 302
    assert not Announcement.objects.filter(pk=announcement.pk).exists()
    later = timezone.now() + datetime.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert tasks.publish_due_announcements() == 0
    consultation.refresh_from_db()
    assert consultation.state == State.QUESTIONS_APPROVED


@pytest.fixture
def announced(consultation, secretary):
    workflow.announce(consultation, by=secretary)
    return consultation


def test_news_is_published_now_or_held_for_its_time(client, announced, monkeypatch):
    consultation = announced
    news = url("workspace:news", slug=consultation.slug)
    assert client.post(news, {**TEXTS, "title_ru": "Сейчас"}).status_code == 302
    assert client.post(news, {**TEXTS, "title_ru": "Позже", "publish_at": local(
        timezone.now() + datetime.timedelta(hours=3))}).status_code == 302  # fmt: skip
    feed = client.get(url("news-rss", "ru")).content.decode()
    assert "Сейчас" in feed and "Позже" not in feed
    later = timezone.now() + datetime.timedelta(hours=4)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert tasks.publish_due_announcements() == 1
    assert "Позже" in client.get(url("news-rss", "ru")).content.decode()


def test_news_without_a_title_or_text_is_refused(client, announced):
    before = Announcement.objects.count()
    response = client.post(url("workspace:news", slug=announced.slug), {"title_kk": "Тек тақырып"}, follow=True)
    assert response.status_code == 200
    assert "message-error" in response.content.decode()
    assert Announcement.objects.count() == before


def test_cancelling_withdraws_what_waits_to_go_out(client, announced, secretary):
    consultation = announced
    client.post(url("workspace:news", slug=consultation.slug), {**TEXTS, "publish_at": local(
        timezone.now() + datetime.timedelta(days=1))})  # fmt: skip
    assert Announcement.objects.filter(subject_id=consultation.pk, published_at__isnull=True).count() == 1
    workflow.cancel(consultation, by=secretary, reason_kk="Себебі", reason_ru="Причина")
    assert not Announcement.objects.filter(subject_id=consultation.pk, published_at__isnull=True).exists()
    assert Announcement.objects.filter(subject_id=consultation.pk, event="consultation.cancelled").exists()


def test_another_councils_secretary_cannot_touch_a_scheduled_announcement(client, consultation):
    client.force_login(consultation.schedule.council.memberships.get(role="secretary").user)
    announcement = schedule_step_3(client, consultation, timezone.now() + datetime.timedelta(days=1))
    other = published_at(State.QUESTIONS_APPROVED)
    client.force_login(staff_of(other.schedule.council))
    edit = url("workspace:scheduled_announcement", slug=consultation.slug, pk=announcement.pk)
    # Through its own consultation's address, too: the announcement must belong to the consultation.
    borrowed = url("workspace:scheduled_announcement", slug=other.slug, pk=announcement.pk)
    for address in (edit, borrowed):
        for action in ("save", "publish", "withdraw"):
            data = {**TEXTS, "action": action, "publish_at": "2099-01-01T10:00"}
            assert client.post(address, data).status_code == 404
    announcement.refresh_from_db()
    assert announcement.published_at is None and announcement.title_kk == "Хабарландыру"


def test_a_double_click_on_publish_the_news_publishes_it_once(client, announced):
    form = {**TEXTS, "submission_token": "6f1c1f9e-8a4b-4a53-9d1e-2b7c3c1d2e3f"}
    for _click in range(2):
        assert client.post(url("workspace:news", slug=announced.slug), form).status_code == 302
    assert Announcement.objects.filter(event="news.published", subject_id=announced.pk).count() == 1


def test_going_back_before_step_3_withdraws_the_scheduled_announcement(client, consultation, secretary):
    schedule_step_3(client, consultation, timezone.now() + datetime.timedelta(days=1))
    workflow.step_back(consultation, by=secretary, reason="Сұрақтар өзгереді")
    assert not Announcement.objects.filter(subject_id=consultation.pk, event="consultation.announced").exists()


def cancel_through_the_page(client, consultation, **changes):
    form = client.get(url("workspace:consultation", slug=consultation.slug)).context["cancel_form"]
    data = {**form.initial, "occurred_on": timezone.localdate().isoformat(), **changes}
    data.update(reason_kk="Мемлекеттік орган мәселені шешті", reason_ru="Государственный орган решил вопрос")
    response = client.post(url("workspace:step", slug=consultation.slug, name="cancel"), data)
    assert response.status_code == 302
    return Announcement.objects.get(subject_id=consultation.pk, event="consultation.cancelled")


def test_a_cancellation_left_as_prepared_carries_the_reason(client, announced):
    announcement = cancel_through_the_page(client, announced)
    assert "Государственный орган решил вопрос" in announcement.text_ru
    assert "Мемлекеттік орган мәселені шешті" in announcement.text_kk


def test_a_cancellation_announcement_is_the_secretarys_when_changed(client, announced):
    announcement = cancel_through_the_page(client, announced, title_ru="Консультация отменена: новая дата позже")
    assert announcement.title_ru == "Консультация отменена: новая дата позже"
    assert "Государственный орган решил вопрос" in announcement.text_ru  # the text, unchanged, still carries it


def test_a_consultation_never_announced_is_cancelled_without_an_announcement(client, consultation, secretary):
    form = client.get(url("workspace:consultation", slug=consultation.slug)).context["cancel_form"]
    assert "title_kk" not in form.fields
    data = {"occurred_on": timezone.localdate().isoformat(), "reason_kk": "Себебі", "reason_ru": "Причина"}
    assert client.post(url("workspace:step", slug=consultation.slug, name="cancel"), data).status_code == 302
    consultation.refresh_from_db()
    assert consultation.state == State.CANCELLED
    assert not Announcement.objects.filter(subject_id=consultation.pk, event="consultation.cancelled").exists()


def test_announcing_by_hand_withdraws_what_was_scheduled_for_step_3(client, consultation, secretary):
    schedule_step_3(client, consultation, timezone.now() + datetime.timedelta(days=1))
    response = client.post(
        url("workspace:step", slug=consultation.slug, name="announce"),
        {**TEXTS, "title_ru": "Сейчас", "occurred_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    announcements = Announcement.objects.filter(subject_id=consultation.pk, event="consultation.announced")
    assert [(a.title_ru, a.published_at is not None) for a in announcements] == [("Сейчас", True)]


def test_a_refused_publish_now_says_why_and_keeps_the_texts(client, consultation, secretary):
    announcement = schedule_step_3(client, consultation, timezone.now() + datetime.timedelta(days=1))
    Consultation.objects.filter(pk=consultation.pk).update(venue_kk="", venue_ru="", format="in_person")
    edit = url("workspace:scheduled_announcement", slug=consultation.slug, pk=announcement.pk)
    response = client.post(edit, {"action": "publish"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "message-error" in page and "Хабарландыру" in page and "error-summary" not in page
    announcement.refresh_from_db()
    assert announcement.published_at is None
