from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def same_page_in(context, language: str) -> str:
    """The address of the current page (same object, same filters) in another language."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


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
