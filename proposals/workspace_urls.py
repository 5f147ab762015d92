"""The workspace pages of a consultation's proposals — the inbox, sorting, entry, a proposal, answers — under
/<lang>/workspace/ (included by workspace/urls.py, in its `workspace` namespace)."""

from django.urls import path

from . import workspace

urlpatterns = [
    path("consultations/<slug:slug>/proposals/", workspace.inbox, name="inbox"),
    path("consultations/<slug:slug>/proposals/sort/", workspace.sort, name="sort"),
    path("consultations/<slug:slug>/proposals/new/", workspace.enter, name="entry"),
    path("consultations/<slug:slug>/proposals/groups/", workspace.groups, name="proposal_groups"),
    path("consultations/<slug:slug>/proposals/groups/update/", workspace.find_similar, name="find_similar"),
    path("consultations/<slug:slug>/proposals/groups/<int:number>/", workspace.group_action, name="group_action"),
    path(
        "consultations/<slug:slug>/proposals/groups/<int:number>/<reference:reference>/out/",
        workspace.take_out_of_group,
        name="group_take_out",
    ),
    path("consultations/<slug:slug>/proposals/<reference:reference>/", workspace.proposal_page, name="proposal"),
    path(
        "consultations/<slug:slug>/proposals/<reference:reference>/answered/",
        workspace.mark_answered,
        name="proposal_answered",
    ),
    path("consultations/<slug:slug>/answers/mail/", workspace.mail_answers, name="mail_answers"),
]
