"""The quarterly schedule: approved at a quorate meeting, published, revised during the quarter."""

import pytest
from django.utils import timezone, translation

from common.errors import ActionRefused
from consultations import services
from consultations.models import Consultation, QuarterlySchedule, ScheduleTransition
from publications.models import Announcement
from tests.factories import (
    CouncilFactory,
    MeetingFactory,
    members_of,
    planned_consultation,
    quorate_meeting,
    staff_of,
)

pytestmark = pytest.mark.django_db
ScheduleState = QuarterlySchedule.State


@pytest.fixture
def council():
    return CouncilFactory()


@pytest.fixture
def secretary(council):
    return staff_of(council)


def test_a_consultation_gets_its_address_once_from_council_year_quarter_and_number(council, secretary):
    first = planned_consultation(council, by=secretary, year=2026, quarter=2)
    second = planned_consultation(council, by=secretary, year=2026, quarter=2)
    assert (first.slug, second.slug) == (f"{council.slug}-2026-q2-1", f"{council.slug}-2026-q2-2")
    first.title_kk = "Жаңа атауы"
    first.save()
    first.refresh_from_db()
    assert first.slug == f"{council.slug}-2026-q2-1"


def test_consultations_are_not_public_before_the_schedule_is_published(council, secretary):
    consultation = planned_consultation(council, by=secretary)
    schedule = consultation.schedule
    assert not Consultation.objects.public().exists()

    services.approve_schedule(schedule, by=secretary, meeting=quorate_meeting(council))
    assert schedule.state == ScheduleState.APPROVED
    assert not Consultation.objects.public().exists()

    services.publish_schedule(schedule, by=secretary)
    assert schedule.state == ScheduleState.PUBLISHED
    assert list(Consultation.objects.public()) == [consultation]
    announcement = Announcement.objects.get(event=Announcement.Event.SCHEDULE_PUBLISHED)
    assert consultation.title_kk in announcement.text_kk and consultation.title_ru in announcement.text_ru
    assert [t.to_state for t in schedule.transitions.all()] == [
        ScheduleState.APPROVED,
        ScheduleState.PUBLISHED,
    ]


def test_approval_needs_a_quorate_meeting_and_says_why(council, secretary):
    planned_consultation(council, by=secretary)
    schedule = QuarterlySchedule.objects.get(council=council)
    members = members_of(council, 12)
    meeting = MeetingFactory(council=council)
    meeting.attendees.set(members[:7])

    with translation.override("en"), pytest.raises(ActionRefused, match="7 of 12 members present; 8 needed"):
        services.approve_schedule(schedule, by=secretary, meeting=meeting)

    schedule.refresh_from_db()
    assert schedule.state == ScheduleState.DRAFT
    assert not ScheduleTransition.objects.exists()


def test_an_empty_schedule_cannot_be_approved(council, secretary):
    schedule = services.schedule_for(council, 2026, 3)
    with pytest.raises(ActionRefused, match="at least one consultation"):
        services.approve_schedule(schedule, by=secretary, meeting=quorate_meeting(council))


def test_an_unapproved_schedule_cannot_be_published(council, secretary):
    schedule = planned_consultation(council, by=secretary).schedule
    with pytest.raises(ActionRefused):
        services.publish_schedule(schedule, by=secretary)
    assert not Announcement.objects.exists()


def test_an_approved_schedule_takes_no_new_consultation_until_revised(council, secretary):
    first = planned_consultation(council, by=secretary)
    schedule = first.schedule
    services.approve_schedule(schedule, by=secretary, meeting=quorate_meeting(council))
    with pytest.raises(ActionRefused, match="new revision"):
        services.plan_consultation(schedule, by=secretary, occasion="appeal", title_kk="Жаңа", title_ru="Новая")


def test_a_new_revision_keeps_the_published_one_public_until_it_is_published(council, secretary):
    first = planned_consultation(council, by=secretary)
    schedule = first.schedule
    meeting = quorate_meeting(council)
    services.approve_schedule(schedule, by=secretary, meeting=meeting)
    services.publish_schedule(schedule, by=secretary)

    services.start_revision(schedule, by=secretary, reason="Шұғыл өтініш / Срочное обращение")
    urgent = services.plan_consultation(schedule, by=secretary, occasion="appeal", title_kk="Шұғыл", title_ru="Срочное")
    assert (schedule.state, schedule.revision, urgent.revision) == (ScheduleState.DRAFT, 2, 2)
    assert list(Consultation.objects.public()) == [first]

    services.approve_schedule(schedule, by=secretary, meeting=quorate_meeting(council, date=timezone.localdate()))
    services.publish_schedule(schedule, by=secretary)
    assert set(Consultation.objects.public()) == {first, urgent}
    assert schedule.published_revision == 2


def test_revising_needs_a_reason(council, secretary):
    schedule = planned_consultation(council, by=secretary).schedule
    services.approve_schedule(schedule, by=secretary, meeting=quorate_meeting(council))
    with pytest.raises(ActionRefused, match="reason"):
        services.start_revision(schedule, by=secretary, reason="")


def test_another_councils_secretary_cannot_touch_the_schedule(council, secretary):
    schedule = planned_consultation(council, by=secretary).schedule
    stranger = staff_of(CouncilFactory())
    with pytest.raises(ActionRefused):
        services.plan_consultation(schedule, by=stranger, occasion="appeal", title_kk="x", title_ru="x")
    with pytest.raises(ActionRefused):
        services.approve_schedule(schedule, by=stranger, meeting=quorate_meeting(council))
    schedule.refresh_from_db()
    assert schedule.state == ScheduleState.DRAFT


def test_the_schedule_state_cannot_be_written_directly(council, secretary):
    schedule = planned_consultation(council, by=secretary).schedule
    from consultations.fields import StateWriteRefused

    with pytest.raises(StateWriteRefused):
        schedule.state = ScheduleState.PUBLISHED
    with pytest.raises(StateWriteRefused):
        schedule.save(update_fields=["state"])


def test_planning_a_consultation_with_inconsistent_fields_is_refused_with_the_reason(council, secretary):
    with pytest.raises(ActionRefused, match="draft legal act"):
        planned_consultation(council, by=secretary, occasion="appeal", act_number="ДП-1")
    assert not Consultation.objects.exists()
