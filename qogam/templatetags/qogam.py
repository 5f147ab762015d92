from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def same_page_in(context, language: str) -> str:
    """The address of the current page (same object, same filters) in another language."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)
