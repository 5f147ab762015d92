from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("consultations/<slug:slug>/propose/", views.propose, name="propose"),
    path("proposals/", views.lookup, name="lookup"),
    path("proposals/<reference:reference>/", views.status, name="status"),
    path("proposals/<reference:reference>/submitted/", views.submitted, name="submitted"),
]
