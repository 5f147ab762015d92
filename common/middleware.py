"""Security headers for the public pages; oversized requests refused before their body is read; requests
carrying a NUL character refused before anything looks them up."""

from django.conf import settings
from django.shortcuts import render
from django.urls import get_resolver
from django.utils.datastructures import MultiValueDict
from django.utils.http import url_has_allowed_host_and_scheme

# Everything the portal serves comes from itself: no script, style, font or image from another site, no
# inline script or style. The admin keeps Django's defaults.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request larger than any upload the portal takes (the largest document and a megabyte for the
    form around it) from its Content-Length, before a byte of its body is read: past this point the CSRF
    check reads the form, and Django would parse the whole body — the file onto disk — to find it. A WSGI
    server gives the application no more than Content-Length bytes, so the header is the whole story.

    The page says, in the visitor's language (the address's prefix is read before), how large a file may be."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_request_bytes():
            return _too_large(request)
        return self.get_response(request)


def max_request_bytes() -> int:
    return (settings.DOCUMENT_MAX_MEGABYTES + 1) * 1024 * 1024


def _too_large(request):
    referer = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = render(
        request,
        "413.html",
        {"limit": settings.DOCUMENT_MAX_MEGABYTES, "back": referer if safe else ""},
        status=413,
    )
    # The policy's own middleware, further in, is not reached.
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response


class RefuseNulMiddleware:
    """Answers 400 to a request with a NUL character in its path, its query, its form fields or its cookies.

    No page of the portal takes one, and PostgreSQL refuses it in any text (a lookup by such a value raises
    rather than finding nothing): refused here, it never reaches a view or a query. Forms refuse NUL in
    their own fields too (Django's `ProhibitNullCharactersValidator`); this covers what is read without a
    form — an address's part, a search of the admin, a session cookie. Placed after the size limit, so the
    body it reads is one the portal would take anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or _has_nul(request.COOKIES):
            return _refused(request)
        if request.method == "POST" and _has_nul(request.POST):
            return _refused(request)
        return self.get_response(request)


def _refused(request):
    """The project's 400 (qogam/urls.py's handler400: a JSON answer under /api/, this module's page elsewhere)."""
    return get_resolver(getattr(request, "urlconf", None)).resolve_error_handler(400)(request)


def _has_nul(values) -> bool:
    items = values.lists() if isinstance(values, MultiValueDict) else ((k, [v]) for k, v in values.items())
    return any("\x00" in key or any("\x00" in value for value in vals) for key, vals in items)


def bad_request(request):
    response = render(request, "400.html", status=400)
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response
