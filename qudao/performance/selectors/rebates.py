"""Reads of rebate policies and statements."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from qudao.core import scopes
from qudao.core.errors import PermissionDenied
from qudao.core.models import User
from qudao.core.paging import sort_by

from ..models import RebatePolicy, RebateStatement
from ..periods import Period

SORTS = {
    "number": "number",
    "partner": "partner__name",
    "period": "period_start",
    "total": "total_amount",
    "status": "status",
}


def policies_all() -> QuerySet[RebatePolicy]:
    """Every policy, unscoped: for services and the worker. Pages and the API read
    `policies_visible_to`."""
    return RebatePolicy.objects.select_related("tier").prefetch_related("bands")


def policies_visible_to(user: User) -> QuerySet[RebatePolicy]:
    """Policies are channel policy: every vendor user may read them, partner users may not (the
    one rule for the pages and the API; a partner sees its own statements)."""
    if not user.is_authenticated or user.is_partner_user:
        raise PermissionDenied(_("Partner users do not read rebate policies."))
    return policies_all()


def policy_get_for_user(user: User, pk: int) -> RebatePolicy:
    return policies_visible_to(user).get(pk=pk)


def statements_visible_to(user: User) -> QuerySet[RebateStatement]:
    return scopes.visible(RebateStatement.objects.select_related("partner", "policy"), user)


def statement_get_for_user(user: User, pk: int) -> RebateStatement:
    return statements_visible_to(user).get(pk=pk)


def statements_search(
    user: User,
    *,
    period: Period | None = None,
    status: str = "",
    q: str = "",
    sort: str = "",
) -> tuple[QuerySet[RebateStatement], str]:
    rows = statements_visible_to(user)
    if period is not None:
        rows = rows.filter(period_kind=period.kind, period_start=period.start)
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(partner__name__icontains=q))
    return sort_by(rows, sort, SORTS, "-total")
