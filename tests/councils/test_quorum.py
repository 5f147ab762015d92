"""Law "On Public Councils", art. 13 p. 2: a meeting is valid when two thirds of all members take part."""

import datetime

import pytest

from councils.models import Membership
from councils.services import decision_meeting_problems
from tests.factories import CouncilFactory, MeetingFactory, MembershipFactory, members_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("members", "present", "reached"),
    [
        (12, 8, True),
        (12, 7, False),
        (15, 10, True),
        (15, 9, False),
        (10, 7, True),
        (10, 6, False),
        (3, 2, True),
    ],
)
def test_exactly_two_thirds_is_a_quorum_and_one_fewer_is_not(members, present, reached):
    council = CouncilFactory()
    people = members_of(council, members)
    meeting = MeetingFactory(council=council)
    meeting.attendees.set(people[:present])
    quorum = meeting.quorum()
    assert (quorum.members, quorum.present, quorum.reached) == (members, present, reached)


def test_the_secretary_is_neither_counted_nor_a_quorum_maker():
    council = CouncilFactory()
    people = members_of(council, 3)
    secretary = MembershipFactory(council=council, role=Membership.Role.SECRETARY, kind="")
    meeting = MeetingFactory(council=council)
    meeting.attendees.set([people[0], secretary])
    quorum = meeting.quorum()
    assert (quorum.members, quorum.present, quorum.reached) == (3, 1, False)


def test_members_whose_membership_ended_before_the_meeting_do_not_count():
    council = CouncilFactory()
    meeting = MeetingFactory(council=council, date=datetime.date(2026, 6, 10))
    current = members_of(council, 3)
    former = members_of(council, 3, ended_on=datetime.date(2026, 5, 31))
    future = members_of(council, 2, started_on=datetime.date(2026, 7, 1))
    meeting.attendees.set(current[:2] + former)
    quorum = meeting.quorum()
    assert (quorum.members, quorum.present, quorum.reached) == (3, 2, True)
    del future


def test_a_council_without_members_has_no_quorum():
    council = CouncilFactory()
    problems = decision_meeting_problems(MeetingFactory(council=council), council)
    assert problems and "no members" in problems[0]
