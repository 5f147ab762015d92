"""The workspace pages of announcements — a meeting's announcement, a failed delivery sent again, publications
recorded by hand — under /<lang>/workspace/ (included by workspace/urls.py, in its `workspace` namespace)."""

from django.urls import path

from . import workspace

urlpatterns = [
    path(
        "councils/<slug:council_slug>/meetings/<int:pk>/announce/",
        workspace.meeting_announce,
        name="meeting_announce",
    ),
    path("deliveries/<int:pk>/retry/", workspace.retry_delivery, name="retry_delivery"),
    path("announcements/<int:pk>/publications/new/", workspace.record_publication, name="record_publication"),
    path("publications/<int:pk>/", workspace.recorded_publication, name="recorded_publication"),
    path("publications/<int:pk>/remove/", workspace.remove_recorded_publication, name="remove_recorded_publication"),
    path("publications/<int:pk>/scan/", workspace.recorded_scan, name="recorded_scan"),
]
