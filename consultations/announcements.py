"""The announcements the consultation workflow publishes, with their Kazakh and Russian text.

The texts are prepared and published by `publications.announcements` (which also announces meetings); this
module gives each of the workflow's events its subject, context and page.
"""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation

from publications.announcements import portal_path, publish_announcement, write_announcement
from publications.models import Announcement
from publications.services import create_announcement, publish_on_portal

from .models import Consultation, QuarterlySchedule
from .revisions import as_in_revision

Event = Announcement.Event


def consultation_path(consultation: Consultation) -> str:
    """The most specific page about a consultation: its results once the position is published."""
    if consultation.state == Consultation.State.POSITION_PUBLISHED:
        return portal_path("consultations:results", slug=consultation.slug)
    return portal_path("consultations:detail", slug=consultation.slug)


def window_at(consultation: Consultation, at: datetime.datetime | None = None) -> str | None:
    """Where the proposal window stands when the text goes out: "not_yet", "open", "closed" (None: not set).
    From the dates alone: step 3 is written before the intake opens, and a text must not invite proposals
    once the window has passed."""
    at = at or timezone.now()
    opens, closes = consultation.window_opens_at, consultation.window_closes_at
    if opens is None or closes is None:
        return None
    return "not_yet" if at < opens else "open" if at < closes else "closed"


def consultation_context(consultation: Consultation, at: datetime.datetime | None = None) -> dict:
    return {
        "consultation": consultation,
        "council": consultation.schedule.council,
        "questions": list(consultation.questions.all()),
        "window": window_at(consultation, at),
        # The window's dates and times, which a text writes as its language does (DATETIME_FORMAT: a template
        # localizes a datetime it prints so).
        "opens": consultation.window_opens_at,
        "closes": consultation.window_closes_at,
    }


def publish_consultation_announced(
    consultation: Consultation, *, by, at: datetime.datetime, scheduled: Announcement | None = None, **given: str
) -> Announcement:
    if scheduled is not None:  # written earlier, its time has come
        return publish_on_portal(scheduled, at=at)
    return publish_announcement(
        council=consultation.schedule.council,
        event=Event.CONSULTATION_ANNOUNCED,
        subject=consultation,
        context=consultation_context(consultation, at),
        path=portal_path("consultations:detail", slug=consultation.slug),
        by=by,
        at=at,
        given=given,
    )


def schedule_context(schedule: QuarterlySchedule) -> dict:
    """The revision being published, with the changes made for it (the texts are prepared before it is)."""
    consultations = as_in_revision(schedule)
    return {"schedule": schedule, "council": schedule.council, "consultations": consultations}


def publish(
    event: str, subject: Consultation | QuarterlySchedule, *, by, at: datetime.datetime, **given: str
) -> Announcement:
    """Publish on the portal now the announcement of a schedule's publication (`Event.SCHEDULE_PUBLISHED`), or
    of a consultation's results or cancellation (`Event.RESULTS_PUBLISHED`, `Event.CONSULTATION_CANCELLED`),
    dated `at`, with the texts given and the prepared ones for what was left empty."""
    if isinstance(subject, QuarterlySchedule):
        council, context = subject.council, schedule_context(subject)
        path = portal_path("councils:detail", slug=council.slug) + "#schedule-heading"
    else:
        council, context = subject.schedule.council, consultation_context(subject)
        page = "consultations:results" if event == Event.RESULTS_PUBLISHED else "consultations:detail"
        path = portal_path(page, slug=subject.slug)
    return publish_announcement(
        council=council, event=event, subject=subject, context=context, path=path, by=by, at=at, given=given
    )


def schedule_consultation_announced(
    consultation: Consultation, *, by, publish_at: datetime.datetime, **given: str
) -> Announcement:
    """Step 3 written now, to go out at `publish_at` (the beat job then takes the step)."""
    return write_announcement(
        council=consultation.schedule.council,
        event=Event.CONSULTATION_ANNOUNCED,
        subject=consultation,
        context=consultation_context(consultation, publish_at),
        path=portal_path("consultations:detail", slug=consultation.slug),
        by=by,
        given=given,
        publish_at=publish_at,
    )


def write_news(
    consultation: Consultation, *, by, title_kk: str, title_ru: str, text_kk: str, text_ru: str,
    publish_at: datetime.datetime | None = None, submission_token=None,
) -> Announcement:  # fmt: skip
    """Free-form news while a consultation runs (the recommendations ask councils to keep citizens
    informed of what they do with the state bodies): published now, or at `publish_at`."""
    announcement = create_announcement(
        council=consultation.schedule.council,
        event=Event.NEWS_PUBLISHED,
        subject=consultation,
        title_kk=title_kk or title_ru,
        title_ru=title_ru or title_kk,
        text_kk=text_kk or text_ru,
        text_ru=text_ru or text_kk,
        path=consultation_path(consultation),
        publish_at=publish_at,
        by=by,
        submission_token=submission_token,
    )
    if publish_at is None or publish_at <= timezone.now():
        publish_on_portal(announcement)
    return announcement


def withdraw_waiting(consultation: Consultation, *, event: str | None = None) -> int:
    """What waits to go out about the consultation (of one event, or all) never does: it was cancelled, went
    back before step 3, or step 3 was taken meanwhile by hand."""
    waiting = Announcement.objects.waiting().about(consultation)
    if event is not None:
        waiting = waiting.filter(event=event)
    return waiting.delete()[0]


def tell_authors_of_cancellation(consultation: Consultation) -> int:
    """Authors who gave an email are told that the consultation was cancelled (outbox rows, in the
    language each wrote in). The proposals stay with the consultation."""
    from publications.mail import queue_mail

    count = 0
    for reference, contact, language in consultation.proposals.filter(contact__contains="@").values_list(
        "reference", "contact", "language"
    ):
        with translation.override(language):
            text = render_to_string(
                "consultations/mail/cancelled.txt",
                {"consultation": consultation, "council": consultation.schedule.council, "reference": reference},
            ).strip()
        subject, _sep, body = text.partition("\n")
        queue_mail(to=contact, subject=subject.strip(), body=body.strip(), language=language)
        count += 1
    return count
