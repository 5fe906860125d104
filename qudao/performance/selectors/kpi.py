"""Reads of KPI schemes and scorecards."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from qudao.core import scopes
from qudao.core.listing import filter_given, text_search
from qudao.core.models import User
from qudao.core.paging import sort_by

from ..models import KpiScheme, Scorecard
from ..periods import Period
from ..scopes import vendor_only

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
    return vendor_only(user, schemes_all(), _("Partner users do not read KPI schemes."))


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
        rows = rows.filter(**period.lookup)
    rows = filter_given(rows, scheme_id=scheme, below_warning=below)
    rows = text_search(rows, q, ("partner__name", "region__name"))
    return sort_by(rows, sort, SORTS, "score")
