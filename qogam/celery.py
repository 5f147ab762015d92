"""The Celery application. Its configuration is read from Django's settings (the CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")

app = Celery("qogam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
