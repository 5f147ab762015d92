"""Workspace pages for proposals: the inbox of a consultation, sorting it into the list, the council's
decisions (in bulk where the reasons are the same), and proposals received outside the portal."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from councils.errors import ActionRefused
from councils.models import Reception
from councils.permissions import can_act
from qogam.workspace import acting, back, consultation_or_404, refuse_into, require_actor, workspace_view

from . import services
from .filters import InboxFilter
from .forms import EntryForm, SortForm

PAGE_SIZE = 50


@workspace_view
def inbox(request, slug):
    consultation = consultation_or_404(request, slug)
    council = consultation.schedule.council
    acts = can_act(request.user, council)
    proposals = consultation.proposals.select_related("question", "duplicate_of").order_by("submitted_at", "id")
    if not acts:
        proposals = proposals.defer("contact")  # members read the inbox; contacts are the secretary's and chair's
    filters = InboxFilter(request.GET or None, queryset=proposals, consultation=consultation)
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workspace/inbox.html",
        {
            "council": council,
            "consultation": consultation,
            "filters": filters,
            "page": page,
            "can_act": acts,
            "sort_form": SortForm(consultation=consultation),
        },
    )


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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.enter_proposal(
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
            )
        except ActionRefused as refused:
            refuse_into(form, refused)
        else:
            messages.success(request, _("Proposal %(reference)s is entered.") % {"reference": proposal.reference})
            return redirect("workspace:inbox", slug=consultation.slug)
    return render(request, "workspace/entry.html", {"council": council, "consultation": consultation, "form": form})
