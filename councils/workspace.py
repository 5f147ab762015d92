"""Workspace pages of a council: its people, meetings (with attendance) and personal receptions."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.actions import submit, workspace_view
from common.quarters import quarter_of
from councils.permissions import council_or_404, require_actor

from . import services
from .forms import AttendanceForm, MeetingForm, ReceptionForm
from .models import Meeting, Membership, Reception, membership_warnings
from .permissions import can_act


@workspace_view
def council_page(request, council_slug):
    council = council_or_404(request, council_slug)
    today = timezone.localdate()
    year, quarter = quarter_of(today)
    quarters = []
    for _n in range(6):
        quarters.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    schedules = {(s.year, s.quarter): s for s in council.schedules.all()}
    upcoming_year, upcoming_quarter = quarter_of(today.replace(day=1) + datetime.timedelta(days=95))
    return render(
        request,
        "workspace/council.html",
        {
            "council": council,
            "can_act": can_act(request.user, council),
            "warnings": membership_warnings(council, today=today),
            "today": today,
            "quarters": [(y, q, schedules.get((y, q))) for y, q in [(upcoming_year, upcoming_quarter), *quarters]],
            "members": Membership.objects.filter(council=council).on(today).order_by("role", "full_name"),
            "meetings": Meeting.objects.filter(council=council).order_by("-date")[:20],
            "receptions": Reception.objects.filter(member__council=council, starts_at__gte=timezone.now())
            .select_related("member")
            .order_by("starts_at"),
        },
    )


@workspace_view
def meeting_form(request, council_slug, pk=None):
    council = council_or_404(request, council_slug)
    require_actor(request, council)
    meeting = get_object_or_404(Meeting, pk=pk, council=council) if pk else None
    form = MeetingForm(request.POST or None, request.FILES or None, instance=meeting)

    def save(data: dict) -> Meeting:
        fields = {name: data[name] for name in form.Meta.fields}
        for name in ("protocol_file_kk", "protocol_file_ru"):
            if not request.FILES.get(name):
                fields.pop(name)  # keep the file already uploaded
        return services.save_meeting(council, by=request.user, meeting=meeting, **fields)

    return submit(
        request,
        form,
        save,
        success=_("The meeting is saved. Now record who attended."),
        redirect_to=lambda saved: reverse("workspace:attendance", args=[council.slug, saved.pk]),
    ) or render(request, "workspace/meeting_form.html", {"council": council, "form": form, "meeting": meeting})


@workspace_view
def attendance(request, council_slug, pk):
    council = council_or_404(request, council_slug)
    meeting = get_object_or_404(Meeting, pk=pk, council=council)
    if request.method == "POST":
        require_actor(request, council)
    form = AttendanceForm(request.POST or None, meeting=meeting)

    def saved(_done) -> tuple[int, str]:
        quorum = meeting.quorum()
        if quorum.reached:
            return messages.SUCCESS, _("Attendance is saved. The meeting was quorate: %(summary)s.") % {
                "summary": quorum.summary()
            }
        return messages.WARNING, _(
            "Attendance is saved. The meeting was not quorate (%(summary)s): no decision can rest on it."
        ) % {"summary": quorum.summary()}

    return submit(
        request,
        form,
        lambda data: services.record_attendance(meeting, by=request.user, attendees=data["attendees"]),
        success=saved,
        redirect_to=reverse("workspace:council", kwargs={"council_slug": council.slug}),
    ) or render(
        request,
        "workspace/attendance.html",
        {
            "council": council,
            "meeting": meeting,
            "form": form,
            "quorum": meeting.quorum(),
            "can_act": can_act(request.user, council),
        },
    )


@workspace_view
def reception_form(request, council_slug, pk=None):
    council = council_or_404(request, council_slug)
    require_actor(request, council)
    reception = get_object_or_404(Reception, pk=pk, member__council=council) if pk else None
    form = ReceptionForm(request.POST or None, instance=reception, council=council)

    def save(data: dict) -> Reception:
        data = dict(data)
        member = data.pop("member")
        return services.save_reception(council, by=request.user, member=member, reception=reception, **data)

    return submit(
        request,
        form,
        save,
        success=_("The personal reception is saved and shown on the council's public page."),
        redirect_to=reverse("workspace:council", kwargs={"council_slug": council.slug}),
    ) or render(request, "workspace/reception_form.html", {"council": council, "form": form})
