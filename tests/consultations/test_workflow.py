"""The seven steps: every allowed transition, every forbidden one, every condition, both ways."""

import datetime
import itertools

import pytest
from django.utils import timezone, translation

from common.errors import ActionRefused
from consultations import workflow
from consultations.fields import StateWriteRefused
from consultations.models import Consultation, ConsultationTransition, Position, Question, Recommendation
from councils.models import Membership
from proposals.models import Proposal
from publications.models import Announcement, Delivery
from tests.factories import (
    CouncilFactory,
    MeetingFactory,
    add_proposal,
    closed_window,
    consultation_at,
    decide_all,
    members_of,
    planned_consultation,
    quorate_meeting,
    staff_of,
    write_position,
    write_recommendation,
)

pytestmark = pytest.mark.django_db
State = Consultation.State
Occasion = Consultation.Occasion


def secretary(consultation):
    return Membership.objects.get(council=consultation.schedule.council, role="secretary").user


def assert_refused(call, *expected_fragments):
    """The call is refused with messages containing every fragment."""
    with pytest.raises(ActionRefused) as refused:
        call()
    text = " ".join(refused.value.messages)
    for fragment in expected_fragments:
        assert fragment in text, text
    return refused.value


def snapshot(consultation):
    consultation.refresh_from_db()
    return (
        consultation.state,
        ConsultationTransition.objects.filter(consultation=consultation).count(),
        Announcement.objects.count(),
        Delivery.objects.count(),
    )


def perform(name, consultation, by):
    """Call a transition with what it needs when its conditions hold."""
    meeting = quorate_meeting(consultation.schedule.council) if name in ("decide", "approve_questions") else None
    calls = {
        "decide": lambda: workflow.decide(consultation, by=by, meeting=meeting),
        "approve_questions": lambda: workflow.approve_questions(consultation, by=by, meeting=meeting),
        "announce": lambda: workflow.announce(consultation, by=by),
        "open_intake": lambda: workflow.open_intake(consultation, by=by),
        "close_intake": lambda: workflow.close_intake(consultation, by=by, reason_kk="Себеп", reason_ru="Причина"),
        "compile_proposals": lambda: workflow.compile_proposals(consultation, by=by),
        "draft_recommendation": lambda: workflow.draft_recommendation(consultation, by=by),
        "publish_position": lambda: workflow.publish_position(consultation, by=by),
        "cancel": lambda: workflow.cancel(consultation, by=by, reason_kk="Себеп", reason_ru="Причина"),
        "step_back": lambda: workflow.step_back(consultation, by=by, reason="Қате / Ошибка"),
    }
    return calls[name]()


# ---------------------------------------------------------------------------------------------------------
# The whole road


@pytest.mark.parametrize(
    ("occasion", "expected"),
    [
        (Occasion.DRAFT_ACT, list(workflow.SEQUENCE[1:])),
        (Occasion.APPEAL, [s for s in workflow.SEQUENCE[1:] if s != State.RECOMMENDATION_DRAFTED]),
        (Occasion.INITIATIVE, [s for s in workflow.SEQUENCE[1:] if s != State.RECOMMENDATION_DRAFTED]),
        (Occasion.RECEPTION, [s for s in workflow.SEQUENCE[1:] if s != State.RECOMMENDATION_DRAFTED]),
    ],
)
def test_a_consultation_walks_every_step_of_its_occasion_with_one_log_row_each(occasion, expected):
    consultation = consultation_at(State.POSITION_PUBLISHED, occasion=occasion)

    log = list(consultation.transitions.order_by("recorded_at", "id"))
    assert [entry.to_state for entry in log] == expected
    assert [entry.from_state for entry in log] == [State.PLANNED, *expected[:-1]]
    assert all(entry.by == secretary(consultation) for entry in log)
    assert log[0].meeting is not None and log[1].meeting is not None
    assert log[0].occurred_on == log[0].meeting.date
    assert consultation.state == State.POSITION_PUBLISHED


def test_step_six_is_skipped_for_an_appeal_and_refused_when_asked_for():
    consultation = consultation_at(State.PROPOSALS_COMPILED, occasion=Occasion.APPEAL)
    before = snapshot(consultation)

    assert_refused(lambda: perform("draft_recommendation", consultation, secretary(consultation)), "draft legal act")

    assert snapshot(consultation) == before
    assert State.RECOMMENDATION_DRAFTED not in workflow.states_of(consultation)


def test_step_six_is_required_for_a_draft_legal_act():
    consultation = consultation_at(State.PROPOSALS_COMPILED, occasion=Occasion.DRAFT_ACT)
    decide_all(consultation, by=secretary(consultation))
    write_position(consultation)
    before = snapshot(consultation)

    assert_refused(lambda: perform("publish_position", consultation, secretary(consultation)), "Step 6")

    assert snapshot(consultation) == before


# ---------------------------------------------------------------------------------------------------------
# Allowed and forbidden, state by state

ALL_STATES = [*workflow.SEQUENCE, State.CANCELLED]
TRANSITION_NAMES = list(workflow.STEPS)


def allowed(name, state, occasion):
    transition = workflow.STEPS[name]
    if state not in transition.sources:
        return False
    if name == "draft_recommendation" and occasion != Occasion.DRAFT_ACT:
        return False
    if name == "publish_position" and occasion == Occasion.DRAFT_ACT and state == State.PROPOSALS_COMPILED:
        return False
    return not (name == "step_back" and state == State.RECOMMENDATION_DRAFTED and occasion != Occasion.DRAFT_ACT)


def reachable(state, occasion):
    return state != State.RECOMMENDATION_DRAFTED or occasion == Occasion.DRAFT_ACT


def prepare(consultation, name):
    """Make the conditions of `name` hold where they depend on more than the state."""
    by = secretary(consultation)
    if name == "compile_proposals" and consultation.is_open_for_proposals():
        workflow.close_intake(consultation, by=by, reason_kk="Себеп", reason_ru="Причина")
    if name == "draft_recommendation" and not Recommendation.objects.filter(consultation=consultation).exists():
        write_recommendation(consultation)
    if name == "publish_position":
        if consultation.state in (State.PROPOSALS_COMPILED, State.RECOMMENDATION_DRAFTED):
            decide_all(consultation, by=by)
        if not Position.objects.filter(consultation=consultation).exists():
            write_position(consultation)


CASES = [
    (name, state, occasion)
    for name, state, occasion in itertools.product(TRANSITION_NAMES, ALL_STATES, (Occasion.DRAFT_ACT, Occasion.APPEAL))
    if reachable(state, occasion)
]


@pytest.mark.parametrize(("name", "state", "occasion"), [c for c in CASES if allowed(*c)], ids=lambda v: str(v))
def test_allowed_transition_happens_with_its_log_row(name, state, occasion):
    consultation = consultation_at(state, occasion=occasion)
    prepare(consultation, name)
    by = secretary(consultation)
    count = consultation.transitions.count()

    entry = perform(name, consultation, by)

    consultation.refresh_from_db()
    expected = workflow.STEPS[name].target
    if name == "step_back":
        path = workflow.states_of(consultation)
        expected = path[path.index(state) - 1]
    assert consultation.state == expected
    assert consultation.transitions.count() == count + 1
    assert (entry.from_state, entry.to_state, entry.by, entry.name) == (state, expected, by, name)
    assert entry.occurred_on <= timezone.localdate()


@pytest.mark.parametrize(("name", "state", "occasion"), [c for c in CASES if not allowed(*c)], ids=lambda v: str(v))
def test_forbidden_transition_is_refused_and_changes_nothing(name, state, occasion):
    consultation = consultation_at(state, occasion=occasion)
    prepare(consultation, name)
    before = snapshot(consultation)

    refused = assert_refused(lambda: perform(name, consultation, secretary(consultation)))

    assert refused.messages
    assert snapshot(consultation) == before


def test_refusal_is_in_the_users_language():
    consultation = consultation_at(State.PLANNED)
    with translation.override("ru"):
        ru = assert_refused(lambda: perform("announce", consultation, secretary(consultation))).messages[0]
    with translation.override("kk"):
        kk = assert_refused(lambda: perform("announce", consultation, secretary(consultation))).messages[0]
    assert ru != kk
    assert "Запланирована" in ru
    assert "Жоспарланған" in kk


# ---------------------------------------------------------------------------------------------------------
# Conditions of steps 1 and 2: a quorate meeting of this council, held already


def test_decide_needs_a_meeting():
    consultation = consultation_at(State.PLANNED)
    before = snapshot(consultation)
    assert_refused(lambda: workflow.decide(consultation, by=secretary(consultation), meeting=None), "meeting")
    assert snapshot(consultation) == before


def test_decide_refuses_another_councils_meeting():
    consultation = consultation_at(State.PLANNED)
    other = quorate_meeting(CouncilFactory())
    before = snapshot(consultation)
    assert_refused(
        lambda: workflow.decide(consultation, by=secretary(consultation), meeting=other),
        "not a meeting of this council",
    )
    assert snapshot(consultation) == before


def test_decide_refuses_a_meeting_still_to_come():
    consultation = consultation_at(State.PLANNED)
    council = consultation.schedule.council
    future = quorate_meeting(council, date=timezone.localdate() + datetime.timedelta(days=3))
    before = snapshot(consultation)
    assert_refused(
        lambda: workflow.decide(consultation, by=secretary(consultation), meeting=future),
        "has not taken place",
    )
    assert snapshot(consultation) == before


def test_decide_refuses_a_meeting_without_quorum_and_gives_the_figures():
    consultation = consultation_at(State.PLANNED)
    council = consultation.schedule.council
    members = members_of(council, 12)
    meeting = MeetingFactory(council=council)
    meeting.attendees.set(members[:7])
    before = snapshot(consultation)

    with translation.override("en"):
        assert_refused(
            lambda: workflow.decide(consultation, by=secretary(consultation), meeting=meeting),
            "7 of 12 members present; 8 needed",
        )
    assert snapshot(consultation) == before

    meeting.attendees.add(members[7])
    workflow.decide(consultation, by=secretary(consultation), meeting=meeting)
    assert consultation.state == State.DECIDED


def test_approving_questions_needs_at_least_one_question():
    consultation = consultation_at(State.DECIDED)
    Question.objects.filter(consultation=consultation).delete()
    before = snapshot(consultation)
    assert_refused(lambda: perform("approve_questions", consultation, secretary(consultation)), "at least one question")
    assert snapshot(consultation) == before


def test_approving_questions_needs_a_quorate_meeting():
    consultation = consultation_at(State.DECIDED)
    council = consultation.schedule.council
    meeting = MeetingFactory(council=council)  # nobody attended
    before = snapshot(consultation)
    assert_refused(
        lambda: workflow.approve_questions(consultation, by=secretary(consultation), meeting=meeting),
        "not quorate",
    )
    assert snapshot(consultation) == before


# ---------------------------------------------------------------------------------------------------------
# Step 3: the announcement, published on the portal in the same transaction


def test_announcing_publishes_on_the_portal_with_the_questions():
    consultation = consultation_at(State.QUESTIONS_APPROVED)
    workflow.announce(consultation, by=secretary(consultation))

    announcement = Announcement.objects.get(event=Announcement.Event.CONSULTATION_ANNOUNCED)
    assert announcement.subject == consultation
    assert announcement.published_at is not None
    assert announcement.path == f"/consultations/{consultation.slug}/"
    assert "Сұрақ?" in announcement.text_kk and "Вопрос?" in announcement.text_ru
    assert "Зал заседаний акимата" in announcement.text_ru
    portal = announcement.deliveries.get()
    assert (portal.channel, portal.state) == (Delivery.Channel.PORTAL, Delivery.State.SENT)


def test_announcing_keeps_the_secretarys_own_text():
    consultation = consultation_at(State.QUESTIONS_APPROVED)
    workflow.announce(consultation, by=secretary(consultation), text_kk="Өз мәтінім", text_ru="Мой текст")
    announcement = Announcement.objects.get(event=Announcement.Event.CONSULTATION_ANNOUNCED)
    assert (announcement.text_kk, announcement.text_ru) == ("Өз мәтінім", "Мой текст")


@pytest.mark.parametrize(
    ("missing", "fragment"),
    [
        ({"starts_on": None}, "date on which"),
        ({"venue_kk": "", "venue_ru": ""}, "venue"),
        ({"participation_kk": "", "participation_ru": ""}, "how citizens can take part"),
        ({"window_opens_at": None, "window_closes_at": None}, "period in which proposals"),
        ({"format": Consultation.Format.ONLINE, "link": ""}, "link to the online"),
    ],
)
def test_announcing_names_what_is_missing_and_publishes_nothing(missing, fragment):
    consultation = consultation_at(State.QUESTIONS_APPROVED)
    for field, value in missing.items():
        setattr(consultation, field, value)
    consultation.save()
    before = snapshot(consultation)

    with translation.override("en"):
        assert_refused(lambda: workflow.announce(consultation, by=secretary(consultation)), fragment)

    assert snapshot(consultation) == before
    assert not Announcement.objects.filter(event=Announcement.Event.CONSULTATION_ANNOUNCED).exists()


def test_a_consultation_of_an_unpublished_schedule_is_not_announced():
    consultation = consultation_at(State.DECIDED)
    by = secretary(consultation)
    Question.objects.create(consultation=consultation, text_kk="Сұрақ?", text_ru="Вопрос?")
    workflow.approve_questions(consultation, by=by, meeting=quorate_meeting(consultation.schedule.council))
    before = snapshot(consultation)
    assert_refused(lambda: workflow.announce(consultation, by=by), "Publish the schedule")
    assert snapshot(consultation) == before


# ---------------------------------------------------------------------------------------------------------
# Steps 4 and 5


def test_the_system_opens_intake_when_the_window_opens():
    consultation = consultation_at(State.ANNOUNCED)
    entry = workflow.open_intake(consultation, by=None)
    assert consultation.state == State.HELD
    assert entry.by is None


def test_the_system_may_not_take_the_steps_people_take():
    consultation = consultation_at(State.PLANNED)
    meeting = quorate_meeting(consultation.schedule.council)
    before = snapshot(consultation)
    assert_refused(lambda: workflow.decide(consultation, by=None, meeting=meeting), "secretary or chair")
    assert snapshot(consultation) == before


def test_forming_the_list_needs_every_proposal_sorted_and_names_them():
    consultation = consultation_at(State.HELD, listed_proposals=0, **closed_window())
    by = secretary(consultation)
    unsorted = add_proposal(consultation, by=by)
    add_proposal(consultation, by=by, moderation=Proposal.Moderation.SET_ASIDE)
    before = snapshot(consultation)

    assert_refused(lambda: workflow.compile_proposals(consultation, by=by), unsorted.reference)
    assert snapshot(consultation) == before

    from proposals.services import include_in_list

    include_in_list([unsorted], by=by)
    workflow.compile_proposals(consultation, by=by)
    assert consultation.state == State.PROPOSALS_COMPILED


# ---------------------------------------------------------------------------------------------------------
# Step 6


def test_draft_recommendation_needs_the_recommendation_written():
    consultation = consultation_at(State.PROPOSALS_COMPILED, occasion=Occasion.DRAFT_ACT)
    before = snapshot(consultation)
    assert_refused(
        lambda: workflow.draft_recommendation(consultation, by=secretary(consultation)),
        "Write the draft recommendation",
    )
    assert snapshot(consultation) == before


def test_draft_recommendation_needs_points_in_both_languages():
    consultation = consultation_at(State.PROPOSALS_COMPILED, occasion=Occasion.DRAFT_ACT)
    recommendation = write_recommendation(consultation)
    point = recommendation.points.get()
    point.text_ru = ""
    point.save()
    before = snapshot(consultation)
    assert_refused(
        lambda: workflow.draft_recommendation(consultation, by=secretary(consultation)),
        "both Kazakh and Russian: 1",
    )
    assert snapshot(consultation) == before

    point.delete()
    assert_refused(
        lambda: workflow.draft_recommendation(consultation, by=secretary(consultation)), "at least one point"
    )


def test_draft_recommendation_must_name_the_proposals_it_takes_into_account():
    consultation = consultation_at(State.PROPOSALS_COMPILED, occasion=Occasion.DRAFT_ACT)
    recommendation = write_recommendation(consultation)
    recommendation.points.get().proposals.clear()
    before = snapshot(consultation)
    assert_refused(
        lambda: workflow.draft_recommendation(consultation, by=secretary(consultation)), "Name the proposals"
    )
    assert snapshot(consultation) == before


# ---------------------------------------------------------------------------------------------------------
# Step 7


def test_publishing_the_position_publishes_the_results_on_the_portal():
    consultation = consultation_at(State.POSITION_PUBLISHED)
    announcement = Announcement.objects.get(event=Announcement.Event.RESULTS_PUBLISHED)
    assert announcement.path == f"/consultations/{consultation.slug}/results/"
    assert announcement.published_at is not None
    assert "публикует свою позицию" in announcement.text_ru


def test_position_needs_its_text_in_both_languages():
    consultation = consultation_at(State.PROPOSALS_COMPILED)
    by = secretary(consultation)
    decide_all(consultation, by=by)
    before = snapshot(consultation)
    assert_refused(lambda: workflow.publish_position(consultation, by=by), "Write the council's position")

    Position.objects.create(consultation=consultation, text_kk="Ұстаным", text_ru="")
    assert_refused(lambda: workflow.publish_position(consultation, by=by), "both Kazakh and Russian")
    assert snapshot(consultation) == before


def test_position_needs_a_decision_with_reasons_on_every_listed_proposal():
    consultation = consultation_at(State.PROPOSALS_COMPILED, listed_proposals=2)
    by = secretary(consultation)
    write_position(consultation)
    first, second = consultation.proposals.order_by("id")
    before = snapshot(consultation)

    assert_refused(lambda: workflow.publish_position(consultation, by=by), "have no decision", first.reference)

    from proposals.services import decide

    decide([first, second], by=by, decision=Proposal.Decision.NOT_TAKEN, reasons_kk="Себеп", reasons_ru="Причина")
    Proposal.objects.filter(pk=second.pk).update(decision_reasons_ru="")
    assert_refused(lambda: workflow.publish_position(consultation, by=by), "lack", second.reference)
    assert snapshot(consultation) == before


# ---------------------------------------------------------------------------------------------------------
# Cancelling and going back


def test_cancelling_needs_a_reason():
    consultation = consultation_at(State.DECIDED)
    before = snapshot(consultation)
    assert_refused(lambda: workflow.cancel(consultation, by=secretary(consultation)), "reason")
    assert snapshot(consultation) == before


def test_cancelling_before_the_announcement_announces_nothing():
    consultation = consultation_at(State.QUESTIONS_APPROVED)
    workflow.cancel(consultation, by=secretary(consultation), reason_ru="Вопрос решён")
    assert consultation.state == State.CANCELLED
    assert consultation.cancellation_reason_ru == "Вопрос решён"
    assert consultation.cancellation_reason_kk == "Вопрос решён"  # the only reason given shows in both
    assert not Announcement.objects.filter(event=Announcement.Event.CONSULTATION_CANCELLED).exists()


def test_cancelling_an_announced_consultation_announces_the_cancellation():
    consultation = consultation_at(State.HELD)
    workflow.cancel(consultation, by=secretary(consultation), reason_kk="Себебі", reason_ru="Причина")
    announcement = Announcement.objects.get(event=Announcement.Event.CONSULTATION_CANCELLED)
    assert "Причина" in announcement.text_ru and "Себебі" in announcement.text_kk
    assert consultation.proposals.count() == 1  # proposals received are kept


def test_going_back_needs_a_reason_and_undoes_the_step_in_the_timeline():
    consultation = consultation_at(State.HELD)
    by = secretary(consultation)
    assert_refused(lambda: workflow.step_back(consultation, by=by, reason=" "), "reason")

    workflow.step_back(consultation, by=by, reason="Терезе қате қойылды / Неверное окно")

    assert consultation.state == State.ANNOUNCED
    steps = {step.state: step for step in workflow.timeline(consultation)}
    assert steps[State.HELD].done_on is None
    assert steps[State.ANNOUNCED].done_on is not None and steps[State.ANNOUNCED].is_current
    assert Announcement.objects.filter(event=Announcement.Event.CONSULTATION_ANNOUNCED).count() == 1


def test_going_back_from_a_formed_list_of_an_appeal_returns_to_intake():
    consultation = consultation_at(State.PROPOSALS_COMPILED, occasion=Occasion.APPEAL)
    workflow.step_back(consultation, by=secretary(consultation), reason="Жаңа ұсыныс / Новое предложение")
    assert consultation.state == State.HELD


# ---------------------------------------------------------------------------------------------------------
# Who, and when


@pytest.mark.parametrize("role", [Membership.Role.SECRETARY, Membership.Role.CHAIR, Membership.Role.DEPUTY_CHAIR])
def test_the_secretary_chair_and_deputy_chair_act(role):
    consultation = consultation_at(State.PLANNED)
    person = staff_of(consultation.schedule.council, role=role)
    workflow.decide(consultation, by=person, meeting=quorate_meeting(consultation.schedule.council))
    assert consultation.state == State.DECIDED


def test_a_member_cannot_act_and_nothing_changes():
    consultation = consultation_at(State.PLANNED)
    member = staff_of(consultation.schedule.council, role=Membership.Role.MEMBER)
    meeting = quorate_meeting(consultation.schedule.council)
    before = snapshot(consultation)
    assert_refused(lambda: workflow.decide(consultation, by=member, meeting=meeting), "secretary or chair")
    assert snapshot(consultation) == before


def test_another_councils_secretary_cannot_act():
    consultation = consultation_at(State.PLANNED)
    stranger = staff_of(CouncilFactory())
    meeting = quorate_meeting(consultation.schedule.council)
    before = snapshot(consultation)
    assert_refused(lambda: workflow.decide(consultation, by=stranger, meeting=meeting), "secretary or chair")
    assert snapshot(consultation) == before


def test_a_former_secretary_cannot_act():
    consultation = consultation_at(State.PLANNED)
    by = secretary(consultation)
    Membership.objects.filter(user=by).update(ended_on=timezone.localdate() - datetime.timedelta(days=1))
    meeting = quorate_meeting(consultation.schedule.council)
    assert_refused(lambda: workflow.decide(consultation, by=by, meeting=meeting), "secretary or chair")


def test_a_step_cannot_be_dated_in_the_future():
    consultation = consultation_at(State.ANNOUNCED)
    before = snapshot(consultation)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert_refused(
        lambda: workflow.open_intake(consultation, by=secretary(consultation), occurred_on=tomorrow), "future"
    )
    assert snapshot(consultation) == before


def test_a_step_cannot_be_dated_before_the_previous_one():
    consultation = consultation_at(State.DECIDED)
    decided_on = consultation.transitions.get().occurred_on
    before = snapshot(consultation)
    assert_refused(
        lambda: workflow.cancel(
            consultation,
            by=secretary(consultation),
            reason_kk="x",
            occurred_on=decided_on - datetime.timedelta(days=1),
        ),
        decided_on.strftime("%d.%m.%Y"),
    )
    assert snapshot(consultation) == before


def test_history_entered_later_keeps_its_real_dates():
    consultation = consultation_at(State.QUESTIONS_APPROVED)
    by = secretary(consultation)
    day = consultation.transitions.order_by("-id").first().occurred_on + datetime.timedelta(days=2)
    workflow.announce(consultation, by=by, occurred_on=day)
    announcement = Announcement.objects.get(event=Announcement.Event.CONSULTATION_ANNOUNCED)
    assert timezone.localtime(announcement.published_at).date() == day
    assert consultation.transitions.order_by("-id").first().occurred_on == day


def test_a_double_click_takes_the_step_once():
    consultation = consultation_at(State.ANNOUNCED)
    by = secretary(consultation)
    stale = Consultation.objects.get(pk=consultation.pk)
    workflow.open_intake(consultation, by=by)
    assert_refused(lambda: workflow.open_intake(stale, by=by))
    assert consultation.transitions.filter(to_state=State.HELD).count() == 1


# ---------------------------------------------------------------------------------------------------------
# The state field itself


def test_the_state_cannot_be_written_directly():
    consultation = consultation_at(State.PLANNED)
    with pytest.raises(StateWriteRefused):
        consultation.state = State.POSITION_PUBLISHED
    consultation.refresh_from_db()
    assert consultation.state == State.PLANNED


def test_saving_a_stale_copy_does_not_undo_a_transition():
    consultation = consultation_at(State.ANNOUNCED)
    stale = Consultation.objects.get(pk=consultation.pk)
    workflow.open_intake(consultation, by=secretary(consultation))

    stale.title_ru = "Новое название"
    stale.save()

    fresh = Consultation.objects.get(pk=consultation.pk)
    assert fresh.state == State.HELD
    assert fresh.title_ru == "Новое название"


def test_the_log_is_append_only():
    consultation = consultation_at(State.DECIDED)
    entry = consultation.transitions.get()
    entry.note = "changed"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_timeline_shows_where_it_stands_and_when_each_step_happened():
    consultation = consultation_at(State.ANNOUNCED, occasion=Occasion.DRAFT_ACT)
    steps = workflow.timeline(consultation)
    assert [s.number for s in steps] == [1, 2, 3, 4, 5, 6, 7]
    assert [bool(s.done_on) for s in steps] == [True, True, True, False, False, False, False]
    assert [s.is_current for s in steps] == [False, False, True, False, False, False, False]
    assert len(workflow.timeline(planned_consultation(occasion=Occasion.APPEAL))) == 6
