"""Reads of tiers and tier changes. Everyone logged in may read the tiers (partners see their
benefits); tier changes follow the partner's data scope."""

from django.db.models import Count, QuerySet

from qudao.core import scopes
from qudao.core.models import User

from ..models import Partner, Tier, TierChange


def tiers_visible_to(user: User, *, include_inactive: bool | None = None) -> QuerySet[Tier]:
    """Tiers with the number of partners in each; tiers out of use only for those who keep
    them (or when asked)."""
    from ..services.tiers import tier_can_manage

    rows = Tier.objects.annotate(partner_count=Count("partners")).order_by("-rank", "code")
    if include_inactive is None:
        include_inactive = tier_can_manage(user)
    return rows if include_inactive else rows.filter(is_active=True)


def tier_get_for_user(user: User, pk: int) -> Tier:
    return tiers_visible_to(user).get(pk=pk)


def tiers_active() -> QuerySet[Tier]:
    return Tier.objects.filter(is_active=True).order_by("-rank", "code")


def tier_changes_visible_to(user: User) -> QuerySet[TierChange]:
    rows = TierChange.objects.select_related(
        "partner", "from_tier", "to_tier", "requested_by", "evaluation"
    )
    return scopes.visible(rows, user)


def tier_changes_for_partner(user: User, partner: Partner) -> QuerySet[TierChange]:
    """The tier history of one partner: its tier changes, newest first."""
    return tier_changes_visible_to(user).filter(partner=partner).order_by("-created_at", "-id")
