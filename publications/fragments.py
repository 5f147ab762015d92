"""Parts of public pages about publications, rendered once per version of public content (common.page_cache):
they show published announcements and their recorded deliveries alone, no clock, and every write of them bumps
the version."""

from django.template.loader import render_to_string

from common import page_cache

from .selectors import recorded_publications


def also_published(request, subject, *, event: str) -> str:
    """ "Also published in …": the publications outside the portal recorded for the subject's announcements of
    `event` (templates/includes/also_published.html)."""
    return page_cache.remember(
        f"also-published:{subject._meta.label}:{subject.pk}:{event}",
        lambda: render_to_string(
            "includes/also_published.html",
            {"publications": recorded_publications(subject, event=event)},
            request,
        ),
    )
