"""The public downloads' addresses, beside the pages they are linked from (under the language prefix, as those
pages are; the files themselves hold both languages)."""

from django.urls import path

from . import downloads

app_name = "downloads"

urlpatterns = [
    path(
        "consultations/<slug:slug>/results/proposals.<code:fmt>",
        downloads.consultation_proposals,
        name="consultation",
    ),
    path("open-data/", downloads.open_data, name="open-data"),
    path("open-data/<str:name>", downloads.open_data_file, name="open-data-file"),
    path(
        "councils/<slug:slug>/results/<int:year>-q<int:quarter>.<code:fmt>",
        downloads.council_quarter_proposals,
        name="council-quarter",
    ),
]
