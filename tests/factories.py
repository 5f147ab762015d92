"""Test data. Consultations are built at their states directly (`consultation_at`), or walked there through the
workflow by the tests of its steps (`walk=True`)."""

from __future__ import annotations

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from consultations import announcements, answers, pdf, workflow
from consultations import services as consultation_services
from consultations.fields import write_state
from consultations.models import (
    Consultation,
    ConsultationTransition,
    Position,
    QuarterlySchedule,
    Question,
    Recommendation,
    RecommendationPoint,
    ScheduleTransition,
)
from councils.models import Council, Meeting, Membership, Region
from proposals import services as proposal_services
from proposals.models import ConsentText, Proposal
from publications.models import Announcement

State = Consultation.State
PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    slug = factory.Sequence(lambda n: f"region-{n}")
    kind = Region.Kind.OBLAST
    name_kk = factory.Sequence(lambda n: f"Облыс {n}")
    name_ru = factory.Sequence(lambda n: f"Область {n}")


class CouncilFactory(DjangoModelFactory):
    class Meta:
        model = Council

    slug = factory.Sequence(lambda n: f"council-{n}")
    level = Council.Level.OBLAST
    region = factory.SubFactory(RegionFactory)
    name_kk = factory.Sequence(lambda n: f"Қоғамдық кеңес {n}")
    name_ru = factory.Sequence(lambda n: f"Общественный совет {n}")
    state_body_kk = "Облыс әкімдігі"
    state_body_ru = "Акимат области"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    council = factory.SubFactory(CouncilFactory)
    full_name_kk = factory.Sequence(lambda n: f"Мүше {n}")
    full_name_ru = factory.Sequence(lambda n: f"Член {n}")
    role = Membership.Role.MEMBER
    kind = Membership.Kind.CIVIL_SOCIETY
    started_on = datetime.date(2024, 1, 1)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    council = factory.SubFactory(CouncilFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=20))
    agenda_kk = "Қоғамдық консультациялар өткізу кестесін бекіту"
    agenda_ru = "Утверждение графика проведения общественных консультаций"
    protocol_number = factory.Sequence(lambda n: str(n + 1))


class ConsentTextFactory(DjangoModelFactory):
    class Meta:
        model = ConsentText

    version = factory.Sequence(lambda n: n + 100)  # version 1 comes with the migrations
    text_kk = "Дербес деректерді өңдеуге келісемін."
    text_ru = "Согласен на обработку персональных данных."
    operator_kk = "Мәдениет және ақпарат министрлігі"
    operator_ru = "Министерство культуры и информации"
    effective_from = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=365))


def staff_of(council: Council, role: str = Membership.Role.SECRETARY, **user_fields):
    """A user with an account who holds `role` in `council`."""
    user = UserFactory(**user_fields)
    MembershipFactory(
        council=council,
        user=user,
        role=role,
        kind="" if role == Membership.Role.SECRETARY else Membership.Kind.CIVIL_SOCIETY,
    )
    return user


def ministry_staff(**user_fields):
    """An account of the ministry's staff: staff, in the ministry's group (workspace.roles)."""
    from django.contrib.auth.models import Group

    from workspace.roles import MINISTRY_GROUP

    user = UserFactory(**{"is_staff": True, **user_fields})
    user.groups.add(Group.objects.get(name=MINISTRY_GROUP))
    return user


def secretary_of(council: Council):
    """The council's secretary account, made when it has none yet."""
    membership = Membership.objects.filter(council=council, role=Membership.Role.SECRETARY, user__isnull=False).first()
    return membership.user if membership else staff_of(council)


def members_of(council: Council, count: int, **fields) -> list[Membership]:
    return MembershipFactory.create_batch(count, council=council, **fields)


def quorate_meeting(council: Council, *, date: datetime.date | None = None, members: int = 3) -> Meeting:
    """A meeting attended by every member of the council (made up to `members` members)."""
    meeting = MeetingFactory(council=council, **({"date": date} if date else {}))
    current = list(Membership.objects.filter(council=council).on(meeting.date).counted())
    current += members_of(council, max(0, members - len(current)))
    meeting.attendees.set(current)
    return meeting


_numbers = itertools.count(1)


def planned_consultation(
    council: Council | None = None,
    *,
    by=None,
    occasion: str = Consultation.Occasion.APPEAL,
    year: int | None = None,
    quarter: int | None = None,
    **fields,
) -> Consultation:
    """A consultation in a (draft) schedule, with what its announcement needs."""
    council = council or CouncilFactory()
    by = by or secretary_of(council)
    today = timezone.localdate()
    schedule = consultation_services.schedule_for(council, year or today.year, quarter or (today.month - 1) // 3 + 1)
    if schedule.state != QuarterlySchedule.State.DRAFT:
        consultation_services.start_revision(schedule, by=by, reason="Жаңа консультация / Новая консультация")
    n = next(_numbers)
    now = timezone.now()
    defaults = {
        "title_kk": f"Қоғамдық консультация {n}",
        "title_ru": f"Общественная консультация {n}",
        "description_kk": "Сипаттама",
        "description_ru": "Описание",
        "venue_kk": "Әкімдіктің мәжіліс залы",
        "venue_ru": "Зал заседаний акимата",
        "participation_kk": "Ұсыныстарды порталда жіберіңіз.",
        "participation_ru": "Направляйте предложения на портале.",
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=14),
        "window_opens_at": now - datetime.timedelta(days=1),
        "window_closes_at": now + datetime.timedelta(days=14),
    }
    if occasion == Consultation.Occasion.DRAFT_ACT:
        defaults |= {
            "act_title_kk": "Бұйрықтың жобасы",
            "act_title_ru": "Проект приказа",
            "act_number": "ДП-2026-001",
            "act_url": "https://legalacts.egov.kz/npa/view?id=1",
            "social_effect_kk": "Әлеуметтік әсер",
            "social_effect_ru": "Социальный эффект",
        }
    return consultation_services.plan_consultation(schedule, by=by, occasion=occasion, **(defaults | fields))


def add_proposal(consultation: Consultation, *, by, moderation: str = Proposal.Moderation.NEW, **fields) -> Proposal:
    """A proposal entered by staff (channel "mail" unless given), then sorted as asked."""
    proposal = proposal_services.enter_proposal(
        consultation,
        by=by,
        channel=fields.pop("channel", Proposal.Channel.MAIL),
        language=fields.pop("language", "kk"),
        text=fields.pop("text", "Аулаларды абаттандыруды жалғастыру керек."),
        author_name=fields.pop("author_name", "Айгүл Серікқызы"),
        **fields,
    )
    if moderation == Proposal.Moderation.LISTED:
        proposal_services.include_in_list([proposal], by=by)
    elif moderation == Proposal.Moderation.SET_ASIDE:
        proposal_services.set_aside([proposal], by=by, reason=Proposal.SetAsideReason.OFF_TOPIC, note="Тақырыптан тыс")
    proposal.refresh_from_db()
    return proposal


def closed_window() -> dict:
    """A proposal window that opened two weeks ago and closed an hour ago."""
    now = timezone.now()
    return {"window_opens_at": now - datetime.timedelta(days=15), "window_closes_at": now - datetime.timedelta(hours=1)}


PAST_INTAKE = (State.PROPOSALS_COMPILED, State.RECOMMENDATION_DRAFTED, State.POSITION_PUBLISHED)


def consultation_at(
    state: str,
    *,
    occasion: str = Consultation.Occasion.APPEAL,
    council: Council | None = None,
    by=None,
    listed_proposals: int = 1,
    walk: bool = False,
    **fields,
) -> Consultation:
    """A consultation at `state`, planned by the council's secretary (`by`), with one question, its steps 1 and 2
    taken at a quorate meeting, its schedule published from step 2 on, and `listed_proposals` in its list from
    step 4 on.

    Built directly: each step's log entry, and what a step publishes (the announcements, the frozen documents,
    the answers to the authors), written as the step writes them, but without taking it or checking its
    conditions — so ask only for what the workflow allows. With `walk=True` the states are reached through the
    workflow, with its checks, as a secretary would; tests/consultations/test_states_built_directly.py checks
    that both give the same consultation."""
    council = council or CouncilFactory()
    by = by or secretary_of(council)
    if state in PAST_INTAKE and "window_closes_at" not in fields:
        fields |= closed_window()  # the list of proposals is formed once the intake has closed
    consultation = planned_consultation(council, by=by, occasion=occasion, **fields)
    if state == State.PLANNED:
        return consultation
    if state == State.CANCELLED:
        workflow.cancel(consultation, by=by, reason_kk="Себебі", reason_ru="Причина")
        return consultation
    meeting = quorate_meeting(council)
    path = workflow.states_of(consultation)
    targets = path[1 : path.index(state) + 1]
    if walk:
        consultation_services.set_questions(consultation, by=by, questions=[("Сұрақ?", "Вопрос?")])
    else:
        Question.objects.create(consultation=consultation, position=1, text_kk="Сұрақ?", text_ru="Вопрос?")
    if State.QUESTIONS_APPROVED in targets:  # ready to be announced
        (publish_schedule_of if walk else _publish_schedule_directly)(consultation, by=by)
    for target in targets:
        (take_step if walk else _write_step)(consultation, target, by=by, meeting=meeting)
        if target == State.HELD:
            for _ in range(listed_proposals):
                add_proposal(consultation, by=by, moderation=Proposal.Moderation.LISTED)
    consultation.refresh_from_db()
    return consultation


def _write_step(consultation: Consultation, target: str, *, by, meeting: Meeting) -> None:
    """Step `target` as `workflow` writes it (its effect, its state, its log entry), unchecked; the effects are
    those of `workflow.announce` and `workflow.publish_position`."""
    now, today = timezone.now(), timezone.localdate()
    at_meeting = target in (State.DECIDED, State.QUESTIONS_APPROVED)
    logged = {}
    if target == State.ANNOUNCED:
        announcements.publish_consultation_announced(consultation, by=by, at=now)
    elif target == State.HELD and consultation.window_opens_at > now:  # taken early, it opens the window now
        logged["window_moved_from"] = consultation.window_opens_at
        consultation.window_opens_at = now
        consultation.save(update_fields=["window_opens_at", "updated_at"])
    elif target == State.RECOMMENDATION_DRAFTED:
        write_recommendation(consultation)
    elif target == State.POSITION_PUBLISHED:
        decide_all(consultation, by=by)
        write_position(consultation)
        pdf.publish_results_documents(consultation)
        announcements.publish(Announcement.Event.RESULTS_PUBLISHED, consultation, by=by, at=now)
        answers.answer_authors(consultation, by=by, at=now)
    date = meeting.date if at_meeting else today
    ConsultationTransition.objects.create(
        consultation=consultation,
        name=workflow.STEP_OF[target].name,
        from_state=consultation.state,
        to_state=target,
        by=by,
        occurred_on=date,
        meeting=meeting if at_meeting else None,
        **logged,
    )
    write_state(consultation, "state", target, updated_at=now, state_since=date)


def _publish_schedule_directly(consultation: Consultation, *, by) -> None:
    """The revision that planned the consultation approved at a quorate meeting today and published, as
    `publish_schedule_of` has `consultation_services.approve_schedule` and `publish_schedule` write it, unchecked."""
    schedule = QuarterlySchedule.objects.select_related("council").get(pk=consultation.schedule_id)
    if schedule.published_revision >= consultation.revision:
        return
    if schedule.state != QuarterlySchedule.State.DRAFT:  # approved or published meanwhile: as a secretary would
        publish_schedule_of(consultation, by=by)
        return
    today = timezone.localdate()
    meeting = quorate_meeting(schedule.council, date=today)
    Draft, Approved, Published = (
        QuarterlySchedule.State.DRAFT,
        QuarterlySchedule.State.APPROVED,
        QuarterlySchedule.State.PUBLISHED,
    )
    ScheduleTransition.objects.bulk_create(
        [
            ScheduleTransition(
                schedule=schedule, from_state=Draft, to_state=Approved, by=by, occurred_on=meeting.date,
                meeting=meeting, revision=schedule.revision,
            ),
            ScheduleTransition(
                schedule=schedule, from_state=Approved, to_state=Published, by=by, occurred_on=today,
                revision=schedule.revision,
            ),
        ]
    )  # fmt: skip
    consultation_services.apply_schedule_changes(schedule)
    announcements.publish(Announcement.Event.SCHEDULE_PUBLISHED, schedule, by=by, at=timezone.now())
    pdf.publish_schedule_document(schedule)
    write_state(schedule, "state", Published, published_revision=schedule.revision, updated_at=timezone.now())
    consultation.schedule = schedule


def take_step(consultation: Consultation, target: str, *, by, meeting: Meeting | None = None) -> None:
    """Take the consultation to `target`, the next step on its path, as a secretary would (steps 1 and 2 at
    `meeting`; the recommendation, the decisions and the position written on the way)."""
    if target == State.DECIDED:
        workflow.decide(consultation, by=by, meeting=meeting)
    elif target == State.QUESTIONS_APPROVED:
        workflow.approve_questions(consultation, by=by, meeting=meeting)
    elif target == State.ANNOUNCED:
        workflow.announce(consultation, by=by)
    elif target == State.HELD:
        workflow.open_intake(consultation, by=by)
    elif target == State.PROPOSALS_COMPILED:
        workflow.compile_proposals(consultation, by=by)
    elif target == State.RECOMMENDATION_DRAFTED:
        write_recommendation(consultation)
        workflow.draft_recommendation(consultation, by=by)
    elif target == State.POSITION_PUBLISHED:
        decide_all(consultation, by=by)
        write_position(consultation)
        workflow.publish_position(consultation, by=by)


def publish_schedule_of(consultation: Consultation, *, by) -> None:
    """Approve and publish the schedule revision that planned the consultation (nothing of a schedule is
    public, nor announced, before)."""
    schedule = consultation.schedule
    schedule.refresh_from_db()
    if schedule.published_revision >= consultation.revision:
        return
    if schedule.state == QuarterlySchedule.State.PUBLISHED:
        consultation_services.start_revision(schedule, by=by, reason="Жаңа / Новая")
    if schedule.state != QuarterlySchedule.State.APPROVED:
        meeting = quorate_meeting(schedule.council, date=timezone.localdate())
        consultation_services.approve_schedule(schedule, by=by, meeting=meeting)
    consultation_services.publish_schedule(schedule, by=by)
    consultation.refresh_from_db()


def write_recommendation(consultation: Consultation) -> Recommendation:
    recommendation = Recommendation.objects.create(
        consultation=consultation, introduction_kk="Кеңес ұсынады:", introduction_ru="Совет рекомендует:"
    )
    point = RecommendationPoint.objects.create(
        recommendation=recommendation, number=1, text_kk="Жобаны пысықтау.", text_ru="Доработать проект."
    )
    point.proposals.set(consultation.proposals.filter(moderation=Proposal.Moderation.LISTED))
    return recommendation


def write_position(consultation: Consultation) -> Position:
    return Position.objects.create(
        consultation=consultation,
        text_kk="Кеңес ұсыныстарды қарады және өз ұстанымын жариялайды.",
        text_ru="Совет рассмотрел предложения и публикует свою позицию.",
    )


def decide_all(consultation: Consultation, *, by) -> None:
    listed = list(consultation.proposals.filter(moderation=Proposal.Moderation.LISTED, decision=""))
    if listed:
        proposal_services.decide(
            listed,
            by=by,
            decision=Proposal.Decision.TAKEN,
            reasons_kk="Ұсыныс орынды.",
            reasons_ru="Предложение обоснованно.",
        )


def url(view: str, language: str = "kk", /, **kwargs) -> str:
    """A page's address in a language (the tests otherwise run in English, which has no pages)."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        return reverse(view, kwargs=kwargs)


def use_broker(broker_url: str) -> None:
    """Point this process's Celery app at another broker, dropping the connections it holds."""
    from qogam.celery import app

    app.conf.broker_url = broker_url
    app._pool = None
    app.amqp._producer_pool = None
