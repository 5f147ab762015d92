from django.urls import path

from . import views

app_name = "publications"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<uuid:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<uuid:token>/", views.unsubscribe, name="unsubscribe"),
    path("publications/<int:pk>/scan/", views.scan, name="scan"),
]
