"""The citizen's side of proposals: the form, its confirmation, and a proposal's status by its reference.

Once a proposal is stored nothing else may fail its page: the confirmation page is shown to the browser that
sent the proposal, which the answer itself names in a signed cookie (no session, no write after the commit).
"""

import logging
import uuid

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common import page_cache, ratelimit
from common.errors import ActionRefused
from common.language_switch import kept_input
from consultations import selectors as consultation_selectors
from consultations.models import Consultation

from . import services
from .forms import TEXT_LIMIT, LookupForm, ProposalForm
from .models import ConsentText, Proposal

logger = logging.getLogger(__name__)


def propose(request, slug):
    # The form, and a post that is stored, need only the consultation, its council and its questions (the
    # budget of tests/proposals/test_submission_budget.py); a closed intake's page loads what the
    # consultation's page shows, to say why.
    try:
        # Read once per version of public content: whether the window is open is the clock's (and a post is
        # stored only if the database, locking the consultation, finds it open: services.submit_proposal).
        consultation = page_cache.remember(
            f"consultation-to-propose:{slug}", lambda: consultation_selectors.consultation_to_propose(slug)
        )
    except Consultation.DoesNotExist:
        raise Http404 from None
    consent = ConsentText.current_cached()
    context = {"consultation": consultation, "council": consultation.schedule.council, "consent": consent}
    if consultation.intake() != "open" or consent is None:
        consultation = consultation_selectors.consultation_page(slug)
        context["consultation"] = consultation
        intake = consultation_selectors.intake_of(consultation)
        unavailable = intake.state == "open" and consent is None
        if unavailable:
            logger.error("No consent text is in force: the proposal form cannot be shown")
        if intake.state != "open" or unavailable:
            # A proposal sent as the window closed (the form open since before): said not received, and its text
            # given back to keep, not lost.
            not_received = request.POST.get("text", "").strip() if request.method == "POST" else ""
            return render(
                request,
                "proposals/closed.html",
                context | {"intake": intake, "unavailable": unavailable, "not_received": not_received},
            )

    if request.method == "POST":
        form = ProposalForm(request.POST, consultation=consultation)
        if form.is_robot:
            return render(request, "proposals/refused.html", context, status=400)
        if not ratelimit.proposal_allowed(request):
            return render(request, "proposals/too_many.html", context, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal, _created = services.submit_proposal(
                    consultation,
                    token=data["token"],
                    language=get_language(),
                    text=data["text"],
                    author_name=data["author_name"],
                    author_kind=data["author_kind"],
                    organisation=data["organisation"].strip() if data["author_kind"] != "citizen" else "",
                    hide_name=data["hide_name"],
                    wants_answer=data["wants_answer"],
                    contact=data["contact"],
                    question=data.get("question"),
                    consent_text=consent,
                )
            except ActionRefused as refused:
                form.add_error(None, refused.messages)
            else:
                # Only this browser sees the confirmation page: it says whether a mail went to them.
                response = redirect("proposals:submitted", reference=proposal.reference)
                remember_submitted(request, response, proposal.reference)
                return response
    else:
        form = ProposalForm(initial={"token": uuid.uuid4()}, consultation=consultation)
    context |= {"form": form, "text_limit": TEXT_LIMIT}
    if not form.is_bound and kept_input() is None:
        # The empty form's fields are the same for every visitor (the token and the CSRF token are outside
        # them): rendered once per consultation, language and version of public content.
        context["kept_fields"] = page_cache.remember(
            f"proposal-form-fields:{consultation.pk}",
            lambda: render_to_string("proposals/_form_fields.html", context),
        )
    return render(request, "proposals/propose.html", context)


SUBMITTED_COOKIE = "qogam_submitted"
SUBMITTED_SALT = "proposals.submitted"
SUBMITTED_KEPT = 10  # the references a browser remembers, the latest last


def submitted_by_browser(request) -> list[str]:
    """The references of the proposals this browser sent lately, as its signed cookie names them."""
    try:
        value = request.get_signed_cookie(
            SUBMITTED_COOKIE, default="", salt=SUBMITTED_SALT, max_age=settings.SUBMITTED_COOKIE_AGE
        )
    except signing.BadSignature:
        return []
    return [reference for reference in value.split(",") if reference]


def remember_submitted(request, response, reference: str) -> None:
    references = [*submitted_by_browser(request), reference][-SUBMITTED_KEPT:]
    response.set_signed_cookie(
        SUBMITTED_COOKIE,
        ",".join(references),
        salt=SUBMITTED_SALT,
        max_age=settings.SUBMITTED_COOKIE_AGE,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _public_proposals():
    return Proposal.objects.filter(consultation__in=Consultation.objects.public())


def _public_proposal(reference: str) -> Proposal:
    proposal = _public_proposals().select_related("consultation__schedule__council").filter(reference=reference).first()
    if proposal is None:
        raise Http404
    return proposal


def submitted(request, reference):
    if reference not in submitted_by_browser(request):
        return redirect("proposals:status", reference=reference)
    proposal = _public_proposal(reference)
    return render(
        request,
        "proposals/submitted.html",
        {"proposal": proposal, "consultation": proposal.consultation, "mailed": "@" in proposal.contact},
    )


def lookup(request):
    """Find a proposal by the reference number its author kept; limited per client like the form, so that
    numbers cannot be walked through."""
    form = LookupForm(request.GET or None)
    if form.is_valid():
        if not ratelimit.proposal_allowed(request):
            form.add_error(None, _("Too many look-ups from your connection. Wait a few minutes and try again."))
        elif _public_proposals().filter(reference=form.cleaned_data["reference"]).exists():
            return redirect("proposals:status", reference=form.cleaned_data["reference"])
        else:
            form.add_error(
                "reference",
                _("No proposal has the number %(reference)s. Check it against the confirmation you received.")
                % {"reference": form.cleaned_data["reference"]},
            )
    return render(request, "proposals/lookup.html", {"form": form})


def status(request, reference):
    proposal = _public_proposal(reference)
    published = proposal.consultation.state == Consultation.State.POSITION_PUBLISHED
    return render(
        request,
        "proposals/status.html",
        {
            "proposal": proposal,
            "consultation": proposal.consultation,
            "results_published": published,
            "show_text": published and proposal.moderation == Proposal.Moderation.LISTED,
            "now": timezone.now(),
        },
    )
