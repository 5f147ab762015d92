"""The secretaries' workspace: signing in, the dashboard, and the one rule of access for all its pages.

Every workspace page finds its objects among the councils the user belongs to (`council_or_404`,
`consultation_or_404`), so another council's object is simply not found. Acting — every POST — also needs
the secretary's, chair's or deputy chair's role (`require_actor`); members read and are refused.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from consultations import selectors, workflow
from consultations.models import CompliancePolicy, Consultation, QuarterlySchedule, quarter_of
from councils import ordering
from councils.errors import ActionRefused
from councils.models import Council
from councils.permissions import can_act

from . import signin
from .password_reset import PasswordResetForm

# ---------------------------------------------------------------------------------------------------------
# Access


def workspace_view(view):
    """A workspace page: signed-in users only; acting on a POST is checked where the council is known."""
    return login_required(view)


def council_or_404(request, slug: str) -> Council:
    return get_object_or_404(Council.objects.readable_by(request.user).select_related("region"), slug=slug)


def consultation_or_404(request, slug: str) -> Consultation:
    return get_object_or_404(
        Consultation.objects.filter(schedule__council__in=Council.objects.readable_by(request.user)).select_related(
            "schedule__council"
        ),
        slug=slug,
    )


def require_actor(request, council: Council) -> None:
    if not can_act(request.user, council):
        raise PermissionDenied(_("Only the council's secretary or chair may do this."))


def back(request, default: str) -> str:
    """Where to return after an action: the form's (or the address's) `next`, or the referring page, if on
    this site."""
    for candidate in (request.POST.get("next"), request.GET.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return default


def acting(view):
    """A POST-only view that changes a council's data. It reports the service's refusal back to the page
    it came from, in the user's language, and changes nothing."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ActionRefused as refused:
            for message in refused.messages:
                messages.error(request, message)
            return redirect(back(request, reverse("workspace:dashboard")))

    return workspace_view(require_POST(wrapper))


def refuse_into(form, refused: ActionRefused) -> None:
    """Show a service's refusal at the top of the form, keeping what was typed."""
    form.add_error(None, ValidationError(refused.messages))


# ---------------------------------------------------------------------------------------------------------
# Signing in


# Failed sign-ins pause further tries (qogam/signin.py), here as in the admin, through authenticate().
sign_in = auth_views.LoginView.as_view(template_name="workspace/sign_in.html", redirect_authenticated_user=True)
sign_out = auth_views.LogoutView.as_view()
password_reset = auth_views.PasswordResetView.as_view(
    form_class=PasswordResetForm,  # queued in the outbox, capped: see qogam/password_reset.py
    template_name="workspace/password_reset.html",
    email_template_name="workspace/password_reset_email.txt",
    subject_template_name="workspace/password_reset_subject.txt",
    success_url=reverse_lazy("workspace:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="workspace/password_reset_done.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, with a wrong or expired link counted as a failed sign-in to its account from that address:
    guessing links pauses like guessing passwords. A valid link still works while only the account is paused
    (someone else's guesses must not keep its holder out); setting the password lifts that pause."""

    template_name = "workspace/password_reset_confirm.html"
    success_url = reverse_lazy("workspace:password_reset_complete")

    def dispatch(self, request, *args, **kwargs):
        if signin.is_address_paused(request):
            return signin.paused(request)
        user = self.get_user(kwargs["uidb64"])
        self.account = signin.account_name(request, {"username": user.get_username() if user else kwargs["uidb64"]})
        response = super().dispatch(request, *args, **kwargs)
        # A valid link first redirects (to the form's address, the token kept in the session) unvalidated.
        if not self.validlink and not isinstance(response, HttpResponseRedirect):
            signin.count_failure(request, account=self.account)
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        signin.forget_failures(account=self.account)
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="workspace/password_reset_complete.html"
)


# ---------------------------------------------------------------------------------------------------------
# The dashboard


# The failed deliveries listed on the dashboard, most recent first; the others are counted.
FAILED_DELIVERIES_SHOWN = 20


@workspace_view
def dashboard(request):
    """My councils: this quarter's schedule, consultations by step with what comes next, new proposals; and,
    for the councils the user acts for, the announcements' deliveries that failed, to be retried."""
    year, quarter = quarter_of(timezone.localdate())
    consultations = (
        Consultation.objects.running()
        .annotate(new_proposals=Count("proposals", filter=Q(proposals__moderation="new")))
        .select_related("schedule")
        .prefetch_related("transitions")  # the log dates each step's deadline
        .order_by("schedule__year", "schedule__quarter", "number")
    )
    councils = list(
        ordering.councils(Council.objects.readable_by(request.user)).prefetch_related(
            Prefetch(
                "schedules",
                queryset=QuarterlySchedule.objects.filter(year=year, quarter=quarter),
                to_attr="current_schedules",
            )
        )
    )
    acted_for = set(Council.objects.acted_for_by(request.user).values_list("pk", flat=True))
    by_council: dict[int, list] = {council.pk: [] for council in councils}
    policy = CompliancePolicy.current()
    for consultation in consultations.of_councils(councils):
        by_council[consultation.schedule.council_id].append((consultation, workflow.next_step(consultation, policy)))
    for rows in by_council.values():  # grouped by step, in the order of the steps
        rows.sort(key=lambda row: workflow.SEQUENCE.index(row[0].state))
    rows = [
        {
            "council": council,
            "schedule": council.current_schedules[0] if council.current_schedules else None,
            "consultations": by_council[council.pk],
            "new_proposals": sum(c.new_proposals for c, _step in by_council[council.pk]),
            "overdue": sum(1 for _c, step in by_council[council.pk] if step and step.overdue),
            "can_act": council.pk in acted_for,
        }
        for council in councils
    ]
    failed, failed_total = [], 0
    if acted_for:  # members read but may not retry: they are shown no failures
        deliveries = selectors.failed_deliveries(acted_for)
        failed_total = deliveries.count()
        if failed_total:
            failed = list(deliveries[:FAILED_DELIVERIES_SHOWN])
    context = {
        "rows": rows,
        "year": year,
        "quarter": quarter,
        "failed_deliveries": failed,
        "failed_total": failed_total,
    }
    return render(request, "workspace/dashboard.html", context)
