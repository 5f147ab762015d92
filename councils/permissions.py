"""Who may do what with a council's data: one place, used by services, views and the admin alike."""

from __future__ import annotations

from .models import Council


def can_read(user, council: Council) -> bool:
    """Members, secretaries and chairs read their council's workspace."""
    return Council.objects.readable_by(user).filter(pk=council.pk).exists()


def can_act(user, council: Council) -> bool:
    """The secretary, the chair and the deputy chair act for their council (DESIGN.md, "Who acts")."""
    return Council.objects.acted_for_by(user).filter(pk=council.pk).exists()
