"""Qogam's configuration package: settings, URLs, the Celery app, WSGI/ASGI, and the demo data command."""

from .celery import app as celery_app

__all__ = ["celery_app"]
