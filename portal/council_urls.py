"""The councils' public pages, under /<lang>/councils/: the list reads councils alone, a council's page also
shows its consultations and news (portal/views.py)."""

from django.urls import path

from councils import views as councils

from . import views

app_name = "councils"

urlpatterns = [
    path("", councils.council_list, name="list"),
    path("<slug:slug>/", views.council_detail, name="detail"),
]
