"""The workspace's addresses, under /<lang>/workspace/: its own pages, and each app's workspace pages, included
in this one `workspace` namespace (`workspace:consultation`, `workspace:inbox`, …)."""

from django.urls import include, path

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("", include("councils.workspace_urls")),
    path("", include("publications.workspace_urls")),
    path("", include("consultations.workspace_urls")),
    path("", include("proposals.workspace_urls")),
]
