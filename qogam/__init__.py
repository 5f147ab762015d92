"""Qogam's configuration package: settings, URLs, the Celery app, WSGI/ASGI. It holds no app code."""

from .celery import app as celery_app

__all__ = ["celery_app"]
