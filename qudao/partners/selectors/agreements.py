"""Reads of agreements, always through the data scope."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from qudao.core import scopes
from qudao.core import selectors as core_selectors
from qudao.core.models import User
from qudao.core.paging import sort_by

from ..models import Agreement, Partner
from .common import filtered

EXPIRING_DAYS = 30
SORTS = {
    "number": "number",
    "partner": "partner__name",
    "start": "start_date",
    "end": "end_date",
    "status": "status",
    "target": "annual_target",
    "created": "created_at",
}


def agreements_visible_to(user: User) -> QuerySet[Agreement]:
    rows = Agreement.objects.select_related(
        "partner", "partner__region", "partner__owner", "renewed_from"
    ).prefetch_related("territory", "product_lines")
    return scopes.visible(rows, user)


def agreement_get_for_user(user: User, pk: int) -> Agreement:
    """One agreement the user may see; any other is DoesNotExist (a 404), never the object."""
    return agreements_visible_to(user).select_related("created_by").get(pk=pk)


def agreements_search(
    user: User,
    *,
    q: str = "",
    status: str = "",
    partner: int | None = None,
    region: int | None = None,
    expiring: bool = False,
    sort: str = "",
    today: datetime.date | None = None,
) -> tuple[QuerySet[Agreement], str]:
    """The agreement list with its filters; returns the rows and the sort key applied.

    `region` matches agreements of partners in that region (or its offices) and agreements
    whose territory reaches it; `expiring` keeps active agreements ending within 30 days.
    """
    rows = agreements_visible_to(user)
    if q:
        rows = rows.filter(
            Q(number__icontains=q) | Q(partner__name__icontains=q) | Q(partner__code__icontains=q)
        )
    rows = filtered(rows, status=status, partner_id=partner)
    if region:
        ids = scopes.region_subtree_ids(region)
        covering = Agreement.territory.through.objects.filter(region_id__in=ids)
        rows = rows.filter(
            Q(partner__region_id__in=ids) | Q(pk__in=covering.values("agreement_id"))
        )
    if expiring:
        today = today or timezone.localdate()
        rows = rows.filter(
            status=Agreement.Status.ACTIVE,
            end_date__gte=today,
            end_date__lte=today + datetime.timedelta(days=EXPIRING_DAYS),
        )
    return sort_by(rows, sort, SORTS, "-start")


def agreement_history(agreement: Agreement) -> list[dict]:
    """The audit trail of one agreement; the caller has already checked the user may see it."""
    return core_selectors.audit_rows(core_selectors.audit_entries_for_object(agreement)[:100])


def agreement_approvals(user: User, agreement: Agreement):
    return core_selectors.approvals_for_object(user, agreement).order_by("-created_at", "-id")


def agreement_partners_writable(user: User) -> QuerySet[Partner]:
    """Partners the user may write agreements for (the services check it again)."""
    if user.is_partner_user:
        return Partner.objects.none()
    return scopes.visible(Partner.objects.exclude(status=Partner.Status.EXITED), user).order_by(
        "code"
    )
