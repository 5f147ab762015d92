"""How a signed-in page takes an action: signed-in users only, POST for a change, a service's refusal shown
in the user's language with nothing changed, and the way back to the page the action came from.

Which council's data a user may read or act on is not decided here but by the apps that own it
(`councils.permissions`, `consultations.permissions`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.formsets import BaseFormSet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .errors import ActionRefused

T = TypeVar("T")


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


def submit(
    request: HttpRequest,
    form,
    act: Callable[[dict], T],
    *,
    success: str | Callable[[T], str | tuple[int, str]],
    redirect_to: str | Callable[[T], str],
    ready: bool = True,
) -> HttpResponseRedirect | None:
    """Take the action a page's form asks for, the one way the workspace's pages do.

    On a POST whose form is valid (and `ready`: what else the page checks, its formsets), `act` is called
    with the form's cleaned data and calls the service. Done: `success` is said and the response goes to
    `redirect_to` — each given as it is, or as a function of what `act` returned; the message is a success,
    or `(level, text)` for another level. Refused: the service's messages go to the top of the form
    (`refuse_into`; for a formset, to the page's messages), nothing has changed, and None is returned, as on
    a GET or an invalid form: the view shows the form again, with the status it gives a form with errors.

        form = PositionForm(request.POST or None)
        return submit(
            request, form, lambda data: services.save_position(consultation, by=request.user, **data),
            success=_("The position is saved."), redirect_to=consultation_url,
        ) or render(request, "workspace/position.html", {"form": form})
    """
    if request.method != "POST" or not (ready and form.is_valid()):
        return None
    try:
        result = act(form.cleaned_data)
    except ActionRefused as refused:
        if isinstance(form, BaseFormSet):  # a list of rows has no top of its own: the page's messages say it
            for message in refused.messages:
                messages.error(request, message)
        else:
            refuse_into(form, refused)
        return None
    said = success(result) if callable(success) else success
    level, text = said if isinstance(said, tuple) else (messages.SUCCESS, said)
    messages.add_message(request, level, text)
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
