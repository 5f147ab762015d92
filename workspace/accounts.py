"""Council accounts: the ministry opens the account of a council's person, sends it a set-password mail, and
closes or reopens it (DESIGN.md, "Who acts").

A council account is an ordinary account — not staff, not superuser, in no group, with no permission of its
own — linked to the council through a membership; what it may do in the workspace follows from that
membership's role. It is opened without a password: its holder chooses one through the link mailed to them,
so that nobody at the ministry ever knows it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from common.errors import ActionRefused
from councils.models import Council, Membership
from publications.mail import queue_mail
from publications.models import OutgoingMail


def council_accounts() -> QuerySet:
    """The accounts ministry staff may see and change: neither staff nor superuser, in no group, with no
    permission of their own (a ministry account, even one whose staff flag was taken away, stays out)."""
    return get_user_model().objects.filter(
        is_staff=False, is_superuser=False, groups__isnull=True, user_permissions__isnull=True
    )


def unlinked_memberships(council: Council | int) -> QuerySet:
    """The council's people, current or to come, who have no account yet: those an account may be given to."""
    return Membership.objects.filter(council=council, user__isnull=True).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=timezone.localdate())
    )


@transaction.atomic
def open_council_account(
    *,
    username: str,
    email: str,
    council: Council,
    role: str,
    membership: Membership | None = None,
    full_name_kk: str = "",
    full_name_ru: str = "",
    kind: str = "",
    started_on: datetime.date | None = None,
):
    """Open an active account without a usable password for a person of `council`, and queue the mail that
    lets them set one.

    The account is linked to `membership` (one of the council's people without an account, holding `role`)
    or, without one, to a new membership of `role` for the person named `full_name_kk` / `full_name_ru`
    (members, the chair and deputy chair need their `kind`; the secretary belongs to the working body and has
    none). Refused, changing nothing, if the membership is gone, of another council, of another role or already
    has an account, or if the user name is taken.
    """
    if membership is not None:
        membership = Membership.objects.select_for_update().filter(pk=membership.pk).first()
        if membership is None or membership.council_id != council.pk or membership.role != role:
            raise ActionRefused(
                _("This person is no longer among the council's people with that role. Open the form again and choose.")
            )
        if membership.user_id is not None:
            raise ActionRefused(
                _("%(name)s has just been given an account by someone else. Find it in the list of accounts.")
                % {"name": membership.full_name}
            )
    user = get_user_model()(username=username, email=email, is_active=True, is_staff=False, is_superuser=False)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ActionRefused(_("An account with this user name already exists. Choose another user name.")) from None
    if membership is not None:
        membership.user = user
        membership.save(update_fields=["user"])
    else:
        Membership.objects.create(
            council=council,
            user=user,
            role=role,
            kind="" if role == Membership.Role.SECRETARY else kind,
            full_name_kk=full_name_kk,
            full_name_ru=full_name_ru,
            started_on=started_on or timezone.localdate(),
        )
    queue_set_password_mail(user)
    return user


def mail_languages(memberships) -> list[str]:
    """The languages of the councils' documents: Kazakh, Russian, or both (in one mail)."""
    chosen = {membership.council.document_language for membership in memberships}
    if chosen == {Council.DocumentLanguage.KAZAKH}:
        return ["kk"]
    if chosen == {Council.DocumentLanguage.RUSSIAN}:
        return ["ru"]
    return ["kk", "ru"]


def queue_set_password_mail(user) -> OutgoingMail:
    """Queue (in the outbox, so that it is sent even if Redis is down) the mail with the link to the
    workspace's page that sets the account's password, in the language of its council's documents or in both.

    The link is the one Django's password reset would send and works until the password is set or
    settings.PASSWORD_RESET_TIMEOUT runs out. Refused for an account without an email or a closed one.
    """
    if not user.is_active:
        raise ActionRefused(
            _("The account %(username)s is deactivated: reactivate it first.") % {"username": user.get_username()}
        )
    if not user.email:
        raise ActionRefused(
            _("The account %(username)s has no email: enter one first.") % {"username": user.get_username()}
        )
    if user.has_usable_password():
        # Its holder has set a password: a link sent by the ministry would let someone else take the account.
        raise ActionRefused(
            _(
                "The holder of %(username)s has set a password already: they reset it themselves with "
                "“Forgot your password?” on the sign-in page."
            )
            % {"username": user.get_username()}
        )
    memberships = list(
        Membership.objects.filter(user=user)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=timezone.localdate()))
        .select_related("council")
        .order_by("council__slug", "role")
    )
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    languages = mail_languages(memberships)
    parts = []
    for language in languages:
        with translation.override(language):
            link = settings.SITE_URL + reverse(
                "workspace:password_reset_confirm", kwargs={"uidb64": uid, "token": token}
            )
            parts.append(
                render_to_string(
                    "workspace/set_password_email.txt",
                    {
                        "username": user.get_username(),
                        "memberships": memberships,
                        "link": link,
                        "sign_in": settings.SITE_URL + reverse("workspace:login"),
                        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
                    },
                ).strip()
            )
    subject = " / ".join(part.partition("\n")[0].strip() for part in parts)
    body = "\n\n— — —\n\n".join(part.partition("\n")[2].strip() for part in parts)
    return queue_mail(to=user.email, subject=subject, body=body, language=languages[0])


def set_accounts_active(accounts: QuerySet, *, active: bool) -> list:
    """Deactivate (or reactivate) accounts: a deactivated one can no longer sign in and its open sessions end.
    Its memberships stay, so that the council's history keeps naming who did what. Returns the accounts changed.
    """
    with transaction.atomic():
        changed = list(
            get_user_model()
            .objects.select_for_update()
            .filter(pk__in=accounts.values("pk"), is_active=not active)
            .order_by("pk")
        )
        for user in changed:
            user.is_active = active
            user.save(update_fields=["is_active"])
    return changed
