"""Workspace pages for schedules and consultations: plan, approve, publish, and take the seven steps.

Thin views: each finds its objects among the user's councils (`councils.permissions`,
`consultations.permissions`), validates a form and calls a service or a workflow step; a refusal comes back as
the service's message, and nothing has changed.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from common.actions import acting, back, refuse_into, submit, workspace_view
from common.errors import ActionRefused
from consultations.permissions import consultation_or_404
from councils.permissions import can_act, council_or_404, require_actor
from publications import announcements as publications_announcements
from publications.models import Announcement

from . import announcements, attachments, conditions, revisions, selectors, services, workflow
from .deadlines import state_body_deadlines
from .forms import (
    ADD_ROW,
    STEP_FORMS,
    ConsultationForm,
    DocumentForm,
    InformationRequestForm,
    MeetingChoiceForm,
    NewsForm,
    PointAnswerFormSet,
    PointFormSet,
    PositionForm,
    PublishScheduleForm,
    QuestionFormSet,
    RecommendationForm,
    ScheduledAnnouncementForm,
    SendingForm,
    StepBackForm,
    with_another_row,
)
from .models import (
    CompliancePolicy,
    Consultation,
    InformationRequest,
    Position,
    QuarterlySchedule,
    Recommendation,
    ScheduleChange,
)
from .proposal_codes import Moderation

State = Consultation.State
Event = Announcement.Event

# ---------------------------------------------------------------------------------------------------------
# The quarterly schedule


def _schedule_or_404(request, council_slug, year, quarter):
    council = council_or_404(request, council_slug)
    if not (1 <= quarter <= 4 and 2020 <= year <= 2100):
        raise Http404
    schedule = QuarterlySchedule.objects.filter(council=council, year=year, quarter=quarter).first()
    return council, schedule


@workspace_view
def schedule_page(request, council_slug, year, quarter):
    council, schedule = _schedule_or_404(request, council_slug, year, quarter)
    consultations = schedule.consultations.order_by("number") if schedule else []
    return render(
        request,
        "workspace/schedule.html",
        {
            "council": council,
            "year": year,
            "quarter": quarter,
            "schedule": schedule,
            "consultations": consultations,
            "log": schedule.transitions.select_related("meeting", "by") if schedule else [],
            "announcements": Announcement.objects.published()
            .about(schedule)
            .prefetch_related("deliveries__recorded_by", "recorded_changes__by")
            .order_by("-published_at")
            if schedule
            else [],
            "changes": ScheduleChange.objects.pending()
            .filter(consultation__schedule=schedule, revision__gt=schedule.published_revision)
            .select_related("consultation")
            .order_by("consultation__number")
            if schedule
            else [],
            "can_act": can_act(request.user, council),
            "approve_form": MeetingChoiceForm(council=council),
            "publish_form": PublishScheduleForm(
                initial=publications_announcements.initial_texts(
                    Event.SCHEDULE_PUBLISHED, announcements.schedule_context(schedule)
                )
            )
            if schedule
            else None,
            "revise_form": StepBackForm(),
        },
    )


@acting
def schedule_approve(request, council_slug, year, quarter):
    council, schedule = _schedule_or_404(request, council_slug, year, quarter)
    require_actor(request, council)
    form = MeetingChoiceForm(request.POST, council=council)
    if schedule is None or not form.is_valid():
        messages.error(request, _("Choose the council meeting at which the schedule was approved."))
    else:
        services.approve_schedule(
            schedule, by=request.user, meeting=form.cleaned_data["meeting"], note=form.cleaned_data["note"]
        )
        messages.success(request, _("The schedule is approved."))
    return redirect("workspace:schedule", council_slug=council.slug, year=year, quarter=quarter)


@acting
def schedule_publish(request, council_slug, year, quarter):
    council, schedule = _schedule_or_404(request, council_slug, year, quarter)
    require_actor(request, council)
    form = PublishScheduleForm(request.POST)
    if schedule is None or not form.is_valid():
        messages.error(request, _("Give the date of publication, and the title and text of the announcement."))
    else:
        data = form.cleaned_data
        texts = {key: data[key] for key in PublishScheduleForm.TEXTS}
        services.publish_schedule(schedule, by=request.user, occurred_on=data["occurred_on"], **texts)
        messages.success(request, _("The schedule is published: its consultations are now on the portal."))
    return redirect("workspace:schedule", council_slug=council.slug, year=year, quarter=quarter)


@acting
def schedule_revise(request, council_slug, year, quarter):
    council, schedule = _schedule_or_404(request, council_slug, year, quarter)
    require_actor(request, council)
    if schedule is None:
        raise Http404
    services.start_revision(schedule, by=request.user, reason=request.POST.get("reason", ""))
    messages.success(
        request, _("A new revision of the schedule is open: add consultations, then approve and publish it.")
    )
    return redirect("workspace:schedule", council_slug=council.slug, year=year, quarter=quarter)


@workspace_view
def consultation_new(request, council_slug, year, quarter):
    council, _schedule = _schedule_or_404(request, council_slug, year, quarter)
    require_actor(request, council)
    form = ConsultationForm(request.POST or None)

    def plan(data: dict) -> Consultation:
        schedule = services.schedule_for(council, year, quarter)
        return services.plan_consultation(
            schedule, by=request.user, occasion=data["occasion"], **form.planning_fields()
        )

    return submit(
        request,
        form,
        plan,
        success=_("The consultation is added to the schedule. Now write its questions."),
        redirect_to=lambda consultation: reverse("workspace:questions", kwargs={"slug": consultation.slug}),
    ) or render(
        request,
        "workspace/consultation_form.html",
        {"council": council, "form": form, "year": year, "quarter": quarter},
    )


@workspace_view
def consultation_edit(request, slug):
    """Edit a consultation. Before saving, the page says what a published schedule does with a change to what
    it shows (it waits for the next revision); the form starts from that waiting change, if any."""
    consultation = consultation_or_404(request, slug)
    schedule = consultation.schedule
    require_actor(request, schedule.council)
    waiting = revisions.pending_change(consultation)
    form = ConsultationForm(
        request.POST or None,
        instance=Consultation.objects.get(pk=consultation.pk),
        initial=waiting.new_values() if waiting else None,
        asks_reason=schedule.state != QuarterlySchedule.State.DRAFT,
    )
    was_draft = schedule.state == QuarterlySchedule.State.DRAFT

    def saved(waiting) -> str:
        schedule.refresh_from_db()
        if waiting is not None:
            return _(
                "Saved as a change for revision %(revision)s of the schedule: the new title, dates, proposal "
                "window, format or venue appear on the portal once that revision is approved at a quorate "
                "meeting and published. Until then the portal shows the published ones."
            ) % {"revision": waiting.revision}
        if not was_draft and schedule.state == QuarterlySchedule.State.DRAFT:
            return _("Saved. The schedule is a draft again: have it approved at a quorate meeting.")
        return _("Saved.")

    return submit(
        request,
        form,
        lambda data: services.update_consultation(
            consultation, by=request.user, reason=data.get("change_reason", ""), **form.planning_fields()
        ),
        success=saved,
        redirect_to=_page_of(consultation),
    ) or render(
        request,
        "workspace/consultation_form.html",
        {
            "council": schedule.council,
            "form": form,
            "consultation": consultation,
            "schedule": schedule,
            "waiting": waiting,
            "next_revision": schedule.published_revision + 1,
        },
    )


@acting
def schedule_change_withdraw(request, slug):
    """Withdraw the change of a consultation waiting for the schedule's next revision (while it is a draft)."""
    consultation = consultation_or_404(request, slug)
    require_actor(request, consultation.schedule.council)
    waiting = revisions.pending_change(consultation)
    if waiting is None:
        raise Http404
    services.withdraw_schedule_change(waiting, by=request.user)
    messages.success(request, _("The change is withdrawn: the published schedule stays as it is."))
    return redirect(back(request, reverse("workspace:consultation", kwargs={"slug": consultation.slug})))


@acting
def consultation_remove(request, slug):
    consultation = consultation_or_404(request, slug)
    schedule = consultation.schedule
    require_actor(request, schedule.council)
    services.remove_consultation(consultation, by=request.user)
    messages.success(request, _("The consultation is removed from the draft schedule."))
    return redirect(
        "workspace:schedule", council_slug=schedule.council.slug, year=schedule.year, quarter=schedule.quarter
    )


# ---------------------------------------------------------------------------------------------------------
# A consultation and its steps


def action_form(step: workflow.Step, consultation: Consultation, data=None):
    """The form a step needs (`Step.form`), prepared for this consultation: the meetings of its council, the
    texts of the announcement the step publishes."""
    form_class = STEP_FORMS[step.form]
    kwargs = {}
    if step.form == "meeting":
        kwargs["council"] = consultation.schedule.council
    if step.form == "cancel":
        kwargs["announced"] = workflow.is_announced(consultation)
    if step.event and (step.form != "cancel" or kwargs["announced"]):
        kwargs["initial"] = publications_announcements.initial_texts(
            step.event, announcements.consultation_context(consultation)
        )
    return form_class(data, **kwargs)


def _consultation_page(request, consultation, *, bound=None, bound_form=None, status=200):
    policy = CompliancePolicy.current()
    selectors.with_questions(consultation)
    log = selectors.workspace_log(consultation)
    reached = workflow.steps_reached(log)
    step = workflow.next_step(consultation, policy, reached)
    offered = workflow.actions(consultation)
    forms = {action.name: bound_form if action is bound else action_form(action, consultation) for action in offered}
    primary = offered[0] if offered and offered[0] not in (workflow.CANCEL, workflow.STEP_BACK) else None
    council = consultation.schedule.council
    return render(
        request,
        "workspace/consultation.html",
        {
            "council": council,
            "consultation": consultation,
            "timeline": workflow.timeline(consultation, log),
            "log": log,
            "next": step,
            "primary": primary,
            "primary_form": forms.get(primary.name) if primary else None,
            "cancel_form": forms.get(workflow.CANCEL.name),
            "step_back_form": forms.get(workflow.STEP_BACK.name),
            "previous_state": dict(State.choices)[workflow.previous_state(consultation)]
            if workflow.STEP_BACK.name in forms
            else None,
            # A step refused that the page does not offer now (step 5 while the intake is open): its reasons.
            "refused_form": bound_form if bound is not None and bound not in offered else None,
            "can_act": can_act(request.user, council),
            "questions": consultation.questions.all(),
            "requests": consultation.information_requests.all(),
            "schedule_change": revisions.pending_change(consultation),
            "counts": selectors.proposal_counts(consultation),
            "document_kinds": selectors.document_kinds(consultation),
            "attachments": {
                "documents": list(selectors.documents_of(consultation)),
                "form": DocumentForm(),
                "refusal": attachments.change_refusal(consultation),
                # Before step 3 of a draft act: what step 3 will ask of its documents.
                "step_3_needs": conditions.draft_readable(consultation, None)
                if consultation.state in (State.PLANNED, State.DECIDED, State.QUESTIONS_APPROVED)
                else [],
            },
            "state_body": state_body_deadlines(consultation, reached) if consultation.is_draft_act else None,
            "announcements": selectors.workspace_announcements(consultation),
            "news_form": NewsForm(),
            "now": timezone.now(),
        },
        status=status,
    )


def _page_of(consultation: Consultation) -> str:
    """The consultation's workspace page, where its actions return."""
    return reverse("workspace:consultation", kwargs={"slug": consultation.slug})


@workspace_view
def consultation_page(request, slug):
    return _consultation_page(request, consultation_or_404(request, slug))


@workspace_view
def consultation_step(request, slug, name):
    if request.method != "POST":
        return redirect("workspace:consultation", slug=slug)
    consultation = consultation_or_404(request, slug)
    require_actor(request, consultation.schedule.council)
    step = workflow.STEPS.get(name)
    if step is None:
        raise Http404
    form = action_form(step, consultation, request.POST)
    return submit(
        request,
        form,
        lambda data: workflow.take(name, consultation, by=request.user, **data),
        success=lambda done: _done_message(step, consultation, done),
        redirect_to=_page_of(consultation),
    ) or _consultation_page(request, consultation, bound=step, bound_form=form, status=400)


def _done_message(step: workflow.Step, consultation: Consultation, done) -> str:
    consultation.refresh_from_db()
    if isinstance(done, Announcement):
        return _("The announcement is scheduled: citizens will be informed at the time you gave.")
    if step is workflow.CLOSE_INTAKE:
        return _("The intake is closed: the portal no longer accepts proposals. Now form the list of proposals.")
    if done.window_moved_from and step is workflow.OPEN_INTAKE:
        return _("Done: the consultation is held, and the proposal window opened now instead of %(date)s.") % {
            "date": formats.date_format(timezone.localtime(done.window_moved_from), "DATETIME_FORMAT")
        }
    return _("Done: the consultation is now at the step “%(state)s”.") % {"state": consultation.get_state_display()}


@workspace_view
def questions(request, slug):
    consultation = consultation_or_404(request, slug)
    council = consultation.schedule.council
    if request.method == "POST":
        require_actor(request, council)
    initial = [{"text_kk": q.text_kk, "text_ru": q.text_ru} for q in consultation.questions.all()]
    adding = ADD_ROW in request.POST
    data = with_another_row(request.POST, QuestionFormSet, "questions") if adding else request.POST or None
    formset = QuestionFormSet(data, initial=initial, prefix="questions")

    def save(_data) -> list:
        pairs = [
            (f.cleaned_data.get("text_kk", "").strip(), f.cleaned_data.get("text_ru", "").strip()) for f in formset
        ]
        return services.set_questions(consultation, by=request.user, questions=[p for p in pairs if p[0] or p[1]])

    return submit(
        request,
        formset,
        save,
        success=_("The list of questions is saved."),
        redirect_to=_page_of(consultation),
        ready=not adding,
    ) or render(
        request,
        "workspace/questions.html",
        {
            "council": council,
            "consultation": consultation,
            "formset": formset,
            "editable": consultation.state in (State.PLANNED, State.DECIDED) and can_act(request.user, council),
        },
    )


@workspace_view
def recommendation(request, slug):
    consultation = consultation_or_404(request, slug)
    council = consultation.schedule.council
    if not consultation.is_draft_act:
        raise Http404
    if request.method == "POST":
        require_actor(request, council)
    existing = Recommendation.objects.filter(consultation=consultation).prefetch_related("points__proposals").first()
    listed = consultation.proposals.filter(moderation=Moderation.LISTED).order_by("submitted_at")
    adding = ADD_ROW in request.POST
    data = with_another_row(request.POST, PointFormSet, "points") if adding else request.POST or None
    form = RecommendationForm(
        data,
        initial={"introduction_kk": existing.introduction_kk, "introduction_ru": existing.introduction_ru}
        if existing
        else None,
    )
    initial_points = [
        {"text_kk": p.text_kk, "text_ru": p.text_ru, "proposals": list(p.proposals.all())}
        for p in (existing.points.all() if existing else [])
    ]
    points = PointFormSet(data, initial=initial_points, prefix="points", form_kwargs={"proposals": listed})
    return submit(
        request,
        form,
        lambda data: services.save_recommendation(
            consultation,
            by=request.user,
            introduction_kk=data["introduction_kk"],
            introduction_ru=data["introduction_ru"],
            points=[
                {
                    "text_kk": p.cleaned_data.get("text_kk", ""),
                    "text_ru": p.cleaned_data.get("text_ru", ""),
                    "proposals": list(p.cleaned_data.get("proposals") or []),
                }
                for p in points
            ],
        ),
        success=_("The draft recommendation is saved."),
        redirect_to=_page_of(consultation),
        ready=not adding and points.is_valid(),
    ) or render(
        request,
        "workspace/recommendation.html",
        {
            "council": council,
            "consultation": consultation,
            "form": form,
            "points": points,
            "editable": consultation.state == State.PROPOSALS_COMPILED and can_act(request.user, council),
            "recommendation": existing,
        },
    )


@workspace_view
def position(request, slug):
    consultation = consultation_or_404(request, slug)
    council = consultation.schedule.council
    if request.method == "POST":
        require_actor(request, council)
    existing = Position.objects.filter(consultation=consultation).first()
    form = PositionForm(
        request.POST or None, initial={"text_kk": existing.text_kk, "text_ru": existing.text_ru} if existing else None
    )
    return submit(
        request,
        form,
        lambda data: services.save_position(consultation, by=request.user, **data),
        success=_("The position is saved."),
        redirect_to=_page_of(consultation),
    ) or render(
        request,
        "workspace/position.html",
        {
            "council": council,
            "consultation": consultation,
            "form": form,
            "editable": consultation.state in (State.PROPOSALS_COMPILED, State.RECOMMENDATION_DRAFTED)
            and can_act(request.user, council),
        },
    )


@workspace_view
def information_request(request, slug, pk=None):
    consultation = consultation_or_404(request, slug)
    council = consultation.schedule.council
    require_actor(request, council)
    instance = get_object_or_404(InformationRequest, pk=pk, consultation=consultation) if pk else None
    form = InformationRequestForm(request.POST or None, instance=instance)
    return submit(
        request,
        form,
        lambda data: services.save_information_request(consultation, by=request.user, request=instance, **data),
        success=_("The request for additional information is saved."),
        redirect_to=_page_of(consultation),
    ) or render(
        request, "workspace/information_request.html", {"council": council, "consultation": consultation, "form": form}
    )


@workspace_view
def state_body_answer(request, slug):
    """The recommendation sent to the state body, and its answer point by point."""
    consultation = consultation_or_404(request, slug)
    council = consultation.schedule.council
    recommendation = get_object_or_404(Recommendation, consultation=consultation)
    if request.method == "POST":
        require_actor(request, council)
    points = list(recommendation.points.order_by("number"))
    form = SendingForm(
        request.POST or None,
        initial={"sent_on": recommendation.sent_on, "answer_received_on": recommendation.answer_received_on},
    )
    answers = PointAnswerFormSet(
        request.POST or None,
        prefix="points",
        initial=[
            {
                "number": p.number,
                "answer": p.answer,
                "reasons_kk": p.answer_reasons_kk,
                "reasons_ru": p.answer_reasons_ru,
            }
            for p in points
        ],
    )
    return submit(
        request,
        form,
        lambda data: services.record_state_body_answer(
            consultation,
            by=request.user,
            sent_on=data["sent_on"],
            answer_received_on=data["answer_received_on"],
            answers={
                a.cleaned_data["number"]: (
                    a.cleaned_data["answer"],
                    a.cleaned_data["reasons_kk"],
                    a.cleaned_data["reasons_ru"],
                )
                for a in answers
            },
        ),
        success=_("Saved."),
        redirect_to=_page_of(consultation),
        ready=answers.is_valid(),
    ) or render(
        request,
        "workspace/state_body_answer.html",
        {
            "council": council,
            "consultation": consultation,
            "form": form,
            "answers": list(zip(points, answers, strict=True)),
            "formset": answers,
            "deadlines": state_body_deadlines(consultation, workflow.reached_by(consultation)),
            "editable": can_act(request.user, council),
        },
    )


@acting
def news(request, slug):
    consultation = consultation_or_404(request, slug)
    require_actor(request, consultation.schedule.council)
    form = NewsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        data = form.cleaned_data
        services.write_news(consultation, by=request.user, **data)
        if data["publish_at"] and data["publish_at"] > timezone.now():
            messages.success(request, _("The news is scheduled."))
        else:
            messages.success(request, _("The news is published on the portal and sent to the channels."))
    return redirect("workspace:consultation", slug=consultation.slug)


@workspace_view
def scheduled_announcement(request, slug, pk):
    """A scheduled announcement before its time: change its texts or time, publish it now, or withdraw it."""
    consultation = consultation_or_404(request, slug)
    require_actor(request, consultation.schedule.council)
    announcement = get_object_or_404(Announcement.objects.waiting().about(consultation), pk=pk)
    action = request.POST.get("action", "save")
    fields = (*ScheduledAnnouncementForm.TEXTS, "publish_at")
    initial = {name: getattr(announcement, name) for name in fields}
    # Only saving sends the texts; publishing or withdrawing posts the action alone.
    saving = request.method == "POST" and action == "save"
    form = ScheduledAnnouncementForm(request.POST if saving else None, initial=initial)
    if request.method == "POST":
        try:
            if action == "publish":
                services.publish_scheduled(announcement, by=request.user)
                messages.success(request, _("The announcement is published on the portal and sent to the channels."))
                return redirect("workspace:consultation", slug=consultation.slug)
            if action == "withdraw":
                services.withdraw_scheduled(announcement, by=request.user)
                messages.success(request, _("The announcement is withdrawn: it will not go out."))
                return redirect("workspace:consultation", slug=consultation.slug)
            if form.is_valid():
                services.revise_scheduled(announcement, by=request.user, **form.cleaned_data)
                messages.success(request, _("The announcement is saved; it goes out at the time you gave."))
                return redirect("workspace:consultation", slug=consultation.slug)
        except ActionRefused as refused:
            if action == "save":
                refuse_into(form, refused)
            else:
                for message in refused.messages:
                    messages.error(request, message)
    refused = request.method == "POST"
    return render(
        request,
        "workspace/scheduled_announcement.html",
        {"council": consultation.schedule.council, "consultation": consultation, "announcement": announcement,
         "form": form},
        status=400 if refused else 200,
    )  # fmt: skip
