"""WSGI entry point (gunicorn qogam.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")

application = get_wsgi_application()

# The ~150,000 objects loading the project made (modules, URL patterns, templates, catalogues) live as long as
# the worker: moved out of the cycle collector's reach, its full passes no longer walk them between requests
# (a sixth to a quarter of a page's CPU time, measured in-process). Each gunicorn worker imports this module.
gc.collect()
gc.freeze()
