"""What the laws add: membership warnings, the state body's answer, consent evidence, meetings announced."""

import datetime
import uuid

import pytest
from django.utils import timezone

from consultations import compliance
from consultations.models import Consultation, Recommendation
from councils.models import Council, Membership, membership_warnings
from proposals.models import ConsentText, Proposal
from publications.models import Announcement
from tests.factories import (
    ConsentTextFactory,
    CouncilFactory,
    MeetingFactory,
    MembershipFactory,
    members_of,
    secretary_of,
    url,
)
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)


def warnings(council):
    return " ".join(membership_warnings(council, today=TODAY))


def test_a_central_councils_size_outside_15_to_30_is_warned_and_clears():
    council = CouncilFactory(level=Council.Level.CENTRAL, region=None)
    members_of(council, 14)
    assert "14" in warnings(council)
    members_of(council, 1)
    assert warnings(council) == ""
    members_of(council, 16)
    assert "31" in warnings(council)


def test_a_quasi_public_companys_council_holds_10_to_15(settings):
    council = CouncilFactory(level=Council.Level.QUASI, region=None)
    members_of(council, 10)
    assert warnings(council) == ""
    members_of(council, 6)
    assert "16" in warnings(council)


def test_local_bounds_are_a_setting(settings):
    council = CouncilFactory()
    members_of(council, 8)
    settings.LOCAL_COUNCIL_SIZE = (9, 15)
    assert "8" in warnings(council)
    settings.LOCAL_COUNCIL_SIZE = (7, 15)
    assert warnings(council) == ""


def test_two_members_of_one_organisation_are_warned_and_clear():
    council = CouncilFactory()
    members_of(council, 7)
    first = MembershipFactory(council=council, organisation_kk="«Жастар» қоғамдық бірлестігі")
    second = MembershipFactory(council=council, organisation_kk="«жастар» ҚОҒАМДЫҚ бірлестігі")
    assert first.full_name in warnings(council) and second.full_name in warnings(council)
    second.ended_on = TODAY - datetime.timedelta(days=1)
    second.save()
    assert warnings(council) == ""


def test_a_chair_from_a_state_body_is_warned():
    council = CouncilFactory()
    members_of(council, 7)
    chair = MembershipFactory(council=council, role=Membership.Role.CHAIR, kind=Membership.Kind.STATE_BODY)
    assert warnings(council)
    chair.kind = Membership.Kind.CIVIL_SOCIETY
    chair.save()
    assert warnings(council) == ""


def test_a_term_ending_within_two_months_is_warned():
    council = CouncilFactory(term_starts_on=datetime.date(2024, 1, 1), term_ends_on=TODAY + datetime.timedelta(days=61))
    members_of(council, 7)
    assert "2027" in warnings(council) or "2026" in warnings(council)
    council.term_ends_on = TODAY + datetime.timedelta(days=62)
    council.save()
    assert warnings(council) == ""


def test_the_warnings_show_in_the_workspace_and_the_admin(client, admin_client):
    council = CouncilFactory()
    members_of(council, 3)
    client.force_login(secretary_of(council))
    assert "3" in client.get(url("workspace:council", council_slug=council.slug)).content.decode()
    page = admin_client.get(f"/admin/councils/council/{council.pk}/change/").content.decode()
    assert "⚠" in page


# ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def drafted(client):
    consultation = published_at(Consultation.State.RECOMMENDATION_DRAFTED, occasion="draft_act")
    client.force_login(secretary_of(consultation.schedule.council))
    return consultation


def post_answer(client, consultation, **fields):
    data = {"points-TOTAL_FORMS": "1", "points-INITIAL_FORMS": "1", "points-0-number": "1"} | fields
    return client.post(url("workspace:state_body", slug=consultation.slug), data)


def test_the_secretary_records_the_sending_and_the_answer_of_each_point(client, drafted):
    today = timezone.localdate()
    response = post_answer(
        client, drafted, sent_on=today.isoformat(), answer_received_on=today.isoformat(),
        **{"points-0-answer": "partly", "points-0-reasons_kk": "Ішінара қабылданды.",
           "points-0-reasons_ru": "Принято частично."},
    )  # fmt: skip
    assert response.status_code == 302
    recommendation = Recommendation.objects.get(consultation=drafted)
    point = recommendation.points.get()
    assert (recommendation.sent_on, point.answer, point.answer_reasons_ru) == (today, "partly", "Принято частично.")


def test_an_answer_before_the_sending_is_refused_and_nothing_changes(client, drafted):
    today = timezone.localdate()
    response = post_answer(client, drafted, answer_received_on=today.isoformat(), **{"points-0-answer": "accepted"})
    assert response.status_code == 200
    assert Recommendation.objects.get(consultation=drafted).answer_received_on is None


def test_the_workspace_shows_when_sending_is_due(client, drafted):
    page = client.get(url("workspace:consultation", slug=drafted.slug)).content.decode()
    assert url("workspace:state_body", slug=drafted.slug) in page


def test_the_public_results_show_the_state_bodys_answers(client):
    consultation = published_at(Consultation.State.POSITION_PUBLISHED, occasion="draft_act")
    point = consultation.recommendation.points.get()
    point.answer, point.answer_reasons_ru = "rejected", "Противоречит закону."
    point.save()
    page = client.get(url("consultations:results", "ru", slug=consultation.slug)).content.decode()
    assert "Противоречит закону." in page


def test_the_state_bodys_answers_do_not_change_the_councils_verdict():
    consultation = published_at(Consultation.State.POSITION_PUBLISHED, occasion="draft_act")
    council, schedule = consultation.schedule.council, consultation.schedule
    before = compliance.review([council], [(schedule.year, schedule.quarter)])[0]
    Recommendation.objects.filter(consultation=consultation).update(
        sent_on=timezone.localdate() - datetime.timedelta(days=40)
    )
    after = compliance.review([council], [(schedule.year, schedule.quarter)])[0]
    assert after.state_body.overdue == 1
    assert [r.verdict for r in after.rules if r.code != "recommendation_sent"] == [
        r.verdict for r in before.rules if r.code != "recommendation_sent"
    ]


# ---------------------------------------------------------------------------------------------------------


def test_each_portal_proposal_keeps_its_consent_evidence_and_a_new_version_applies_to_new_ones_only(client):
    consultation = published_at(Consultation.State.HELD, listed_proposals=0)

    def submit():
        client.post(
            url("proposals:propose", slug=consultation.slug),
            {"author_name": "Ерлан", "author_kind": "citizen", "text": "Ұсыныс мәтіні осында.", "consent": "on",
             "token": str(uuid.uuid4())},
        )  # fmt: skip
        return Proposal.objects.filter(channel="portal").latest("id")

    first = submit()
    assert first.consent_text == ConsentText.current() and first.consent_given_at and first.consent_operator
    newer = ConsentTextFactory(version=2, operator_kk="Жаңа оператор", effective_from=timezone.now())
    second = submit()
    first.refresh_from_db()
    assert (second.consent_text, second.consent_operator) == (newer, "Жаңа оператор")
    assert first.consent_text.version == 1


def test_an_upcoming_meeting_is_announced_with_its_agenda(client):
    council = CouncilFactory()
    client.force_login(secretary_of(council))
    meeting = MeetingFactory(
        council=council, date=timezone.localdate() + datetime.timedelta(days=5), agenda_ru="1. Бюджет"
    )
    address = url("workspace:meeting_announce", council_slug=council.slug, pk=meeting.pk)
    form = client.get(address).context["form"]
    assert "1. Бюджет" in form.initial["text_ru"]  # prepared from the meeting, for the secretary to edit
    texts = {**form.initial, "title_ru": "Заседание совета: обсуждаем бюджет"}
    response = client.post(address, texts)
    assert response.status_code == 302
    announcement = Announcement.objects.get(event=Announcement.Event.MEETING_ANNOUNCED)
    assert announcement.title_ru == "Заседание совета: обсуждаем бюджет"
    assert "1. Бюджет" in announcement.text_ru and announcement.published_at
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is not None
    # A second post (a double click, a reload) announces nothing more.
    assert client.post(address, texts).status_code == 400
    assert Announcement.objects.filter(event=Announcement.Event.MEETING_ANNOUNCED).count() == 1


def test_a_past_meeting_is_not_announced(client):
    council = CouncilFactory()
    client.force_login(secretary_of(council))
    meeting = MeetingFactory(council=council, date=timezone.localdate() - datetime.timedelta(days=1))
    address = url("workspace:meeting_announce", council_slug=council.slug, pk=meeting.pk)
    texts = client.get(address).context["form"].initial
    response = client.post(address, texts)
    assert response.status_code == 400 and not Announcement.objects.exists()
