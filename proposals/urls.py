from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("consultations/<slug:slug>/propose/", views.propose, name="propose"),
    path("proposals/<str:reference>/", views.status, name="status"),
    path("proposals/<str:reference>/submitted/", views.submitted, name="submitted"),
]
