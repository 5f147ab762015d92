"""Workspace pages for publications: a meeting's announcement, sending a failed delivery again, and
publications outside the portal — the secretary or chair records that a published announcement (the
schedule, step 3, the results) also appeared in a newspaper, on a news site or in a social network, and
corrects or removes the record; every change is logged.

The recorded publications' forms are shown beside each announcement on the schedule's and the consultation's
pages (`templates/workspace/_recorded_publications.html`); these views take their posts and return to that
page.
A form with something to correct comes back on a page of its own, with what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.actions import acting, back, submit, workspace_view
from councils.models import Council, Meeting
from councils.permissions import council_or_404, require_actor

from . import announcements, services
from .delivery import retry
from .forms import AnnouncementTextForm, RecordedPublicationForm
from .models import Announcement, Delivery
from .views import scan_response


def _announcement_or_404(request, pk: int) -> Announcement:
    """A published announcement of the user's councils that takes recorded publications."""
    return get_object_or_404(
        Announcement.objects.published()
        .filter(council__in=Council.objects.readable_by(request.user), event__in=Announcement.RECORDABLE_EVENTS)
        .select_related("council"),
        pk=pk,
    )


def _record_or_404(request, pk: int) -> Delivery:
    return get_object_or_404(
        Delivery.objects.filter(
            channel=Delivery.Channel.RECORDED, announcement__council__in=Council.objects.readable_by(request.user)
        ).select_related("announcement__council", "recorded_by"),
        pk=pk,
    )


def _return_to(request) -> str:
    """The workspace page the form came from, to go back to after saving."""
    return back(request, reverse("workspace:dashboard"))


def _fields(data: dict) -> dict:
    return {
        "outlet_kind": data["outlet_kind"],
        "outlet": data["outlet"],
        "link": data["link"],
        "published_on": data["published_on"],
        "scan": data["scan"],
    }


@workspace_view
def record_publication(request, pk):
    """Record a publication of the announcement outside the portal."""
    announcement = _announcement_or_404(request, pk)
    require_actor(request, announcement.council)
    form = RecordedPublicationForm(request.POST or None, request.FILES or None)
    return submit(
        request,
        form,
        lambda data: services.record_publication(announcement, by=request.user, **_fields(data)),
        success=_("The publication is recorded: it counts as published outside the portal."),
        redirect_to=_return_to(request),
    ) or render(
        request,
        "workspace/recorded_publication.html",
        {"council": announcement.council, "announcement": announcement, "form": form, "next": _return_to(request)},
        status=400 if request.method == "POST" else 200,
    )


@workspace_view
def recorded_publication(request, pk):
    """Change a recorded publication (or, from here, remove it); its log is shown beside."""
    publication = _record_or_404(request, pk)
    announcement = publication.announcement
    require_actor(request, announcement.council)
    initial = {
        "outlet_kind": publication.outlet_kind,
        "outlet": publication.outlet,
        "link": publication.target,
        "published_on": timezone.localdate(publication.sent_at),
    }
    form = RecordedPublicationForm(
        request.POST or None, request.FILES or None, initial=initial, editing=bool(publication.scan)
    )
    return submit(
        request,
        form,
        lambda data: services.change_recorded_publication(
            publication, by=request.user, remove_scan=data.get("remove_scan", False), **_fields(data)
        ),
        success=_("The recorded publication is changed; the log keeps what it was."),
        redirect_to=_return_to(request),
    ) or render(
        request,
        "workspace/recorded_publication.html",
        {
            "council": announcement.council,
            "announcement": announcement,
            "publication": publication,
            "form": form,
            "next": _return_to(request),
            "changes": announcement.recorded_changes.filter(delivery=publication).select_related("by"),
        },
        status=400 if request.method == "POST" else 200,
    )


@acting
def remove_recorded_publication(request, pk):
    publication = _record_or_404(request, pk)
    require_actor(request, publication.announcement.council)
    services.remove_recorded_publication(publication, by=request.user)
    messages.success(request, _("The recorded publication is removed; the log keeps what it was."))
    return redirect(back(request, reverse("workspace:dashboard")))


@workspace_view
def recorded_scan(request, pk):
    """The scan of a recorded publication, for the council's people."""
    publication = _record_or_404(request, pk)
    if not publication.scan:
        raise Http404
    return scan_response(publication)


@workspace_view
def meeting_announce(request, council_slug, pk):
    """The meeting's announcement, prepared with its agenda and editable, published on the portal and the
    channels."""
    council = council_or_404(request, council_slug)
    require_actor(request, council)
    meeting = get_object_or_404(Meeting, pk=pk, council=council)
    form = AnnouncementTextForm(
        request.POST or None,
        initial=announcements.initial_texts(
            announcements.Event.MEETING_ANNOUNCED, announcements.meeting_context(meeting)
        ),
    )
    return submit(
        request,
        form,
        lambda data: announcements.publish_meeting(meeting, by=request.user, **data),
        success=_("The meeting is announced on the portal with its agenda."),
        redirect_to=reverse("workspace:council", kwargs={"council_slug": council.slug}),
    ) or render(
        request,
        "workspace/meeting_announce.html",
        {"council": council, "meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )


@acting
def retry_delivery(request, pk):
    """The secretary sends a failed delivery again."""
    councils = Council.objects.acted_for_by(request.user)
    delivery = get_object_or_404(
        Delivery.objects.filter(announcement__council__in=councils, state=Delivery.State.FAILED), pk=pk
    )
    retry(delivery)
    messages.success(request, _("The delivery is sent again."))
    return redirect(back(request, reverse("workspace:dashboard")))
