"""The project's error handlers (qogam/urls.py): under /api/ an error is JSON, like every other answer there
(`{"detail": …}` in the caller's language, as Django REST framework words its own); elsewhere the site's pages.

DRF answers the errors raised in its views; these answer the rest: an address no pattern matches, a request the
middleware refuses (a NUL character, common/middleware.py), a server error."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from common import middleware


def _for_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception=None):
    if _for_api(request):
        return JsonResponse({"detail": _("The request is not valid.")}, status=400)
    return middleware.bad_request(request)


def permission_denied(request, exception=None):
    if _for_api(request):
        return JsonResponse({"detail": _("You do not have permission to do this.")}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _for_api(request):
        return JsonResponse({"detail": _("Nothing is at this address.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _for_api(request):
        return JsonResponse({"detail": _("Something went wrong on our side. Try again in a few minutes.")}, status=500)
    return defaults.server_error(request)
