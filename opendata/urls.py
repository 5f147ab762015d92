"""The open-data API's addresses, under /api/v1/ (no language prefix: every object carries both languages)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from common.middleware import CONTENT_SECURITY_POLICY

from . import api, statistics_api

app_name = "opendata"


class Docs(SpectacularSwaggerSplitView):
    """Swagger UI, from this site's static files; it sets inline styles as it draws (never inline scripts)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = f"{CONTENT_SECURITY_POLICY}; style-src 'self' 'unsafe-inline'"
        return response


urlpatterns = [
    path("", api.Index.as_view(), name="index"),
    path("regions/", api.RegionList.as_view(), name="regions"),
    path("councils/", api.CouncilList.as_view(), name="councils"),
    path("councils/<slug:slug>/", api.CouncilDetail.as_view(), name="council"),
    path("schedules/", api.ScheduleList.as_view(), name="schedules"),
    path("consultations/", api.ConsultationList.as_view(), name="consultations"),
    path("consultations/<slug:slug>/", api.ConsultationDetail.as_view(), name="consultation"),
    path("consultations/<slug:slug>/results/", api.Results.as_view(), name="results"),
    path("consultations/<slug:slug>/proposals/", api.ProposalList.as_view(), name="proposals"),
    path("meetings/", api.MeetingList.as_view(), name="meetings"),
    path("announcements/", api.AnnouncementList.as_view(), name="announcements"),
    path("statistics/", statistics_api.Statistics.as_view(), name="statistics"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", Docs.as_view(url_name="opendata:schema"), name="docs"),
]
