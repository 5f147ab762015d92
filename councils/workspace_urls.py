"""A council's workspace pages — its page, meetings, attendance, receptions — under /<lang>/workspace/ (included by
workspace/urls.py, in its `workspace` namespace)."""

from django.urls import path

from . import workspace

urlpatterns = [
    path("councils/<slug:council_slug>/", workspace.council_page, name="council"),
    path("councils/<slug:council_slug>/meetings/new/", workspace.meeting_form, name="meeting_new"),
    path("councils/<slug:council_slug>/meetings/<int:pk>/", workspace.meeting_form, name="meeting_edit"),
    path("councils/<slug:council_slug>/meetings/<int:pk>/attendance/", workspace.attendance, name="attendance"),
    path("councils/<slug:council_slug>/receptions/new/", workspace.reception_form, name="reception_new"),
    path("councils/<slug:council_slug>/receptions/<int:pk>/", workspace.reception_form, name="reception_edit"),
]
