"""WSGI entry point (gunicorn qogam.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")

application = get_wsgi_application()
