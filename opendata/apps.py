from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """The portal's data for programs and spreadsheets: the read-only API under /api/v1/ (README, "Open data")."""

    name = "opendata"
    verbose_name = "Open data"

    def ready(self):
        from django.db.backends.signals import connection_created

        connection_created.connect(_sqlite_median, dispatch_uid="opendata-sqlite-median")


def _sqlite_median(sender, connection, **kwargs):
    """The statistics' median on the demo's SQLite (PostgreSQL has its own, statistics.Median)."""
    if connection.vendor == "sqlite":
        from .statistics import SQLiteMedian

        connection.connection.create_aggregate("median", 1, SQLiteMedian)
