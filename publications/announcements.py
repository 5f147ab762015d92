"""Announcements with their Kazakh and Russian text, prepared from templates: written, published on the
portal, and the announcement of a council meeting.

Each text is rendered once per language from the event's template, `templates/publications/announcements/
<event>.txt` ("consultation.announced" → consultation_announced.txt); the secretary may give their own title
or text instead. Publishing on the portal happens in the caller's
transaction (see `publications.services.publish_on_portal`).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import page_cache
from common.errors import ActionRefused
from councils.models import Meeting

from .models import Announcement
from .services import create_announcement, publish_on_portal

Event = Announcement.Event
LANGUAGES = ("kk", "ru")


def portal_path(view_name: str, **kwargs) -> str:
    """The path of a public page without its language prefix ("/consultations/<slug>/")."""
    with translation.override("kk"):
        return reverse(view_name, kwargs=kwargs).removeprefix("/kk")


def render_texts(event: str, context: dict) -> dict[str, tuple[str, str]]:
    """{"kk": (title, text), "ru": (title, text)}; the template's first line is the title."""
    template = f"publications/announcements/{event.replace('.', '_')}.txt"
    texts = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            rendered = render_to_string(template, {**context, "language": lang}).strip()
        title, _, text = rendered.partition("\n")
        texts[lang] = (title.strip(), text.strip())
    return texts


def initial_texts(event: str, context: dict) -> dict[str, str]:
    """The texts as a form's initial values (title_kk, title_ru, text_kk, text_ru), for the secretary to edit."""
    texts = render_texts(event, context)
    return {f"{field}_{lang}": texts[lang][i] for lang in LANGUAGES for i, field in enumerate(("title", "text"))}


def write_announcement(
    *, council, event: str, subject, context: dict, path: str, by, given: dict[str, str],
    publish_at: datetime.datetime | None = None,
) -> Announcement:  # fmt: skip
    """The announcement, with the texts the secretary gave and the prepared ones for what they left empty."""
    texts = initial_texts(event, context)
    texts.update({name: given[name] for name in texts if given.get(name)})
    return create_announcement(
        council=council, event=event, subject=subject, path=path, publish_at=publish_at, by=by, **texts
    )


def publish_announcement(
    *, council, event: str, subject, context: dict, path: str, by, at: datetime.datetime,
    given: dict[str, str] | None = None,
) -> Announcement:  # fmt: skip
    announcement = write_announcement(
        council=council, event=event, subject=subject, context=context, path=path, by=by, given=given or {}
    )
    return publish_on_portal(announcement, at=at)


def meeting_context(meeting) -> dict:
    return {"meeting": meeting, "council": meeting.council}


def publish_meeting(meeting, *, by, **given: str) -> Announcement:
    """A council meeting is open to the public (Law "On Public Councils", art. 13 p. 3): announced with its
    agenda, which counts as the agenda's publication. Once: a second request is refused."""
    at = timezone.now()
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().select_related("council").get(pk=meeting.pk)
        if locked.agenda_published_at is not None:
            raise ActionRefused(_("The meeting is already announced."))
        if locked.date < timezone.localdate():
            raise ActionRefused(_("Only a meeting still to come is announced."))
        announcement = publish_announcement(
            council=locked.council,
            event=Event.MEETING_ANNOUNCED,
            subject=locked,
            context=meeting_context(locked),
            path=portal_path("meeting", pk=locked.pk),
            by=by,
            at=at,
            given=given,
        )
        Meeting.objects.filter(pk=locked.pk).update(agenda_published_at=at)
        page_cache.bump(locked)  # an UPDATE sends no signal
    return announcement
