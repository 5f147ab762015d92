"""Reminders to the secretary and the chair: overdue steps, and a quarter without an approved schedule."""

import datetime

import pytest
from django.utils import timezone

from consultations import reminders
from consultations.models import Consultation, Reminder
from publications.models import OutgoingMail
from tests.factories import CouncilFactory, consultation_at, secretary_of

pytestmark = pytest.mark.django_db


def test_a_council_with_an_overdue_step_is_reminded_once_a_day():
    consultation = consultation_at(Consultation.State.HELD)
    council = consultation.schedule.council
    secretary = secretary_of(council)
    secretary.email = "secretary@akimat.kz"
    secretary.save()
    Consultation.objects.filter(pk=consultation.pk).update(
        window_opens_at=timezone.now() - datetime.timedelta(days=40),
        window_closes_at=timezone.now() - datetime.timedelta(days=20),
    )
    assert reminders.send_due() >= 1
    mail = OutgoingMail.objects.get(to="secretary@akimat.kz")
    assert consultation.title_kk in mail.body and consultation.title_ru in mail.body
    assert reminders.send_due() == 0  # not twice the same day
    assert Reminder.objects.filter(council=council).count() == 1


def test_a_quarter_without_an_approved_schedule_is_reminded():
    council = CouncilFactory()
    secretary = secretary_of(council)
    secretary.email = "s2@akimat.kz"
    secretary.save()
    reminders.send_due()
    assert OutgoingMail.objects.filter(to="s2@akimat.kz").exists()


def test_a_council_with_nothing_due_gets_no_reminder():
    consultation = consultation_at(Consultation.State.HELD)  # its schedule is published, nothing is overdue
    secretary = secretary_of(consultation.schedule.council)
    secretary.email = "calm@akimat.kz"
    secretary.save()
    reminders.send_due()
    assert not OutgoingMail.objects.filter(to="calm@akimat.kz").exists()


@pytest.mark.parametrize("councils", [3, 12])
def test_finding_what_is_due_takes_the_same_queries_however_many_councils(councils, django_assert_max_num_queries):
    for _ in range(councils):
        consultation_at(Consultation.State.HELD)  # each with a published schedule and nothing overdue
    with django_assert_max_num_queries(6):
        assert reminders.send_due() == 0
