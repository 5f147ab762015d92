"""Switching language in the middle of a form keeps what was typed, without JavaScript.

On a page with a form, the language switch is a button of that form (`form="…"`, templates/includes/
language_switch.html) whose `formaction` is the same page in the other language: the browser sends what
was typed there, with the marker `SWITCH` in it. This middleware, after the CSRF check, turns such a request
into the page's GET: no view ever sees it as a submission, so nothing is validated, saved, mailed, counted
against a rate limit or consumed. What was typed is kept for the request, and every form the page renders
unbound shows it (`KeptBoundField`, the portal's form renderer's bound field) — the consent and the other
checkboxes as they were ticked. Files are not kept (the switch does not even send them).
"""

from __future__ import annotations

from contextvars import ContextVar

from django.forms import BoundField
from django.forms.formsets import ManagementForm
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

SWITCH = "switch_language"

_kept: ContextVar[QueryDict | None] = ContextVar("kept_input", default=None)


def kept_input() -> QueryDict | None:
    """What was typed into the page's form before the language was switched (None on any other request)."""
    return _kept.get()


class LanguageSwitchMiddleware:
    """Placed after CsrfViewMiddleware: a switch is a POST like any other until its CSRF token is checked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _kept.set(None)
        try:
            return self.get_response(request)
        finally:
            _kept.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and SWITCH in request.POST:
            typed = request.POST.copy()
            request.POST = QueryDict()
            request.method = request.META["REQUEST_METHOD"] = "GET"
        elif request.method == "GET" and SWITCH in request.GET:
            # A GET form (the proposal lookup): shown with what was typed, not run.
            typed = request.GET.copy()
            request.GET = QueryDict()
        else:
            return None
        request._files = MultiValueDict()  # never kept, even if sent
        for name in (SWITCH, "csrfmiddlewaretoken"):
            typed.pop(name, None)
        typed._mutable = False
        _kept.set(typed)
        return None


class KeptBoundField(BoundField):
    """A field of an unbound form shows what was typed into it before a language switch. Only the form that
    was sent takes the values (one of its fields' names is among them), so that another form of the page
    keeps its own initial values."""

    def value(self):
        typed = kept_input()
        if typed is None or self.form.is_bound or self.field.disabled or not _was_sent(self.form, typed):
            return super().value()
        widget = self.field.widget
        if widget.value_omitted_from_data(typed, {}, self.html_name):
            return super().value()
        data = widget.value_from_datadict(typed, {}, self.html_name)
        return self.field.prepare_value(self.field.bound_data(data, self.initial))


def _was_sent(form, typed: QueryDict) -> bool:
    if isinstance(form, ManagementForm):  # a formset shows as many rows as it would have
        return False
    return any(form.add_prefix(name) in typed for name in form.fields)
