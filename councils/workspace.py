"""Workspace pages of a council: its people, meetings (with attendance) and personal receptions."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from common.actions import refuse_into, workspace_view
from common.errors import ActionRefused
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
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        for name in ("protocol_file_kk", "protocol_file_ru"):
            if not request.FILES.get(name):
                fields.pop(name)  # keep the file already uploaded
        try:
            meeting = services.save_meeting(council, by=request.user, meeting=meeting, **fields)
        except ActionRefused as refused:
            refuse_into(form, refused)
        else:
            messages.success(request, _("The meeting is saved. Now record who attended."))
            return redirect("workspace:attendance", council_slug=council.slug, pk=meeting.pk)
    return render(request, "workspace/meeting_form.html", {"council": council, "form": form, "meeting": meeting})


@workspace_view
def attendance(request, council_slug, pk):
    council = council_or_404(request, council_slug)
    meeting = get_object_or_404(Meeting, pk=pk, council=council)
    if request.method == "POST":
        require_actor(request, council)
    form = AttendanceForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(meeting, by=request.user, attendees=form.cleaned_data["attendees"])
        except ActionRefused as refused:
            refuse_into(form, refused)
        else:
            quorum = meeting.quorum()
            if quorum.reached:
                messages.success(
                    request,
                    _("Attendance is saved. The meeting was quorate: %(summary)s.") % {"summary": quorum.summary()},
                )
            else:
                messages.warning(
                    request,
                    _("Attendance is saved. The meeting was not quorate (%(summary)s): no decision can rest on it.")
                    % {"summary": quorum.summary()},
                )
            return redirect("workspace:council", council_slug=council.slug)
    return render(
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
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = data.pop("member")
        try:
            services.save_reception(council, by=request.user, member=member, reception=reception, **data)
        except ActionRefused as refused:
            refuse_into(form, refused)
        else:
            messages.success(request, _("The personal reception is saved and shown on the council's public page."))
            return redirect("workspace:council", council_slug=council.slug)
    return render(request, "workspace/reception_form.html", {"council": council, "form": form})
