"""Steps 4 and 5 bound to the proposal window (issue 12): what a secretary could do on 4 December to a consultation
whose window ran 1–19 December, or opened on 12 December, and what citizens then read."""

import datetime
import re

import pytest
from django.utils import formats, timezone, translation

from common.errors import ActionRefused
from consultations import compliance, workflow
from consultations.models import Consultation
from consultations.services import set_questions
from proposals.models import Proposal
from tests.factories import (
    add_proposal,
    closed_window,
    planned_consultation,
    publish_schedule_of,
    quorate_meeting,
    secretary_of,
    url,
    write_recommendation,
)
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State
DAY = datetime.timedelta(days=1)


def window(opens_in_days: float, closes_in_days: float) -> dict:
    now = timezone.now()
    return {"window_opens_at": now + opens_in_days * DAY, "window_closes_at": now + closes_in_days * DAY}


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def shown(moment: datetime.datetime, language: str) -> str:
    with translation.override(language):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def held_since(days_ago: int, **fields) -> Consultation:
    """A public consultation whose steps 1–4 were taken `days_ago` days ago (history entered as it happened)."""
    consultation = planned_consultation(**fields)
    council, secretary = consultation.schedule.council, secretary_of(consultation.schedule.council)
    set_questions(consultation, by=secretary, questions=[("Сұрақ?", "Вопрос?")])
    publish_schedule_of(consultation, by=secretary)
    meeting = quorate_meeting(council, date=timezone.localdate() - days_ago * DAY)
    workflow.decide(consultation, by=secretary, meeting=meeting)
    workflow.approve_questions(consultation, by=secretary, meeting=meeting)
    workflow.announce(consultation, by=secretary, occurred_on=meeting.date)
    workflow.open_intake(consultation, by=secretary, occurred_on=meeting.date)
    return consultation


def close_early(consultation, by):
    workflow.close_intake(consultation, by=by, reason_kk="Ұсыныстар жеткілікті.", reason_ru="Предложений достаточно.")


# ---------------------------------------------------------------------------------------------------------
# Step 5 waits for the window to close


def test_the_list_is_refused_while_the_window_is_open_and_the_refusal_gives_the_closing_date(client):
    consultation = published_at(State.HELD, **window(-3, 15))
    secretary = secretary_of(consultation.schedule.council)

    with pytest.raises(ActionRefused) as refused:
        workflow.compile_proposals(consultation, by=secretary)

    assert shown(consultation.window_closes_at, "en") in str(refused.value)
    assert "close the intake now" in str(refused.value)
    consultation.refresh_from_db()
    assert consultation.state == State.HELD and not consultation.transitions.filter(name="compile_proposals")
    page = text(client.get(url("consultations:detail", "ru", slug=consultation.slug)))
    assert "Предложения принимаются до" in page and "Подать предложение" in page


def test_closing_the_intake_early_ends_the_window_now_is_logged_and_is_said_publicly(client):
    consultation = published_at(State.HELD, **window(-3, 15))
    planned_end = consultation.window_closes_at
    secretary = secretary_of(consultation.schedule.council)

    close_early(consultation, secretary)

    assert timezone.now() - consultation.window_closes_at < datetime.timedelta(minutes=1)
    entry = consultation.transitions.get(name="close_intake")
    assert (entry.from_state, entry.to_state, entry.by, entry.window_moved_from) == (
        State.HELD,
        State.HELD,
        secretary,
        planned_end,
    )
    assert "Предложений достаточно." in entry.note
    for language, says, reason, invitation in (
        ("kk", "мерзімінен бұрын", "Ұсыныстар жеткілікті.", "Ұсыныс жіберу"),
        ("ru", "досрочно завершил приём предложений", "Предложений достаточно.", "Подать предложение"),
    ):
        page = text(client.get(url("consultations:detail", language, slug=consultation.slug)))
        assert says in page and reason in page and shown(consultation.window_closes_at, language) in page
        assert invitation not in page
        form = text(client.get(url("proposals:propose", language, slug=consultation.slug)))
        assert reason in form and 'name="text"' not in form
    workflow.compile_proposals(consultation, by=secretary)  # and now the list may be formed
    assert consultation.state == State.PROPOSALS_COMPILED


def test_closing_early_needs_a_reason_and_an_open_intake():
    consultation = published_at(State.HELD, **window(-3, 15))
    secretary = secretary_of(consultation.schedule.council)
    with pytest.raises(ActionRefused, match="reason"):
        workflow.close_intake(consultation, by=secretary, reason_kk=" ", reason_ru="")
    closed = published_at(State.HELD, **closed_window())
    with pytest.raises(ActionRefused, match="closed on"):
        close_early(closed, secretary_of(closed.schedule.council))
    assert not Consultation.objects.filter(transitions__name="close_intake").exists()


def test_a_draft_act_whose_window_opens_later_cannot_be_taken_to_its_position_on_the_same_day():
    consultation = published_at(State.ANNOUNCED, occasion=Consultation.Occasion.DRAFT_ACT, **window(8, 20))
    secretary = secretary_of(consultation.schedule.council)
    workflow.open_intake(consultation, by=secretary)
    add_proposal(consultation, by=secretary, moderation=Proposal.Moderation.LISTED)

    with pytest.raises(ActionRefused):
        workflow.compile_proposals(consultation, by=secretary)

    write_recommendation(consultation)
    with pytest.raises(ActionRefused, match="not possible to prepare the draft recommendation"):
        workflow.draft_recommendation(consultation, by=secretary)
    review = compliance.review(
        [consultation.schedule.council], [(consultation.schedule.year, consultation.schedule.quarter)]
    )
    rules = {rule.code: rule for rule in review[0].rules}
    assert rules["list_formed"].verdict == compliance.NOT_YET_DUE
    assert rules["recommendation_drafted"].verdict == compliance.NOT_APPLICABLE  # step 5 is not reached


# ---------------------------------------------------------------------------------------------------------
# Step 4 means the form is open


def test_opening_by_hand_before_the_window_moves_its_start_to_now_and_the_page_says_so(client):
    consultation = published_at(State.ANNOUNCED, **window(21, 40))
    planned_start = consultation.window_opens_at
    workflow.open_intake(consultation, by=secretary_of(consultation.schedule.council))

    assert timezone.now() - consultation.window_opens_at < datetime.timedelta(minutes=1)
    assert consultation.transitions.get(name="open_intake").window_moved_from == planned_start
    assert consultation.is_open_for_proposals()
    page = text(client.get(url("consultations:detail", "ru", slug=consultation.slug)))
    assert "Приём предложений начался раньше запланированного" in page and shown(planned_start, "ru") in page
    assert 'name="text"' in client.get(url("proposals:propose", "ru", slug=consultation.slug)).content.decode()


def test_the_system_opening_the_intake_on_time_moves_nothing():
    consultation = published_at(State.ANNOUNCED, **window(-0.1, 10))
    planned_start = consultation.window_opens_at
    workflow.open_intake(consultation, by=None)
    consultation.refresh_from_db()
    assert consultation.window_opens_at == planned_start
    assert consultation.transitions.get(name="open_intake").window_moved_from is None


# ---------------------------------------------------------------------------------------------------------
# Dates of the steps


def test_step_five_cannot_be_dated_before_the_window_closed():
    consultation = held_since(10, **window(-10, -1.5))
    secretary = secretary_of(consultation.schedule.council)
    with pytest.raises(ActionRefused, match="accepted until"):
        workflow.compile_proposals(consultation, by=secretary, occurred_on=timezone.localdate() - 3 * DAY)
    workflow.compile_proposals(consultation, by=secretary, occurred_on=timezone.localdate() - DAY)
    assert consultation.state == State.PROPOSALS_COMPILED


def test_steps_six_and_seven_cannot_be_dated_before_step_five():
    consultation = held_since(10, occasion=Consultation.Occasion.DRAFT_ACT, **window(-10, -3))
    secretary = secretary_of(consultation.schedule.council)
    workflow.compile_proposals(consultation, by=secretary, occurred_on=timezone.localdate() - DAY)
    write_recommendation(consultation)
    with pytest.raises(ActionRefused, match="earlier than that of the previous step"):
        workflow.draft_recommendation(consultation, by=secretary, occurred_on=timezone.localdate() - 2 * DAY)
    assert consultation.state == State.PROPOSALS_COMPILED


# ---------------------------------------------------------------------------------------------------------
# What citizens read, in the right tense


@pytest.mark.parametrize(
    ("state", "dates", "says_ru", "invites"),
    [
        (State.ANNOUNCED, window(5, 20), "Предложения будут приниматься с", False),
        (State.HELD, window(-2, 10), "Предложения принимаются до", True),
        (State.HELD, window(-20, -1), "Предложения принимались до", False),
        (State.POSITION_PUBLISHED, window(-20, -1), "Предложения принимались до", False),
    ],
    ids=["not yet open", "open", "closed yesterday", "finished"],
)
def test_the_page_says_where_the_intake_stands_in_the_right_tense(client, state, dates, says_ru, invites):
    consultation = published_at(state, **dates)
    page = text(client.get(url("consultations:detail", "ru", slug=consultation.slug)))
    assert says_ru in page
    assert ("Подать предложение" in page) is invites
    if state == State.POSITION_PUBLISHED:
        assert "опубликовал свою позицию" in page


def test_going_back_from_an_early_opening_restores_the_planned_start_so_the_beat_job_waits_for_it():
    from consultations.tasks import open_due_intakes

    consultation = published_at(State.ANNOUNCED, **window(21, 40))
    planned_start = consultation.window_opens_at
    secretary = secretary_of(consultation.schedule.council)
    workflow.open_intake(consultation, by=secretary)
    workflow.step_back(consultation, by=secretary, reason="Ерте ашылды / Открыли рано")

    assert (consultation.state, consultation.window_opens_at) == (State.ANNOUNCED, planned_start)
    assert open_due_intakes() == 0


def test_the_beat_job_leaves_a_window_that_passed_unopened_to_the_secretary():
    from consultations.tasks import open_due_intakes

    consultation = published_at(State.ANNOUNCED, **window(-10, -1))
    assert open_due_intakes() == 0
    consultation.refresh_from_db()
    assert consultation.state == State.ANNOUNCED


def test_once_citizens_are_informed_the_link_to_a_draft_act_cannot_be_taken_away():
    from consultations.services import update_consultation

    consultation = published_at(State.ANNOUNCED, occasion=Consultation.Occasion.DRAFT_ACT)
    with pytest.raises(ActionRefused, match="Attach the draft legal act"):
        update_consultation(consultation, by=secretary_of(consultation.schedule.council), act_url="")
    consultation.refresh_from_db()
    assert consultation.act_url
