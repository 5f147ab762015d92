"""Workspace pages for proposals: the inbox of a consultation, sorting it into the list, the council's
decisions (in bulk where the reasons are the same), proposals received outside the portal, a proposal with
its history and corrections, and the authors to answer by phone once the position is published."""

from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.actions import acting, back, submit, workspace_view
from common.keyset import keyset_page
from consultations import answers
from consultations.models import Consultation
from consultations.permissions import consultation_or_404
from councils.models import Reception
from councils.permissions import can_act, require_actor

from . import grouping, selectors, services, spam
from .filters import InboxFilter
from .forms import AnsweredForm, CorrectionForm, EntryForm, GroupDecisionForm, SortForm
from .models import SimilarGroup

State = Consultation.State

PAGE_SIZE = 50
GROUPS_PAGE_SIZE = 20  # groups a page of them shows, each with all its proposals


@workspace_view
def inbox(request, slug):
    consultation = consultation_or_404(request, slug)
    council = consultation.schedule.council
    acts = can_act(request.user, council)
    proposals = selectors.inbox_proposals(consultation, with_contacts=acts)
    filters = InboxFilter(request.GET or None, queryset=proposals, consultation=consultation)
    # A page is the proposals after (or before) one of them, never an OFFSET (common.keyset); the place is
    # looked up among all the consultation's proposals, so it holds when the one named has left the filter.
    page = keyset_page(
        filters.qs, request.GET, per_page=PAGE_SIZE, keys=selectors.INBOX_ORDER, anchors=consultation.proposals.all()
    )
    return render(
        request,
        "workspace/inbox.html",
        {
            "council": council,
            "consultation": consultation,
            "filters": filters,
            "page": page,
            "count": filters.qs.count(),
            "can_act": acts,
            "select_page": request.GET.get("select") == "page",
            "sort_form": SortForm(consultation=consultation),
            "by_phone": selectors.to_answer_by_phone(consultation, with_contacts=acts),
            "unmailed": selectors.unmailed(consultation),
            "today": timezone.localdate(),
            "spam": flag_spam(page.object_list, consultation) if acts else [],
            # Until the position is published: when the groups were updated, what waits to be compared.
            "grouping": grouping.status(consultation) if consultation.state in grouping.GROUPING_STATES else None,
            "can_group": acts and consultation.state in grouping.GROUPING_STATES,
        },
    )


def flag_spam(proposals, consultation) -> list[int]:
    """Mark the page's likely spam (`spam_signs`), for the secretary to set aside in one click; only for those who
    act (the signs read the contacts). The pks flagged, for their one-click forms."""
    signs = spam.signs(list(proposals), consultation)
    for proposal in proposals:
        proposal.spam_signs = signs.get(proposal.pk, [])
    return list(signs)


@acting
def mail_answers(request, slug):
    """The secretary mails the answers that recording the position afterwards did not send."""
    consultation = consultation_or_404(request, slug)
    require_actor(request, consultation.schedule.council)
    if consultation.state != State.POSITION_PUBLISHED:
        raise Http404
    sent = answers.answer_authors(consultation, by=request.user)
    messages.success(
        request,
        ngettext("%(count)s answer is on its way.", "%(count)s answers are on their way.", sent) % {"count": sent},
    )
    return redirect("workspace:inbox", slug=consultation.slug)


def _proposal_or_404(consultation, reference: str, acts: bool):
    proposals = consultation.proposals.select_related("question", "duplicate_of", "reception__member")
    if not acts:
        proposals = proposals.defer("contact")
    return get_object_or_404(proposals, reference=reference)


@workspace_view
def proposal_page(request, slug, reference):
    """A proposal as the council sees it, with its history; the secretary or chair corrects its language
    and its question here until the position is published."""
    consultation = consultation_or_404(request, slug)
    council = consultation.schedule.council
    acts = can_act(request.user, council)
    proposal = _proposal_or_404(consultation, reference, acts)
    form = None
    if request.method == "POST":
        require_actor(request, council)
        form = CorrectionForm(request.POST, consultation=consultation)
        corrected = submit(
            request,
            form,
            lambda data: services.correct_proposal(
                proposal, by=request.user, language=data["language"], question=data["question"]
            ),
            success=lambda changed: (
                _("Proposal %(reference)s is corrected.") % {"reference": reference}
                if changed
                else (messages.INFO, _("Nothing was changed."))
            ),
            redirect_to=reverse("workspace:proposal", kwargs={"slug": consultation.slug, "reference": reference}),
        )
        if corrected:
            return corrected
    elif acts and consultation.state not in (State.POSITION_PUBLISHED, State.CANCELLED):
        form = CorrectionForm(
            initial={"language": proposal.language, "question": proposal.question_id}, consultation=consultation
        )
    by_phone = (
        consultation.state == State.POSITION_PUBLISHED
        and answers.to_answer_by_phone(consultation).filter(pk=proposal.pk).exists()
    )
    return render(
        request,
        "workspace/proposal.html",
        {
            "council": council,
            "consultation": consultation,
            "proposal": proposal,
            "events": proposal.events.select_related("by").order_by("at", "id"),
            "can_act": acts,
            "form": form,
            "by_phone": by_phone,
            "today": timezone.localdate(),
        },
    )


@acting
def mark_answered(request, slug, reference):
    """One click: the author who gave only a phone number was answered (today, or on the day given)."""
    consultation = consultation_or_404(request, slug)
    require_actor(request, consultation.schedule.council)
    proposal = _proposal_or_404(consultation, reference, True)
    form = AnsweredForm(request.POST)
    default = reverse("workspace:proposal", kwargs={"slug": consultation.slug, "reference": reference})
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back(request, default))
    if services.mark_answered(proposal, by=request.user, answered_on=form.cleaned_data["answered_on"]):
        messages.success(request, _("The answer to %(reference)s is recorded.") % {"reference": reference})
    else:
        messages.info(request, _("The answer to %(reference)s was already recorded.") % {"reference": reference})
    return redirect(back(request, default))


@acting
def sort(request, slug):
    consultation = consultation_or_404(request, slug)
    require_actor(request, consultation.schedule.council)
    form = SortForm(request.POST, consultation=consultation)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back(request, reverse("workspace:inbox", kwargs={"slug": consultation.slug})))
    data = form.cleaned_data
    chosen = list(data["proposals"])
    if data["action"] == "list":
        count = services.include_in_list(chosen, by=request.user)
    elif data["action"] == "set_aside":
        count = services.set_aside(
            chosen, by=request.user, reason=data["reason"], note=data["note"], duplicate_of=data.get("original")
        )
    else:
        count = services.decide(
            chosen,
            by=request.user,
            decision=data["decision"],
            reasons_kk=data["reasons_kk"],
            reasons_ru=data["reasons_ru"],
        )
    messages.success(
        request, ngettext("%(count)s proposal updated.", "%(count)s proposals updated.", count) % {"count": count}
    )
    return redirect(back(request, reverse("workspace:inbox", kwargs={"slug": consultation.slug})))


@workspace_view
def enter(request, slug):
    consultation = consultation_or_404(request, slug)
    council = consultation.schedule.council
    require_actor(request, council)
    receptions = Reception.objects.filter(member__council=council).select_related("member").order_by("-starts_at")
    form = EntryForm(request.POST or None, consultation=consultation, receptions=receptions)
    return submit(
        request,
        form,
        lambda data: services.enter_proposal(
            consultation,
            by=request.user,
            channel=data["channel"],
            language=data["language"],
            text=data["text"],
            author_name=data["author_name"],
            author_kind=data["author_kind"],
            organisation=data["organisation"] if data["author_kind"] != "citizen" else "",
            hide_name=data["hide_name"],
            wants_answer=data["wants_answer"],
            contact=data["contact"],
            question=data["question"],
            reception=data["reception"],
            received_at=data["received_at"],
        ),
        success=lambda proposal: _("Proposal %(reference)s is entered.") % {"reference": proposal.reference},
        redirect_to=reverse("workspace:inbox", kwargs={"slug": consultation.slug}),
    ) or render(request, "workspace/entry.html", {"council": council, "consultation": consultation, "form": form})


# ---------------------------------------------------------------------------------------------------------
# Similar proposals (proposals/grouping.py)


def _groups_url(consultation) -> str:
    return reverse("workspace:proposal_groups", kwargs={"slug": consultation.slug})


@workspace_view
def groups(request, slug):
    """The consultation's groups of similar proposals, largest first, each with its representative, its key words
    in Kazakh and Russian and its proposals with their score; for the secretary and chair, an action per group."""
    return _groups_page(request, consultation_or_404(request, slug), request.GET.get("page"))


def _groups_page(request, consultation, page_number, *, bound: tuple[int, GroupDecisionForm] | None = None):
    """The groups page; `bound`: a group's decision form sent with errors, shown with what was typed."""
    council = consultation.schedule.council
    acts = can_act(request.user, council)
    page = Paginator(grouping.groups_of(consultation), GROUPS_PAGE_SIZE).get_page(page_number)
    found = grouping.with_members(page.object_list)
    deciding = acts and consultation.state in (State.PROPOSALS_COMPILED, State.RECOMMENDATION_DRAFTED)
    for group in found if deciding else []:
        if bound and bound[0] == group.number:
            group.decision_form = bound[1]
        else:
            group.decision_form = GroupDecisionForm(prefix=f"g{group.number}")  # ids of its own on the page
    return render(
        request,
        "workspace/proposal_groups.html",
        {
            "council": council,
            "consultation": consultation,
            "groups": found,
            "page": page,
            # Where each form comes back to: this page of groups (also when it is shown again by a post).
            "back_to": _groups_url(consultation) + (f"?page={page.number}" if page.number > 1 else ""),
            "grouping": grouping.status(consultation),
            "can_act": acts,
            "can_group": acts and consultation.state in grouping.GROUPING_STATES,
            "sorting": acts and consultation.state == State.HELD,
            "deciding": deciding,
        },
        status=400 if bound else 200,
    )


def _included(count: int) -> str:
    return ngettext(
        "Group %(number)s: %(count)s proposal included in the list.",
        "Group %(number)s: %(count)s proposals included in the list.",
        count,
    )


@acting
def find_similar(request, slug):
    """The secretary's button: place the proposals not compared yet in the groups, now."""
    consultation = consultation_or_404(request, slug)
    require_actor(request, consultation.schedule.council)
    update, queued = grouping.find_similar(consultation, by=request.user)
    if update.compared:
        compared = ngettext(
            "%(count)s proposal compared with the others.",
            "%(count)s proposals compared with the others.",
            update.compared,
        ) % {"count": update.compared}
        joined = ngettext("%(count)s joined a group.", "%(count)s joined groups.", update.joined)
        messages.success(request, f"{compared} {joined % {'count': update.joined}}")
    else:
        messages.info(request, _("No proposal was waiting to be compared."))
    if queued:
        messages.info(
            request,
            ngettext(
                "%(count)s proposal is still being read by the model: it joins its group in a few minutes.",
                "%(count)s proposals are still being read by the model: they join their groups in a few minutes.",
                queued,
            )
            % {"count": queued},
        )
    return redirect(back(request, _groups_url(consultation)))


def _group_or_404(consultation, number: int) -> SimilarGroup:
    return get_object_or_404(consultation.similar_groups.select_related("leader"), number=number)


@acting
def group_action(request, slug, number):
    """One action on a whole group, the secretary's or chair's: include it, keep its representative and set the
    others aside as duplicates, decide it, or split it."""
    consultation = consultation_or_404(request, slug)
    require_actor(request, consultation.schedule.council)
    group = _group_or_404(consultation, number)
    action = request.POST.get("action")
    done = {"number": group.number}
    if action == "include":
        count = grouping.include_group(group, by=request.user)
        said = _included(count)
    elif action == "duplicates":
        included, count = grouping.set_aside_duplicates(group, by=request.user)
        said = ngettext(
            "Group %(number)s: its representative is in the list, %(count)s proposal set aside as its duplicate.",
            "Group %(number)s: its representative is in the list, %(count)s proposals set aside as its duplicates.",
            count,
        )
        if not count:  # the others were set aside already: only the representative was left to include, if that
            count, said = included, _included(included)
    elif action == "decide":
        form = GroupDecisionForm(request.POST, prefix=f"g{group.number}")
        if not form.is_valid():
            # The groups page again, the group's form with its errors and what was typed (its reasons kept).
            messages.error(request, _("Group %(number)s: correct the decision below.") % {"number": group.number})
            back_to = urlsplit(request.POST.get("next", ""))
            return _groups_page(
                request, consultation, parse_qs(back_to.query).get("page", [None])[0], bound=(group.number, form)
            )
        count = grouping.decide_group(group, by=request.user, **form.cleaned_data)
        said = ngettext(
            "Group %(number)s: the decision is recorded for %(count)s proposal.",
            "Group %(number)s: the decision is recorded for %(count)s proposals.",
            count,
        )
    elif action == "split":
        count = grouping.split_group(group, by=request.user)
        said = ngettext(
            "Group %(number)s is split: %(count)s proposal is kept apart from it.",
            "Group %(number)s is split: %(count)s proposals are kept apart from it.",
            count,
        )
    else:
        messages.error(request, _("Choose what to do with the group."))
        return redirect(back(request, _groups_url(consultation)))
    if count:
        messages.success(request, said % (done | {"count": count}))
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect(back(request, _groups_url(consultation)))


@acting
def take_out_of_group(request, slug, number, reference):
    """A proposal that does not belong is taken out of its group, and kept apart from groups from then on."""
    consultation = consultation_or_404(request, slug)
    require_actor(request, consultation.schedule.council)
    group = _group_or_404(consultation, number)
    proposal = get_object_or_404(consultation.proposals.only("pk", "reference"), reference=reference)
    if grouping.take_out(group, proposal, by=request.user):
        messages.success(
            request,
            _("%(reference)s is taken out of group %(number)s.") % {"reference": reference, "number": group.number},
        )
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect(back(request, _groups_url(consultation)))
