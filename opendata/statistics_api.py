"""GET /api/v1/statistics/: the participation statistics (opendata/statistics.py) of the whole portal, a region,
a level or one council (`?council=`), over a year (`?year=`), a quarter of it (`&quarter=`) or, by default, the
current quarter and the three before it — the figures the portal's statistics pages show."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from proposals.models import Proposal

from . import statistics
from .api import OpenDataView
from .forms import ApiStatisticsFilter
from .serializers import CouncilRefSerializer, RegionRefSerializer, coded, page_urls


class ScopeSerializer(serializers.Serializer):
    council = CouncilRefSerializer(allow_null=True)
    region = RegionRefSerializer(allow_null=True)
    level = serializers.CharField(help_text="A council level's code; empty for every level.")
    quarters = serializers.SerializerMethodField(help_text='The quarters counted, oldest first: "2025-Q3".')

    def get_quarters(self, scope) -> list[str]:
        return [f"{year}-Q{quarter}" for year, quarter in scope.quarters]


class ChannelSerializer(serializers.Serializer):
    channel = coded(Proposal.Channel, source="code")
    proposals = serializers.IntegerField()


class PerConsultationSerializer(serializers.Serializer):
    consultations = serializers.IntegerField(help_text="Consultations whose intake has closed.")
    proposals = serializers.IntegerField(help_text="Proposals they received, whatever their moderation.")
    mean = serializers.FloatField(source="mean_proposals", allow_null=True)
    median = serializers.FloatField(source="median_proposals", allow_null=True)


class DecisionsSerializer(serializers.Serializer):
    listed = serializers.IntegerField(help_text="Listed proposals of consultations whose position is published.")
    decided_with_reasons = serializers.IntegerField()
    share = serializers.FloatField(source="decided_share", allow_null=True)


class DaysSerializer(serializers.Serializer):
    positions = serializers.IntegerField(help_text="Positions published.")
    mean = serializers.FloatField(source="mean_days_to_position", allow_null=True)
    median = serializers.FloatField(source="median_days_to_position", allow_null=True)


class AnswersSerializer(serializers.Serializer):
    in_time = serializers.IntegerField(source="answers.in_time")
    late = serializers.IntegerField(source="answers.late")
    overdue = serializers.IntegerField(source="answers.overdue", help_text="Not received, past the deadline.")
    waiting = serializers.IntegerField(source="answers.waiting", help_text="Not received, within the deadline.")
    share_in_time = serializers.FloatField(
        source="answers_in_time_share", allow_null=True, help_text="In time among those received or overdue."
    )


class SchedulesSerializer(serializers.Serializer):
    due = serializers.IntegerField(source="schedules_due", help_text="Council-quarters due (or published early).")
    on_time = serializers.IntegerField(source="schedules_on_time")
    share = serializers.FloatField(source="schedules_on_time_share", allow_null=True)


class StatisticsSerializer(serializers.Serializer):
    scope = ScopeSerializer()
    per_consultation = PerConsultationSerializer(source="*")
    channels = ChannelSerializer(many=True)
    decisions = DecisionsSerializer(source="*", help_text="Listed proposals decided with reasons.")
    days_to_position = DaysSerializer(source="*", help_text="Days from the close of the intake to the position.")
    state_body_answers = AnswersSerializer(source="*", help_text="Answers due 10 working days after sending.")
    schedules = SchedulesSerializer(source="*", help_text="Schedules published on time.")
    url = serializers.SerializerMethodField(help_text="The statistics page in each language.")

    def get_url(self, stats) -> dict[str, str]:
        council = stats.scope.council
        return page_urls("council-statistics", council.slug) if council else page_urls("statistics")


class Statistics(OpenDataView):
    """Participation statistics: proposals per consultation and by channel, decisions with reasons, days to the
    position, the state bodies' answers in time and the schedules published on time."""

    dated_by_content = False  # the figures move with the date too (see OpenDataView)

    @extend_schema(
        parameters=[
            OpenApiParameter("council", OpenApiTypes.STR, description="A council's slug."),
            OpenApiParameter("region", OpenApiTypes.STR, description="A region's slug."),
            OpenApiParameter("level", OpenApiTypes.STR, description="A council level's code."),
            OpenApiParameter("year", OpenApiTypes.INT, description="A year: its four quarters."),
            OpenApiParameter("quarter", OpenApiTypes.INT, enum=[1, 2, 3, 4], description="With `year`."),
        ],
        responses=StatisticsSerializer,
    )
    def get(self, request):
        form = ApiStatisticsFilter(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        return Response(StatisticsSerializer(statistics.compute(form.scope())).data)
