"""The national seeder (bench/seed_national.py) at a hundredth of its scale: the counts scale, and what it
writes passes the project's own checks — the log gives a date to every step up to the state, the conditions
of the steps taken hold, the pages render."""

import datetime
import io
from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone

from bench import seed_national
from consultations import workflow
from consultations.conditions import (
    Act,
    every_proposal_decided,
    every_proposal_sorted,
    position_complete,
    quorate_meeting,
    recommendation_complete,
)
from consultations.models import Consultation, QuarterlySchedule
from councils.models import Council, Meeting, Membership, membership_warnings
from proposals import services as proposal_services
from proposals.models import Proposal, ReferenceCounter
from publications.models import Announcement, Delivery
from tests.factories import url

State = Consultation.State
SCALE = 0.01

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    out = io.StringIO()
    summary = seed_national.seed(scale=SCALE, out=out)
    return summary, out.getvalue()


def test_counts_scale(seeded):
    summary, printed = seeded
    councils = round(seed_national.COUNCILS * SCALE)
    assert Council.objects.count() == councils == summary["councils"]
    assert QuarterlySchedule.objects.filter(state="published", published_revision=1).count() == councils * 8
    assert Consultation.objects.count() == round(seed_national.CONSULTATIONS * SCALE)
    assert Proposal.objects.count() == round(seed_national.PROPOSALS * SCALE)
    largest = Consultation.objects.get(pk=summary["largest"]["id"])
    assert largest.proposals.count() == round(seed_national.LARGEST * SCALE)
    assert largest.is_open_for_proposals()
    # And one as large whose position is published, for the results page.
    published = Consultation.objects.get(pk=summary["largest_published"]["id"])
    assert published.state == State.POSITION_PUBLISHED
    assert published.proposals.count() == largest.proposals.count()
    assert not Consultation.objects.exclude(pk__in=[largest.pk, published.pk]).filter(
        pk__in=Proposal.objects.values("consultation").annotate(n=Count("pk")).filter(n__gte=500).values("consultation")
    )
    # Each council: a secretary and a chair with accounts, and members.
    assert Membership.objects.filter(role="secretary", user__isnull=False).count() == councils
    assert Membership.objects.filter(role="chair", user__isnull=False).count() == councils
    # Every state a consultation goes through is there, and most of the past ones are finished.
    states = Counter(Consultation.objects.values_list("state", flat=True))
    assert states[State.POSITION_PUBLISHED] > sum(states.values()) / 2
    assert states[State.HELD] >= 1 and states[State.CANCELLED] >= 1
    assert "peak RSS" in printed and "proposals_proposal" in printed
    assert summary["peak_rss_mb"] < seed_national.MAX_RSS_MB


def test_the_log_gives_every_step_reached_its_date(seeded):
    for consultation in Consultation.objects.prefetch_related("transitions"):
        reached = workflow.reached_by(consultation)
        if consultation.state == State.CANCELLED:
            assert State.CANCELLED in reached
            continue
        path = workflow.states_of(consultation)
        expected = path[1 : path.index(consultation.state) + 1]
        assert list(reached) == list(expected), consultation.slug
        dates = [reached[state] for state in expected]
        assert dates == sorted(dates) and all(date <= timezone.localdate() for date in dates)
        if expected:
            assert consultation.state_since == dates[-1]
        if State.PROPOSALS_COMPILED in reached:
            assert reached[State.PROPOSALS_COMPILED] >= timezone.localdate(consultation.window_closes_at)


def test_the_steps_taken_meet_their_conditions(seeded):
    today = timezone.localdate()
    for consultation in Consultation.objects.exclude(state__in=[State.PLANNED, State.CANCELLED])[:80]:
        for entry in consultation.transitions.filter(meeting__isnull=False).select_related("meeting"):
            assert quorate_meeting(consultation, Act(by=None, date=entry.occurred_on, meeting=entry.meeting)) == []
    act = Act(by=None, date=today)
    for consultation in Consultation.objects.filter(state=State.POSITION_PUBLISHED)[:40]:
        assert every_proposal_sorted(consultation, act) == []
        assert every_proposal_decided(consultation, act) == []
        assert position_complete(consultation, act) == []
    for consultation in Consultation.objects.filter(state=State.RECOMMENDATION_DRAFTED):
        assert recommendation_complete(consultation, act) == []
    for meeting in Meeting.objects.filter(date__lte=today)[:20]:
        assert meeting.quorum().reached


def test_rows_pass_model_validation(seeded):
    for model in (Council, Membership, Consultation, Proposal):
        for instance in model.objects.order_by("?")[:20]:
            instance.full_clean(validate_unique=False, validate_constraints=True)


def test_councils_are_as_the_law_wants(seeded):
    for council in Council.objects.all():
        assert membership_warnings(council) == [], council.slug


def test_references_continue_from_the_counter(seeded):
    for year, last in ReferenceCounter.objects.values_list("year", "last_number"):
        assert Proposal.objects.filter(reference__startswith=f"QG-{year}-").count() == last
        (reference,) = proposal_services.allocate_references(year)
        assert not Proposal.objects.filter(reference=reference).exists()


def test_pages_render(seeded, client):
    summary, _printed = seeded
    largest = Consultation.objects.get(pk=summary["largest"]["id"])
    published = Consultation.objects.get(pk=summary["largest_published"]["id"])
    for address in (
        url("consultations:list"),
        url("consultations:list", "ru") + "?step=held",
        url("consultations:detail", slug=largest.slug),
        url("consultations:detail", "ru", slug=published.slug),
        url("consultations:results", slug=published.slug),
        url("consultations:results", "ru", slug=published.slug) + "?page=3",
        url("councils:detail", slug=largest.schedule.council.slug),
        url("councils:list"),
    ):
        assert client.get(address).status_code == 200, address


def test_most_announcements_are_also_posted_outside_the_portal_some_of_them_late(seeded):
    """The compliance review of the national data sees announcements published outside the portal, in time and
    days later, as in real use (the rules want both publications)."""
    announcements = Announcement.objects.count()
    portal = Delivery.objects.filter(channel="portal", state="sent").count()
    posts = list(Delivery.objects.filter(channel="telegram", state="sent").select_related("announcement"))
    assert portal == announcements
    assert 0.8 * announcements < len(posts) < announcements
    late = [d for d in posts if d.sent_at - d.announcement.published_at > datetime.timedelta(days=1)]
    assert 0 < len(late) < len(posts) / 4
