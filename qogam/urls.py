from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from consultations import compliance_admin
from consultations.calendar import calendar
from consultations.documents import schedule_document
from councils.views import meeting_protocol
from opendata import views as opendata_views
from portal import views
from publications.feeds import NewsAtomFeed, NewsFeed, ResultsAtomFeed, ResultsFeed

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/compliance/", admin.site.admin_view(compliance_admin.matrix), name="compliance"),
    path(
        "admin/compliance/<slug:slug>/<int:year>-q<int:quarter>/",
        admin.site.admin_view(compliance_admin.detail),
        name="compliance-detail",
    ),
    path(
        "admin/compliance/export.<code:fmt>", admin.site.admin_view(compliance_admin.export), name="compliance-export"
    ),
    path("admin/statistics/", admin.site.admin_view(opendata_views.admin_statistics), name="admin-statistics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("opendata.urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("councils/", include("portal.council_urls")),
    path("statistics/", opendata_views.portal_statistics, name="statistics"),
    path("councils/<slug:slug>/statistics/", opendata_views.council_statistics, name="council-statistics"),
    path("consultations/", include("consultations.urls")),
    path("", include("proposals.urls")),
    path("", include("publications.urls")),
    path("feeds/news.rss", NewsFeed(), name="news-rss"),
    path("feeds/news.atom", NewsAtomFeed(), name="news-atom"),
    path("feeds/results.rss", ResultsFeed(), name="results-rss"),
    path("feeds/results.atom", ResultsAtomFeed(), name="results-atom"),
    path("councils/<slug:slug>/feeds/news.rss", NewsFeed(), name="council-news-rss"),
    path("councils/<slug:slug>/feeds/news.atom", NewsAtomFeed(), name="council-news-atom"),
    path("councils/<slug:slug>/feeds/results.rss", ResultsFeed(), name="council-results-rss"),
    path("councils/<slug:slug>/feeds/results.atom", ResultsAtomFeed(), name="council-results-atom"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/protocol-<lang:language>.pdf", meeting_protocol, name="meeting-protocol"),
    path(
        "councils/<slug:council_slug>/schedules/<int:year>-q<int:quarter>.pdf", schedule_document, name="schedule-pdf"
    ),
    path("", include("opendata.download_urls")),
    path("workspace/", include("workspace.urls")),
    path("calendar.ics", calendar, name="calendar"),
    path("councils/<slug:slug>/calendar.ics", calendar, name="council-calendar"),
    prefix_default_language=True,
)
# Uploaded files are never served from MEDIA_ROOT as such: the views above hand out each one only when
# it is public (a published protocol, a document of a published consultation, a published PDF).

# Errors: JSON under /api/, the site's pages elsewhere.
handler400 = "opendata.errors.bad_request"
handler403 = "opendata.errors.permission_denied"
handler404 = "opendata.errors.page_not_found"
handler500 = "opendata.errors.server_error"
