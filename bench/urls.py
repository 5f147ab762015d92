"""The benchmark server's URLs: the project's, and /bench/bare/ — the yardstick bench/load.py divides by.

The bare view renders a template of 20 items through the full middleware stack and the template engine, and
reads nothing from the database or the cache: what any Django page costs on this machine before its own work.
"""

import datetime

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from qogam.urls import urlpatterns as project_urlpatterns

BARE_ITEMS = 20

BARE_TEMPLATE = """<!doctype html>
<html lang="{{ LANGUAGE_CODE }}">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
<ul>
{% for item in items %}  <li><a href="/kk/consultations/{{ item.slug }}/">{{ item.title }}</a>
    <span>{{ item.council }}</span> <time>{{ item.date|date:"j E Y" }}</time></li>
{% endfor %}</ul>
</body>
</html>
"""

_template = engines["django"].from_string(BARE_TEMPLATE)


def bare(request):
    items = [
        {
            "slug": f"bench-{n}",
            "title": f"Бюджеттік бағдарлама жобасы № {n}",
            "council": "Қоғамдық кеңес",
            "date": datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
        }
        for n in range(1, BARE_ITEMS + 1)
    ]
    return HttpResponse(_template.render({"title": "Bench", "items": items}, request))


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *project_urlpatterns]
