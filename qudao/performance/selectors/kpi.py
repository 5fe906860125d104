"""Reads of KPI schemes and scorecards."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from qudao.core import scopes
from qudao.core.errors import PermissionDenied
from qudao.core.models import User
from qudao.core.paging import sort_by

from ..models import KpiScheme, Scorecard
from ..periods import Period

SORTS = {
    "unit": "unit_key",
    "partner": "partner__name",
    "score": "total_score",
    "period": "period_start",
    "computed": "computed_at",
}


def schemes_all() -> QuerySet[KpiScheme]:
    """Every scheme, unscoped: for services and the worker. Pages and the API read
    `schemes_visible_to`."""
    return KpiScheme.objects.select_related("tier").prefetch_related("metrics")


def schemes_visible_to(user: User) -> QuerySet[KpiScheme]:
    """Schemes are channel policy: every vendor user may read them, partner users may not (the
    one rule for the pages and the API)."""
    if not user.is_authenticated or user.is_partner_user:
        raise PermissionDenied(_("Partner users do not read KPI schemes."))
    return schemes_all()


def scheme_get_for_user(user: User, pk: int) -> KpiScheme:
    return schemes_visible_to(user).get(pk=pk)


def scorecards_visible_to(user: User) -> QuerySet[Scorecard]:
    return scopes.visible(
        Scorecard.objects.select_related(
            "scheme", "partner", "region", "evaluation", "tier_change"
        ),
        user,
    )


def scorecard_get_for_user(user: User, pk: int) -> Scorecard:
    return scorecards_visible_to(user).get(pk=pk)


def scorecards_search(
    user: User,
    *,
    period: Period | None = None,
    scheme: int | None = None,
    below: bool = False,
    q: str = "",
    sort: str = "",
) -> tuple[QuerySet[Scorecard], str]:
    rows = scorecards_visible_to(user)
    if period is not None:
        rows = rows.filter(period_kind=period.kind, period_start=period.start)
    if scheme:
        rows = rows.filter(scheme_id=scheme)
    if below:
        rows = rows.filter(below_warning=True)
    if q:
        rows = rows.filter(Q(partner__name__icontains=q) | Q(region__name__icontains=q))
    return sort_by(rows, sort, SORTS, "score")
