"""The iCalendar of scheduled consultations, the councils' public meetings and their members' personal receptions
of citizens, overall and per council."""

import datetime

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from common.page_cache import cached_page
from councils.models import Council, Meeting, Reception
from councils.selectors import upcoming_receptions

from . import selectors
from .models import Consultation

HORIZON = datetime.timedelta(days=365)


@cached_page
def calendar(request, slug=None):
    council = get_object_or_404(Council.objects.active(), slug=slug) if slug else None
    since = timezone.localdate() - HORIZON
    consultations = selectors.public_consultations().filter(starts_on__gte=since)
    meetings = Meeting.objects.filter(date__gte=timezone.localdate(), council__is_active=True).select_related("council")
    receptions = upcoming_receptions(council)
    if council is not None:
        consultations = consultations.filter(schedule__council=council)
        meetings = meetings.filter(council=council)

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Qogam//qogam.kz//")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", council.name if council else _("Public consultations"))
    for consultation in consultations.order_by("starts_on", "id")[:2000]:
        cal.add_component(_consultation_event(consultation))
    for meeting in meetings.order_by("date")[:500]:
        cal.add_component(_meeting_event(meeting))
    for reception in receptions[:1000]:
        cal.add_component(_reception_event(reception))
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="qogam.ics"'
    return response


def _consultation_event(consultation: Consultation) -> icalendar.Event:
    url = settings.SITE_URL + reverse("consultations:detail", kwargs={"slug": consultation.slug})
    event = icalendar.Event()
    event.add("uid", f"{consultation.slug}@qogam")
    event.add("dtstamp", consultation.updated_at)
    event.add("dtstart", consultation.starts_on)
    event.add("dtend", (consultation.ends_on or consultation.starts_on) + datetime.timedelta(days=1))
    event.add("summary", consultation.title)
    occasion = capfirst(consultation.get_occasion_display())
    event.add("description", f"{consultation.schedule.council.name}\n{occasion}\n{url}")
    event.add("url", url)
    location = consultation.venue or consultation.link
    if location:
        event.add("location", location)
    event.add("status", "CANCELLED" if consultation.state == Consultation.State.CANCELLED else "CONFIRMED")
    return event


def _meeting_event(meeting: Meeting) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.pk}@qogam")
    event.add("dtstamp", meeting.updated_at)
    if meeting.start_time:
        start = timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.start_time))
        event.add("dtstart", start)
        event.add("dtend", start + datetime.timedelta(hours=2))
    else:
        event.add("dtstart", meeting.date)
    event.add("summary", _("Meeting of %(council)s") % {"council": meeting.council.name})
    event.add("description", meeting.agenda)
    event.add("url", settings.SITE_URL + reverse("meeting", kwargs={"pk": meeting.pk}))
    if meeting.place or meeting.link:
        event.add("location", meeting.place or meeting.link)
    return event


def _reception_event(reception: Reception) -> icalendar.Event:
    """A member's personal reception of citizens: when, where (or the link), who receives, on what."""
    council = reception.member.council
    url = settings.SITE_URL + reverse("councils:detail", kwargs={"slug": council.slug}) + "#receptions-heading"
    event = icalendar.Event()
    event.add("uid", f"reception-{reception.pk}@qogam")
    event.add("dtstamp", reception.created_at)
    event.add("dtstart", reception.starts_at)
    # Without an end a calendar draws a line, not a block: an hour, as for a meeting's two.
    event.add("dtend", reception.ends_at or reception.starts_at + datetime.timedelta(hours=1))
    event.add("summary", _("Personal reception of citizens: %(member)s") % {"member": reception.member.full_name})
    lines = [council.name, reception.member.full_name, reception.topic, reception.link, url]
    event.add("description", "\n".join(line for line in lines if line))
    event.add("url", url)
    if reception.place or reception.link:
        event.add("location", reception.place or reception.link)
    return event
