"""Reads of partners, always through the data scope."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from qudao.core import scopes
from qudao.core.models import User
from qudao.core.paging import sort_by

from ..models import Partner
from .common import filtered, in_region

SORTS = {
    "code": "code",
    "name": "name",
    "region": "region__sort_order",
    "status": "status",
    "tier": "tier__rank",
    "created": "created_at",
}


def partners_visible_to(user: User) -> QuerySet[Partner]:
    return scopes.visible(Partner.objects.select_related("region", "owner", "tier"), user)


def partner_get_for_user(user: User, pk: int) -> Partner:
    return partners_visible_to(user).get(pk=pk)


def partners_search(
    user: User,
    *,
    q: str = "",
    region: int | None = None,
    status: str = "",
    tier: str = "",
    owner: int | None = None,
    sort: str = "",
    created_from: datetime.date | None = None,
    created_to: datetime.date | None = None,
) -> tuple[QuerySet[Partner], str]:
    """The partner list with its filters; returns the rows and the sort key applied.

    `tier` is a tier code, `owner` the channel manager's id; `created_from`/`created_to` are
    local calendar days, both included.
    """
    rows = partners_visible_to(user)
    if q:
        rows = rows.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(contact_name__icontains=q)
        )
    rows = filtered(in_region(rows, region), status=status, tier=tier, owner_id=owner)
    # Whole local days as an aware range: the column is compared as it is, not cast per row.
    if created_from:
        rows = rows.filter(created_at__gte=_start_of(created_from))
    if created_to:
        rows = rows.filter(created_at__lt=_start_of(created_to + datetime.timedelta(days=1)))
    return sort_by(rows, sort, SORTS, "code")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def partner_ids_named(text: str) -> QuerySet:
    """The ids of the partners whose name or code contains `text` (a subquery, for the
    "partner" search box of other apps' lists; their rows are scoped by those lists)."""
    text = (text or "").strip()[:100]
    return Partner.objects.filter(Q(name__icontains=text) | Q(code__icontains=text)).values("pk")
