"""The open-data API under /api/v1/ (README, "Open data"): read-only lists and objects, the same for every
client, described by an OpenAPI 3 schema (drf-spectacular) at /api/v1/schema/ and its docs at /api/v1/docs/.

Each view only chooses rows — what citizens may see on the portal's pages and nothing more — and the serializers
(opendata/serializers.py) choose fields. Lists are cursor-paginated (`?cursor=`, `?page_size=` up to 200), so
that a page deep into 50,000 proposals costs what the first does. Every answer has an ETag (the hash of its body)
and, while the page cache keeps the content version, a Last-Modified; a client that sends either back gets a 304.
Each client address may make API_THROTTLE_RATE requests; the 429 says when to come back (Retry-After).
"""

from __future__ import annotations

from email.utils import formatdate

import django_filters
from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import conditional_page
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common import page_cache
from consultations import selectors
from consultations.filters import ConsultationFilter
from consultations.models import Consultation, QuarterlySchedule, Question
from councils.models import Council, Meeting, Membership, Region
from proposals.models import Proposal
from publications.models import Announcement

from . import serializers as api
from .policies import cursor


@method_decorator(conditional_page, name="dispatch")
class OpenDataView(APIView):
    """What every view of the API shares: the conditional GET (ETag from the body, Last-Modified from the
    content version) and GET alone."""

    http_method_names = ["get", "head", "options"]
    # The answer changes only with public content, so the content version dates it. A view whose answer also
    # moves with the clock (the statistics: intakes closing, answers falling overdue) says False: ETag only.
    dated_by_content = True

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        changed_at = page_cache.changed_at() if self.dated_by_content else None
        if changed_at is not None and response.status_code == 200:
            # Nothing the API shows changed since: the version moves with every write of public content.
            response["Last-Modified"] = formatdate(changed_at, usegmt=True)
        return response


# ---------------------------------------------------------------------------------------------------------
# Councils and regions


class RegionList(OpenDataView, generics.ListAPIView):
    """The oblasts and cities of republican significance."""

    queryset = Region.objects.all()
    serializer_class = api.RegionSerializer
    pagination_class = cursor("id")


def council_by_slug() -> django_filters.ModelChoiceFilter:
    """`?council=<slug>`: the rows of one active council (an unknown slug is a 400)."""
    return django_filters.ModelChoiceFilter(
        field_name="council", to_field_name="slug", queryset=Council.objects.active(), help_text="A council's slug."
    )


class CouncilFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        field_name="region", to_field_name="slug", queryset=Region.objects.all(), help_text="A region's slug."
    )
    level = django_filters.ChoiceFilter(choices=Council.Level.choices)

    class Meta:
        model = Council
        fields = ["region", "level"]


class CouncilList(OpenDataView, generics.ListAPIView):
    """The active public councils, with the state body each sits beside."""

    queryset = Council.objects.active().select_related("region")
    serializer_class = api.CouncilSerializer
    filterset_class = CouncilFilter
    pagination_class = cursor("id")


class CouncilDetail(OpenDataView, generics.RetrieveAPIView):
    queryset = CouncilList.queryset
    serializer_class = api.CouncilSerializer
    lookup_field = "slug"


# ---------------------------------------------------------------------------------------------------------
# Schedules and consultations


class ScheduleFilter(django_filters.FilterSet):
    council = council_by_slug()

    class Meta:
        model = QuarterlySchedule
        fields = ["council", "year", "quarter"]


class ScheduleList(OpenDataView, generics.ListAPIView):
    """The published quarterly schedules, each with the consultations of its published revision."""

    queryset = (
        QuarterlySchedule.objects.published()
        .filter(council__is_active=True)
        .select_related("council")
        .prefetch_related(
            Prefetch(
                "consultations",
                queryset=Consultation.objects.public().order_by("number"),
                to_attr="public_consultations",
            )
        )
    )
    serializer_class = api.ScheduleSerializer
    filterset_class = ScheduleFilter
    pagination_class = cursor("-id")


def _with_questions(consultations):
    return consultations.prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("position")))


class ConsultationList(OpenDataView, generics.ListAPIView):
    """The consultations of published schedules, newest first; the same filters as the portal's list, where a
    value that is not valid is an error (400) rather than dropped."""

    queryset = _with_questions(selectors.public_consultations())
    serializer_class = api.ConsultationSerializer
    filterset_class = ConsultationFilter
    pagination_class = cursor("-id")


class ConsultationDetail(OpenDataView, generics.RetrieveAPIView):
    queryset = ConsultationList.queryset
    serializer_class = api.ConsultationSerializer
    lookup_field = "slug"


class Results(OpenDataView, generics.RetrieveAPIView):
    """A consultation's results, once its position is published: the position, the recommendation with the
    state body's answers, and the number of listed proposals (each in `proposals`)."""

    serializer_class = api.ResultsSerializer

    def get_object(self):
        try:
            consultation = selectors.results_page(self.kwargs["slug"])
        except Consultation.DoesNotExist:
            raise Http404 from None
        consultation.listed_count = selectors.results_proposals(consultation).count()
        return consultation


class ProposalList(OpenDataView, generics.ListAPIView):
    """The listed proposals of a consultation whose position is published, in the order they came, each with the
    council's decision and reasons. No contact, no consent record, no name its author asked to hide."""

    serializer_class = api.ProposalSerializer
    pagination_class = cursor(*selectors.RESULTS_ORDER)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator asks without a consultation
            return Proposal.objects.none()
        consultation = (
            selectors.public_consultations()
            .filter(state=Consultation.State.POSITION_PUBLISHED, slug=self.kwargs["slug"])
            .first()
        )
        if consultation is None:
            raise Http404
        return selectors.results_proposals(consultation).prefetch_related("recommendation_points")


# ---------------------------------------------------------------------------------------------------------
# Meetings and announcements


def _counted_members(meeting_field: str, **lookups):
    """Members proper (not the secretary) on the meeting's date, counted in the meeting's own row."""
    members = (
        Membership.objects.counted()
        .filter(started_on__lte=OuterRef("date"), **lookups)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("date")))
        .order_by()
        .values(meeting_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), Value(0))


class MeetingFilter(django_filters.FilterSet):
    council = council_by_slug()
    date = django_filters.DateFromToRangeFilter(help_text="date_after, date_before: YYYY-MM-DD.")

    class Meta:
        model = Meeting
        fields = ["council", "date"]


class MeetingList(OpenDataView, generics.ListAPIView):
    """Council meetings, latest first: the agenda, and once the protocol is published its files and the quorum."""

    queryset = (
        Meeting.objects.filter(council__is_active=True)
        .select_related("council")
        .annotate(
            members_on_the_day=_counted_members("council", council=OuterRef("council")),
            members_present=_counted_members("attended_meetings", attended_meetings=OuterRef("pk")),
        )
    )
    serializer_class = api.MeetingSerializer
    filterset_class = MeetingFilter
    pagination_class = cursor("-date", "-id")


class AnnouncementFilter(django_filters.FilterSet):
    council = council_by_slug()
    event = django_filters.ChoiceFilter(choices=Announcement.Event.choices)

    class Meta:
        model = Announcement
        fields = ["council", "event"]


class AnnouncementList(OpenDataView, generics.ListAPIView):
    """What the councils announced on the portal, news included (`event=news.published`), latest first."""

    queryset = Announcement.objects.published().filter(council__is_active=True).select_related("council")
    serializer_class = api.AnnouncementSerializer
    filterset_class = AnnouncementFilter
    pagination_class = cursor("-published_at", "-id")


# ---------------------------------------------------------------------------------------------------------
# The index


ENDPOINTS = (
    "regions", "councils", "schedules", "consultations", "meetings", "announcements", "statistics", "schema",
    "docs",
)  # fmt: skip


class Index(OpenDataView):
    """Where each list is, and the schema and its docs."""

    @extend_schema(responses=inline_serializer("Index", {name: serializers.URLField() for name in ENDPOINTS}))
    def get(self, request):
        return Response({name: settings.SITE_URL + reverse(f"opendata:{name}") for name in ENDPOINTS})
