"""The workspace pages of schedules and consultations — their steps, texts, documents and PDF previews — under
/<lang>/workspace/ (included by workspace/urls.py, in its `workspace` namespace)."""

from django.urls import path

from . import attachment_pages, documents, workspace

urlpatterns = [
    path("councils/<slug:council_slug>/<int:year>-q<int:quarter>/", workspace.schedule_page, name="schedule"),
    path(
        "councils/<slug:council_slug>/<int:year>-q<int:quarter>/new/",
        workspace.consultation_new,
        name="consultation_new",
    ),
    path(
        "councils/<slug:council_slug>/<int:year>-q<int:quarter>/approve/",
        workspace.schedule_approve,
        name="schedule_approve",
    ),
    path(
        "councils/<slug:council_slug>/<int:year>-q<int:quarter>/publish/",
        workspace.schedule_publish,
        name="schedule_publish",
    ),
    path(
        "councils/<slug:council_slug>/<int:year>-q<int:quarter>/revise/",
        workspace.schedule_revise,
        name="schedule_revise",
    ),
    path("consultations/<slug:slug>/", workspace.consultation_page, name="consultation"),
    path("consultations/<slug:slug>/edit/", workspace.consultation_edit, name="consultation_edit"),
    path("consultations/<slug:slug>/remove/", workspace.consultation_remove, name="consultation_remove"),
    path(
        "consultations/<slug:slug>/schedule-change/withdraw/",
        workspace.schedule_change_withdraw,
        name="schedule_change_withdraw",
    ),
    path("consultations/<slug:slug>/steps/<code:name>/", workspace.consultation_step, name="step"),
    path("consultations/<slug:slug>/questions/", workspace.questions, name="questions"),
    path("consultations/<slug:slug>/recommendation/", workspace.recommendation, name="recommendation"),
    path("consultations/<slug:slug>/position/", workspace.position, name="position"),
    path("consultations/<slug:slug>/state-body/", workspace.state_body_answer, name="state_body"),
    path("consultations/<slug:slug>/news/", workspace.news, name="news"),
    path(
        "consultations/<slug:slug>/announcements/<int:pk>/",
        workspace.scheduled_announcement,
        name="scheduled_announcement",
    ),
    path("consultations/<slug:slug>/requests/new/", workspace.information_request, name="request_new"),
    path("consultations/<slug:slug>/requests/<int:pk>/", workspace.information_request, name="request_edit"),
    path("consultations/<slug:slug>/documents/<code:kind>/", documents.preview_consultation_document, name="preview"),
    path(
        "councils/<slug:council_slug>/<int:year>-q<int:quarter>/document/",
        documents.preview_schedule_document,
        name="schedule_preview",
    ),
    path("documents/<int:pk>/", documents.document_page, name="document"),
    path("documents/<int:pk>/file/", documents.document_file, name="document_file"),
    path("consultations/<slug:slug>/attachments/new/", attachment_pages.attachment_new, name="attachment_new"),
    path("consultations/<slug:slug>/attachments/<int:pk>/", attachment_pages.attachment_edit, name="attachment_edit"),
    path(
        "consultations/<slug:slug>/attachments/<int:pk>/remove/",
        attachment_pages.attachment_remove,
        name="attachment_remove",
    ),
    path(
        "consultations/<slug:slug>/attachments/<int:pk>/file/", attachment_pages.attachment_file, name="attachment_file"
    ),
]
