from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """The portal's data for programs and spreadsheets: the read-only API under /api/v1/ (README, "Open data")."""

    name = "opendata"
    verbose_name = "Open data"
