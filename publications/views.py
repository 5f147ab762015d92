"""Public pages for subscribing to announcements by mail."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from qogam import ratelimit

from . import subscriptions
from .forms import SubscriptionForm
from .models import Subscription


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
        if not ratelimit.proposal_allowed(request):
            return render(request, "publications/subscribe.html", {"form": form, "too_many": True}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            subscriptions.subscribe(
                email=data["email"],
                language=get_language(),
                scope=data["scope"],
                council=data["council"],
                region=data["region"],
            )
            return render(request, "publications/subscribe_sent.html", {"email": data["email"]})
    return render(request, "publications/subscribe.html", {"form": form})


def confirm(request, token):
    subscription = get_object_or_404(Subscription, token=token, unsubscribed_at__isnull=True)
    subscriptions.confirm(subscription)
    return render(request, "publications/subscription_done.html", {"confirmed": True, "subscription": subscription})


def unsubscribe(request, token):
    """One click: the link in every mail unsubscribes (a POST from mail programs does the same)."""
    subscription = get_object_or_404(Subscription, token=token)
    subscriptions.unsubscribe(subscription)
    return render(request, "publications/subscription_done.html", {"confirmed": False, "subscription": subscription})
