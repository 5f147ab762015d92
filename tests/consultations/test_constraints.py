"""The database refuses what the rules forbid, whoever writes."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations.models import Consultation, QuarterlySchedule
from councils.models import Council, Membership, Reception
from proposals.models import Proposal
from publications.models import Announcement, Delivery
from tests.factories import (
    ConsentTextFactory,
    CouncilFactory,
    MembershipFactory,
    consultation_at,
    planned_consultation,
)

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_one_schedule_per_council_and_quarter():
    council = CouncilFactory()
    QuarterlySchedule.objects.create(council=council, year=2026, quarter=2)
    refused(lambda: QuarterlySchedule.objects.create(council=council, year=2026, quarter=2))
    QuarterlySchedule.objects.create(council=council, year=2026, quarter=3)
    QuarterlySchedule.objects.create(council=CouncilFactory(), year=2026, quarter=2)


@pytest.mark.parametrize("quarter", [0, 5])
def test_a_quarter_is_one_to_four(quarter):
    refused(lambda: QuarterlySchedule.objects.create(council=CouncilFactory(), year=2026, quarter=quarter))


def test_a_local_council_has_a_region():
    refused(lambda: CouncilFactory(level=Council.Level.OBLAST, region=None))
    CouncilFactory(level=Council.Level.CENTRAL, region=None)


def test_a_membership_cannot_end_before_it_starts():
    refused(lambda: MembershipFactory(started_on=datetime.date(2026, 5, 1), ended_on=datetime.date(2026, 4, 1)))


def test_a_member_has_a_kind_but_a_secretary_need_not():
    refused(lambda: MembershipFactory(role=Membership.Role.MEMBER, kind=""))
    MembershipFactory(role=Membership.Role.SECRETARY, kind="")


def test_a_reception_has_a_place_or_a_link():
    member = MembershipFactory()
    now = timezone.now()
    refused(lambda: Reception.objects.create(member=member, starts_at=now))
    refused(lambda: Reception.objects.create(member=member, starts_at=now, place_kk=None, place_ru=None))
    Reception.objects.create(member=member, starts_at=now, link="https://meet.example.kz/1")


def test_the_proposal_window_closes_after_it_opens():
    consultation = planned_consultation()
    now = timezone.now()
    refused(
        lambda: Consultation.objects.filter(pk=consultation.pk).update(
            window_opens_at=now, window_closes_at=now - datetime.timedelta(hours=1)
        )
    )


def test_only_a_draft_act_names_a_draft_act():
    appeal = planned_consultation(occasion=Consultation.Occasion.APPEAL)
    refused(lambda: Consultation.objects.filter(pk=appeal.pk).update(act_number="ДП-1"))


def test_consultation_slugs_are_unique():
    consultation = planned_consultation()
    refused(lambda: Consultation.objects.filter(pk=planned_consultation().pk).update(slug=consultation.slug))


class TestProposal:
    def proposal(self, **fields):
        consultation = consultation_at(Consultation.State.HELD, listed_proposals=0)
        consent = ConsentTextFactory()
        values = {
            "consultation": consultation,
            "reference": f"QG-2026-{Proposal.objects.count() + 900000:06d}",
            "text": "Ұсыныс",
            "language": "kk",
            "channel": "portal",
            "consent_text": consent,
            "consent_given_at": timezone.now(),
        } | fields
        return Proposal.objects.create(**values)

    def test_a_contact_is_required_when_an_answer_is_wanted(self):
        refused(lambda: self.proposal(wants_answer=True, contact=""))
        self.proposal(wants_answer=True, contact="aigul@mail.kz")

    def test_a_portal_proposal_carries_consent(self):
        refused(lambda: self.proposal(consent_given_at=None))
        refused(lambda: self.proposal(consent_text=None))
        self.proposal(channel="mail", consent_text=None, consent_given_at=None)

    def test_an_organisation_is_named_by_organisations(self):
        refused(lambda: self.proposal(author_kind="public_org", organisation=""))

    def test_setting_aside_needs_a_reason_and_only_then(self):
        refused(lambda: self.proposal(moderation="set_aside"))
        refused(lambda: self.proposal(moderation="listed", set_aside_reason="spam"))

    def test_a_duplicate_points_at_its_original(self):
        original = self.proposal()
        refused(lambda: self.proposal(moderation="set_aside", set_aside_reason="duplicate"))
        refused(lambda: self.proposal(duplicate_of=original))
        self.proposal(moderation="set_aside", set_aside_reason="duplicate", duplicate_of=original)

    def test_only_listed_proposals_receive_a_decision(self):
        refused(lambda: self.proposal(decision="not_taken"))
        self.proposal(moderation="listed", decision="not_taken")

    def test_references_are_unique(self):
        self.proposal(reference="QG-2026-000777")
        refused(lambda: self.proposal(reference="QG-2026-000777"))


def test_a_recorded_publication_names_its_outlet_and_link():
    announcement = Announcement.objects.create(council=CouncilFactory(), event="news.published", title="T", text="T")
    refused(
        lambda: Delivery.objects.create(
            announcement=announcement, channel="recorded", state="sent", sent_at=timezone.now()
        )
    )


def test_one_delivery_per_announcement_channel_and_target():
    announcement = Announcement.objects.create(council=CouncilFactory(), event="news.published", title="T", text="T")
    Delivery.objects.create(announcement=announcement, channel="telegram", target="@qogam")
    refused(lambda: Delivery.objects.create(announcement=announcement, channel="telegram", target="@qogam"))


def test_a_delivered_delivery_has_its_time():
    announcement = Announcement.objects.create(council=CouncilFactory(), event="news.published", title="T", text="T")
    refused(lambda: Delivery.objects.create(announcement=announcement, channel="telegram", state="sent"))
