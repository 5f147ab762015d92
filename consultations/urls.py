from django.urls import path

from . import attachment_pages, documents, views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("<slug:slug>/", views.consultation_detail, name="detail"),
    path("<slug:slug>/results/", views.consultation_results, name="results"),
    path("<slug:slug>/results/<code:kind>.pdf", documents.results_document, name="document"),
    path("<slug:slug>/files/<int:pk>/", attachment_pages.attachment, name="attachment"),
]
