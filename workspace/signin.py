"""The pause after repeated failed sign-ins, on every way in: the admin, the workspace, a password reset link.

django-axes counts the failures in the database (a Redis outage changes nothing) through the
authentication backend that settings lists first, so a paused attempt is answered before any password is
hashed. Two counts, each with its own limit within settings.SIGNIN_LOCK_SECONDS:

- per account (settings.SIGNIN_ATTEMPTS), whatever the address: guessing one account's password;
- per client address (settings.SIGNIN_ADDRESS_ATTEMPTS), whatever the accounts: trying many accounts, or
  making the server hash passwords for made-up ones.

Either reached, the attempt is answered with `paused` (HTTP 429, in the page's language). A successful
sign-in forgets only that account's failures from that address, never what the address did to others.
"""

from __future__ import annotations

import ipaddress
import math
import unicodedata
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from common.ratelimit import client_address


def failure_limit(request, credentials) -> int:
    return settings.SIGNIN_ATTEMPTS


def pause(request) -> timedelta:
    return timedelta(seconds=settings.SIGNIN_LOCK_SECONDS)


def account_name(request, credentials) -> str | None:
    """The account as authentication sees it, whatever the spaces, case or Unicode form typed."""
    typed = credentials.get("username") if credentials else request.POST.get("username")
    if typed is None:
        return None
    return unicodedata.normalize("NFKC", str(typed)).strip().casefold()[:150]


def client_ip(request) -> str | None:
    """The address of common.ratelimit (the trusted proxy's header when one is configured), if it is one."""
    for candidate in (client_address(request), request.META.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


class SignInThrottle(AxesDatabaseHandler):
    """Axes' database handler, with a limit of its own for each count."""

    def failures(self, request, credentials=None) -> dict[str, int]:
        """Recent failures by lockout parameter: {"username": …, "ip_address": …}."""
        parameters = get_lockout_parameters(request, credentials)
        return {
            parameter: attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True)
        }

    def get_failures(self, request, credentials=None) -> int:
        # Axes compares this with one limit (the account's): an address at its own limit counts as reaching it.
        limits = {"username": settings.SIGNIN_ATTEMPTS, "ip_address": settings.SIGNIN_ADDRESS_ATTEMPTS}
        failures = self.failures(request, credentials)
        if any(count >= limits[parameter] for parameter, count in failures.items()):
            return settings.SIGNIN_ATTEMPTS
        return failures.get("username", 0)

    def reset_user_attempts(self, request, credentials=None) -> int:
        # Axes would also forget everything the address did: a valid account of one's own would then
        # wipe the failures against everyone else's.
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        ).delete()
        return count


def paused(request, original_response=None, credentials=None):
    """The answer to a paused attempt: how long to wait, in the page's language."""
    return render(request, "sign_in_paused.html", {"minutes": minutes_left(request, credentials)}, status=429)


def minutes_left(request, credentials=None) -> int:
    """Minutes until the pause is over at the latest: a pause from the newest failure that counts."""
    AxesProxyHandler.update_request(request)
    attempts = AxesProxyHandler.get_implementation().get_user_attempts(request, credentials)
    times = [t for t in (a.aggregate(t=Max("attempt_time"))["t"] for a in attempts) if t]
    end = max(times, default=timezone.now()) + pause(request)
    return max(1, math.ceil((end - timezone.now()).total_seconds() / 60))


def is_address_paused(request) -> bool:
    """Whether this client address may not try any account now."""
    AxesProxyHandler.update_request(request)
    failures = AxesProxyHandler.get_implementation().failures(request, {"username": None})
    return failures["ip_address"] >= settings.SIGNIN_ADDRESS_ATTEMPTS


def count_failure(request, *, account: str) -> None:
    """Count a failed attempt at `account` that did not go through authenticate (a wrong reset link)."""
    user_login_failed.send(sender=__name__, credentials={"username": account}, request=request)


def forget_failures(*, account: str) -> None:
    """Lift the account's pause once its holder proved who they are otherwise (a password set from a link)."""
    AxesProxyHandler.reset_attempts(username=account)
