"""The workspace's addresses, under /<lang>/workspace/."""

from django.urls import path

from consultations import attachment_pages, documents
from consultations import workspace as consultations
from councils import workspace as councils
from proposals import workspace as proposals
from publications import workspace as publications

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
    # A council
    path("councils/<slug:council_slug>/", councils.council_page, name="council"),
    path("councils/<slug:council_slug>/meetings/new/", councils.meeting_form, name="meeting_new"),
    path("councils/<slug:council_slug>/meetings/<int:pk>/", councils.meeting_form, name="meeting_edit"),
    path("councils/<slug:council_slug>/meetings/<int:pk>/attendance/", councils.attendance, name="attendance"),
    path(
        "councils/<slug:council_slug>/meetings/<int:pk>/announce/",
        publications.meeting_announce,
        name="meeting_announce",
    ),
    path("councils/<slug:council_slug>/receptions/new/", councils.reception_form, name="reception_new"),
    path("councils/<slug:council_slug>/receptions/<int:pk>/", councils.reception_form, name="reception_edit"),
    # Its quarterly schedules
    path("councils/<slug:council_slug>/<int:year>-q<int:quarter>/", consultations.schedule_page, name="schedule"),
    path(
        "councils/<slug:council_slug>/<int:year>-q<int:quarter>/new/",
        consultations.consultation_new,
        name="consultation_new",
    ),
    path(
        "councils/<slug:council_slug>/<int:year>-q<int:quarter>/approve/",
        consultations.schedule_approve,
        name="schedule_approve",
    ),
    path(
        "councils/<slug:council_slug>/<int:year>-q<int:quarter>/publish/",
        consultations.schedule_publish,
        name="schedule_publish",
    ),
    path(
        "councils/<slug:council_slug>/<int:year>-q<int:quarter>/revise/",
        consultations.schedule_revise,
        name="schedule_revise",
    ),
    # A consultation and its steps
    path("consultations/<slug:slug>/", consultations.consultation_page, name="consultation"),
    path("consultations/<slug:slug>/edit/", consultations.consultation_edit, name="consultation_edit"),
    path("consultations/<slug:slug>/remove/", consultations.consultation_remove, name="consultation_remove"),
    path(
        "consultations/<slug:slug>/schedule-change/withdraw/",
        consultations.schedule_change_withdraw,
        name="schedule_change_withdraw",
    ),
    path("consultations/<slug:slug>/steps/<code:name>/", consultations.consultation_step, name="step"),
    path("consultations/<slug:slug>/questions/", consultations.questions, name="questions"),
    path("consultations/<slug:slug>/recommendation/", consultations.recommendation, name="recommendation"),
    path("consultations/<slug:slug>/position/", consultations.position, name="position"),
    path("consultations/<slug:slug>/state-body/", consultations.state_body_answer, name="state_body"),
    path("consultations/<slug:slug>/news/", consultations.news, name="news"),
    path(
        "consultations/<slug:slug>/announcements/<int:pk>/",
        consultations.scheduled_announcement,
        name="scheduled_announcement",
    ),
    path("deliveries/<int:pk>/retry/", publications.retry_delivery, name="retry_delivery"),
    # Publications outside the portal, recorded by hand
    path("announcements/<int:pk>/publications/new/", publications.record_publication, name="record_publication"),
    path("publications/<int:pk>/", publications.recorded_publication, name="recorded_publication"),
    path("publications/<int:pk>/remove/", publications.remove_recorded_publication, name="remove_recorded_publication"),
    path("publications/<int:pk>/scan/", publications.recorded_scan, name="recorded_scan"),
    path("consultations/<slug:slug>/requests/new/", consultations.information_request, name="request_new"),
    path("consultations/<slug:slug>/requests/<int:pk>/", consultations.information_request, name="request_edit"),
    path("consultations/<slug:slug>/documents/<code:kind>/", documents.preview_consultation_document, name="preview"),
    path(
        "councils/<slug:council_slug>/<int:year>-q<int:quarter>/document/",
        documents.preview_schedule_document,
        name="schedule_preview",
    ),
    path("documents/<int:pk>/", documents.document_page, name="document"),
    path("documents/<int:pk>/file/", documents.document_file, name="document_file"),
    # Its documents (the draft act, its explanatory note, a presentation)
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
    # Its proposals
    path("consultations/<slug:slug>/proposals/", proposals.inbox, name="inbox"),
    path("consultations/<slug:slug>/proposals/sort/", proposals.sort, name="sort"),
    path("consultations/<slug:slug>/proposals/new/", proposals.enter, name="entry"),
    path("consultations/<slug:slug>/proposals/<reference:reference>/", proposals.proposal_page, name="proposal"),
    path(
        "consultations/<slug:slug>/proposals/<reference:reference>/answered/",
        proposals.mark_answered,
        name="proposal_answered",
    ),
    path("consultations/<slug:slug>/answers/mail/", proposals.mail_answers, name="mail_answers"),
]
