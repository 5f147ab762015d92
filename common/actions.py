"""How a signed-in page takes an action: signed-in users only, POST for a change, a service's refusal shown
in the user's language with nothing changed, and the way back to the page the action came from.

Which council's data a user may read or act on is not decided here but by the apps that own it
(`councils.permissions`, `consultations.permissions`).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .errors import ActionRefused


def workspace_view(view):
    """A workspace page: signed-in users only; acting on a POST is checked where the council is known."""
    return login_required(view)


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
