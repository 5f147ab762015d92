from django import template
from django.conf import settings
from django.template.defaultfilters import date
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation
from django.utils.html import format_html

from common import personal_data
from common.language_switch import SWITCH

register = template.Library()


@register.simple_tag(takes_context=True)
def same_page_in(context, language: str) -> str:
    """The address of the current page (same object, same filters) in another language; the home page in
    that language when the current address is no page of the portal (a 404, say of `//evil.example/`, whose
    own path a browser would read as another site)."""
    request = context["request"]
    try:
        resolve(request.path_info)
    except Resolver404:
        return _home_in(language)
    url = translate_url(request.get_full_path(), language)
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return _home_in(language)
    return url


# Each language's name in itself, for the language switch.
LANGUAGE_NAMES = (("kk", "Қазақша"), ("ru", "Русский"))


@register.simple_tag
def switch_languages():
    """The language switch's entries: (code, name in that language)."""
    return LANGUAGE_NAMES


@register.simple_tag
def switch_marker() -> str:
    return SWITCH


def _home_in(language: str) -> str:
    with translation.override(language):
        return reverse("home")


@register.filter
def lang_of(value, field: str | None = None) -> str:
    """` lang="ru"` (or "kk") where the text shown is in a language other than the page's, for the element
    that shows it (WCAG 3.1.2, language of parts); "" otherwise.

    `object|lang_of:"title"`: a translated field, shown in the page's language or, when that is empty, in
    the other one (modeltranslation's fallback). `proposal|lang_of`: a text with its own `language` (a
    proposal, as its author wrote it)."""
    page = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    if field is None:
        shown = getattr(value, "language", "") or page
    else:
        order = [page, *(code for code, _name in settings.LANGUAGES if code != page)]
        shown = next((code for code in order if getattr(value, f"{field}_{code}", None)), page)
    return format_html(' lang="{}"', shown) if shown != page else ""


@register.filter
def in_language(value, language: str):
    """A {"kk": …, "ru": …} text of a frozen document, in `language`."""
    if isinstance(value, dict):
        return value.get(language) or next((v for v in value.values() if v), "")
    return value


@register.filter
def iso_date(value: str):
    """A date written as YYYY-MM-DD in a frozen document, as a date to format."""
    import datetime

    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@register.filter
def until(first_day, last_day):
    """When something is held, as the `date` filter writes days: its first day, and " — " and its last day when
    that is another (`{{ consultation.starts_on|until:consultation.ends_on }}`)."""
    if last_day and last_day != first_day:
        return f"{date(first_day)} — {date(last_day)}"
    return date(first_day)


@register.filter
def masked(text, language: str | None = None) -> str:
    """A published text with IINs, phone numbers and emails replaced by their marks (common.personal_data), in
    `language` (the page's by default): `{{ proposal.text|masked:proposal.language|linebreaks }}`. Masks the
    raw text and returns it unescaped and not marked safe, for autoescaping or `linebreaks` to escape after."""
    return personal_data.mask(text or "", language or None)
