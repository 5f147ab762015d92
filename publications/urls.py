from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from . import views

app_name = "publications"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<uuid:token>/", views.confirm, name="confirm"),
    # Mail programs unsubscribe with a POST (RFC 8058) carrying no CSRF token; the token in the address is
    # the secret.
    path("unsubscribe/<uuid:token>/", csrf_exempt(views.unsubscribe), name="unsubscribe"),
]
