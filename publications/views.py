"""Public pages for subscribing to announcements by mail.

Opening a link from a mail never changes anything: mail-security scanners open links by themselves, and
would otherwise confirm subscriptions somebody else asked for and end real readers' ones. The link shows a
page with a button (a POST with its CSRF token); only a mail program's RFC 8058 one-click POST acts at once.
"""

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from common import ratelimit

from . import selectors, subscriptions
from .forms import SubscriptionForm
from .models import Delivery, Subscription


def subscribe(request):
    council = request.GET.get("council")
    form = SubscriptionForm(
        request.POST or None, initial={"council": council, "scope": "council" if council else "all"}
    )
    if request.method == "POST":
        if form.data.get("website"):
            return render(
                request, "publications/subscribe.html", {"form": SubscriptionForm(), "refused": True}, status=400
            )
        # Counted apart from proposals, with the same generous numbers (many citizens share an address).
        limit, window = settings.PROPOSAL_RATE_LIMIT
        if not ratelimit.allow(request, "subscribe", limit=limit, window=window):
            return render(request, "publications/subscribe.html", {"form": form, "too_many": True}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            subscriptions.request_subscription(
                email=data["email"],
                language=get_language(),
                scope=data["scope"],
                council=data["council"],
                region=data["region"],
            )
            # The same page whatever happened: it must not tell whether the address is subscribed.
            return render(request, "publications/subscribe_sent.html", {"email": data["email"]})
    return render(request, "publications/subscribe.html", {"form": form})


def _subscription(token) -> Subscription | None:
    return Subscription.objects.select_related("council", "region").filter(token=token).first()


def _unknown_link(request):
    return render(request, "publications/subscription_link_unknown.html", status=404)


def _done(request, subscription: Subscription, *, confirmed: bool):
    return render(
        request, "publications/subscription_done.html", {"confirmed": confirmed, "subscription": subscription}
    )


def confirm(request, token):
    """GET asks the owner of the address to confirm; the button's POST confirms."""
    subscription = _subscription(token)
    if subscription is None or subscription.unsubscribed_at is not None:
        return _unknown_link(request)
    if request.method == "POST":
        subscriptions.confirm(subscription)
        return _done(request, subscription, confirmed=True)
    if subscription.confirmed_at is not None:
        return _done(request, subscription, confirmed=True)
    return render(request, "publications/subscription_confirm.html", {"subscription": subscription})


# Mail programs unsubscribe with a POST carrying no CSRF token (RFC 8058); the token in the address is the
# secret. Only that POST is exempt: the page's own button goes through the CSRF check.
@csrf_exempt
def unsubscribe(request, token):
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        subscription = _subscription(token)
        if subscription is None:
            return _unknown_link(request)
        subscriptions.unsubscribe(subscription)
        return _done(request, subscription, confirmed=False)
    return _unsubscribe_page(request, token)


@csrf_protect
def _unsubscribe_page(request, token):
    """GET asks; the button's POST ends every subscription of the address."""
    subscription = _subscription(token)
    if subscription is None:
        return _unknown_link(request)
    if request.method == "POST":
        subscriptions.unsubscribe(subscription)
        return _done(request, subscription, confirmed=False)
    if not subscriptions.has_open_subscriptions(subscription):
        return _done(request, subscription, confirmed=False)
    return render(request, "publications/subscription_unsubscribe.html", {"subscription": subscription})


def scan(request, pk):
    """The scan or screenshot of a publication outside the portal, once its announcement is published."""
    return scan_response(get_object_or_404(selectors.public_scans(), pk=pk))


def scan_response(publication: Delivery) -> FileResponse:
    """The scan as a download in the type it was stored as (judged by its content when uploaded), which
    browsers must not second-guess."""
    extension = publication.scan.name.rsplit(".", 1)[-1]
    response = FileResponse(
        publication.scan.open("rb"),
        as_attachment=True,
        filename=f"publication-{publication.pk}.{extension}",
        content_type=publication.scan_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
