"""Reads of deal registrations, always scoped (qudao.core.scopes).

Vendor staff never see drafts: a draft is the partner's own notebook until it is submitted.
"""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from qudao.core.listing import filter_given, text_search
from qudao.core.models import User
from qudao.core.paging import sort_by
from qudao.core.scopes import region_subtree_ids, visible
from qudao.partners.selectors import partner_ids_named

from ..models import Registration
from ..services import EXPIRY_NOTICE_DAYS

SORTS = {
    "number": "number",
    "customer": "customer_name",
    "project": "project_name",
    "amount": "estimated_amount",
    "close": "expected_close_date",
    "status": "status",
    "submitted": "submitted_at",
    "protection": "protection_until",
    "created": "created_at",
}
DEFAULT_SORT = "-created"


def registrations_visible_to(user: User) -> QuerySet[Registration]:
    rows = Registration.objects.select_related(
        "partner", "customer_region", "created_by"
    ).prefetch_related("products__product_line")
    if not user.is_partner_user:
        rows = rows.exclude(status=Registration.Status.DRAFT)
    return visible(rows, user)


def registration_get_for_user(user: User, pk: int) -> Registration:
    """The registration, or Registration.DoesNotExist (a 404) when outside `user`'s scope."""
    return registrations_visible_to(user).get(pk=pk)


def registrations_search(
    user: User,
    *,
    q: str = "",
    status: str = "",
    partner: int | None = None,
    partner_name: str = "",
    region: int | None = None,
    stage: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    expiring: bool = False,
    sort: str = "",
) -> tuple[QuerySet[Registration], str]:
    """Scoped registrations filtered and sorted; returns (rows, the sort key used).

    `partner` is a partner's id, `partner_name` part of a partner's name or code.
    """
    rows = registrations_visible_to(user)
    q = (q or "").strip()[:100]
    rows = text_search(rows, q, ("number", "customer_name", "project_name"))
    rows = filter_given(rows, status=status, partner_id=partner)
    if (partner_name or "").strip():
        rows = rows.filter(partner__in=partner_ids_named(partner_name))
    if region:
        rows = rows.filter(customer_region_id__in=region_subtree_ids(region))
    rows = filter_given(
        rows, stage=stage, created_at__date__gte=date_from, created_at__date__lte=date_to
    )
    if expiring:
        today = timezone.localdate()
        rows = rows.filter(
            status=Registration.Status.APPROVED,
            protection_until__gte=today,
            protection_until__lte=today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS),
        )
    return sort_by(rows, sort, SORTS, DEFAULT_SORT)


def registrations_count(user: User, **filters: Any) -> int:
    rows, _sort = registrations_search(user, **filters)
    return rows.order_by().count()
