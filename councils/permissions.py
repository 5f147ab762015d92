"""Who may do what with a council's data: one place, used by services, views and the admin alike.

Every workspace page finds its objects among the councils the user belongs to (`council_or_404`), so another
council's object is simply not found. Acting — every POST — also needs the secretary's, chair's or deputy
chair's role (`require_actor`); members read and are refused.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from .models import Council


def can_read(user, council: Council) -> bool:
    """Members, secretaries and chairs read their council's workspace."""
    return Council.objects.readable_by(user).filter(pk=council.pk).exists()


def can_act(user, council: Council) -> bool:
    """The secretary, the chair and the deputy chair act for their council (DESIGN.md, "Who acts")."""
    return Council.objects.acted_for_by(user).filter(pk=council.pk).exists()


def council_or_404(request, slug: str) -> Council:
    """One of the user's councils, or 404: another council's address is not found."""
    return get_object_or_404(Council.objects.readable_by(request.user).select_related("region"), slug=slug)


def require_actor(request, council: Council) -> None:
    if not can_act(request.user, council):
        raise PermissionDenied(_("Only the council's secretary or chair may do this."))
