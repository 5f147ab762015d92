"""The workspace's own pages: signing in, resetting a password, and the dashboard of the user's councils.

Each app's workspace pages live in that app (`<app>/workspace.py`); `workspace/urls.py` gathers them under
/<lang>/workspace/. Access is decided by the apps that own the data (`councils.permissions`,
`consultations.permissions`) and actions are taken through `common.actions`.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone

from common.actions import workspace_view
from common.quarters import quarter_of

from . import selectors, signin
from .password_reset import PasswordResetForm

# ---------------------------------------------------------------------------------------------------------
# Signing in


# Failed sign-ins pause further tries (workspace/signin.py), here as in the admin, through authenticate().
sign_in = auth_views.LoginView.as_view(template_name="workspace/sign_in.html", redirect_authenticated_user=True)
sign_out = auth_views.LogoutView.as_view()
password_reset = auth_views.PasswordResetView.as_view(
    form_class=PasswordResetForm,  # queued in the outbox, capped: see workspace/password_reset.py
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
    today = timezone.localdate()
    year, quarter = quarter_of(today)
    rows = selectors.dashboard_rows(request.user, today)
    # Members read but may not retry: they are shown no failures.
    acted_for = [row["council"].pk for row in rows if row["can_act"]]
    failed, failed_total = selectors.dashboard_failures(acted_for, shown=FAILED_DELIVERIES_SHOWN)
    context = {
        "rows": rows,
        "year": year,
        "quarter": quarter,
        "failed_deliveries": failed,
        "failed_total": failed_total,
    }
    return render(request, "workspace/dashboard.html", context)
