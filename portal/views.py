"""Site-wide pages: the home page and the health check."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from consultations import selectors


def home(request):
    return render(
        request,
        "home.html",
        {
            "open_consultations": selectors.open_for_proposals()[:6],
            "coming_up": selectors.coming_up()[:6],
            "latest_results": selectors.latest_results()[:6],
        },
    )


@never_cache
def healthz(request):
    """200 while the database answers; says whether Redis answers, but never fails because of it."""
    body = {"database": "ok", "redis": "not configured"}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any database error means unhealthy
        body["database"] = f"down: {type(error).__name__}"
        status = 503
    if settings.REDIS_URL:
        body["redis"] = "ok" if _redis_answers() else "down"
    return JsonResponse(body, status=status)


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False
