from django import template
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation

from qogam.language_switch import SWITCH

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
