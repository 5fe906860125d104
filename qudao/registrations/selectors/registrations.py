"""Reads of deal registrations, always scoped (qudao.core.scopes).

Vendor staff never see drafts: a draft is the partner's own notebook until it is submitted.
"""

import datetime
from typing import Any

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from qudao.core.listing import filter_given, text_search
from qudao.core.models import User
from qudao.core.paging import sort_by
from qudao.core.scopes import region_subtree_ids, visible
from qudao.partners.selectors import partner_ids_named

from ..models import Registration, RegistrationProduct
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

# The date a list's date range applies to (`date_field`): the day created (the default) or the
# day submitted (the performance facts count registrations by it).
DATE_FIELDS = {"created": "created_at", "submitted": "submitted_at"}
# `status="approved_ever"`: approved at some point (approved, then perhaps expired, won or lost),
# as the performance funnel counts "approved".
APPROVED_EVER = "approved_ever"
APPROVED_EVER_STATUSES = (
    Registration.Status.APPROVED,
    Registration.Status.EXPIRED,
    Registration.Status.WON,
    Registration.Status.LOST,
)


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
    date_field: str = "created",
    partner_region: int | None = None,
    tier: str = "",
    product_line: int | None = None,
    expiring: bool = False,
    expires_within: int | None = None,
    sort: str = "",
) -> tuple[QuerySet[Registration], str]:
    """Scoped registrations filtered and sorted; returns (rows, the sort key used).

    `partner` is a partner's id, `partner_name` part of a partner's name or code; `region` the
    customer's region, `partner_region` the partner's (each with its offices); `tier` the
    partner's tier code; `product_line` a product line's id the registration names; the date
    range is on `date_field` (DATE_FIELDS), days in the site's time zone. The performance
    dashboard's drill-downs use the partner's region, tier, product line and submission date,
    as its facts count them.
    """
    rows = registrations_visible_to(user)
    q = (q or "").strip()[:100]
    rows = text_search(rows, q, ("number", "customer_name", "project_name"))
    if status == APPROVED_EVER:
        rows = rows.filter(status__in=APPROVED_EVER_STATUSES)
    else:
        rows = filter_given(rows, status=status)
    rows = filter_given(rows, partner_id=partner)
    if (partner_name or "").strip():
        rows = rows.filter(partner__in=partner_ids_named(partner_name))
    if region:
        rows = rows.filter(customer_region_id__in=region_subtree_ids(region))
    if partner_region:
        rows = rows.filter(partner__region_id__in=region_subtree_ids(partner_region))
    if tier:
        rows = rows.filter(partner__tier_id=tier)
    if product_line:
        rows = rows.filter(
            Exists(
                RegistrationProduct.objects.filter(
                    registration_id=OuterRef("pk"), product_line_id=product_line
                )
            )
        )
    rows = filter_given(rows, stage=stage)
    rows = _in_days(rows, DATE_FIELDS.get(date_field, "created_at"), date_from, date_to)
    for days in (EXPIRY_NOTICE_DAYS if expiring else None, expires_within):
        if days:
            today = timezone.localdate()
            rows = rows.filter(
                status=Registration.Status.APPROVED,
                protection_until__gte=today,
                protection_until__lte=today + datetime.timedelta(days=days),
            )
    return sort_by(rows, sort, SORTS, DEFAULT_SORT)


def _in_days(
    rows: QuerySet, field: str, start: datetime.date | None, end: datetime.date | None
) -> QuerySet:
    """`rows` whose moment `field` falls on the days [start, end] in the site's time zone."""
    zone = timezone.get_default_timezone()

    def aware(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), zone)

    if start:
        rows = rows.filter(**{f"{field}__gte": aware(start)})
    if end:
        rows = rows.filter(**{f"{field}__lt": aware(end + datetime.timedelta(days=1))})
    return rows


def registrations_total(page: Page, rows: QuerySet[Registration], cap: int) -> dict | None:
    """The count and summed estimated amount of every row of the filter, when the count is
    exact (at most `cap`): one more query, over rows the count already read."""
    count = page.paginator.count
    if count > cap:
        return None
    amount = 0
    if count:
        amount = rows.order_by().aggregate(total=Sum("estimated_amount"))["total"] or 0
    return {"count": count, "amount": amount}


def registrations_count(user: User, **filters: Any) -> int:
    rows, _sort = registrations_search(user, **filters)
    return rows.order_by().count()
