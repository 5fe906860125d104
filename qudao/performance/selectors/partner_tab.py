"""The partner 360's performance tabs (partners' archive page, core.hooks.detail_tab "partner"):
the partner's targets with their attainment, scorecards and rebate statements the user may see,
each summed in one query, and the latest rows."""

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.http import urlencode

from qudao.core.models import User

from ..metrics import AMOUNT, FACT_COLUMNS, METRICS
from ..models import RebateStatement, Scorecard, Target, UnitKind
from .kpi import scorecards_visible_to
from .rebates import statements_visible_to
from .targets import targets_visible_to, with_attainment

LATEST = 20
# Metrics counted in CNY (shown as money); the others are counts or percentages.
MONEY_METRICS = frozenset(
    column.name for column in FACT_COLUMNS if column.kind == AMOUNT and column.metric is not None
)


def partner_search_url(url_name: str, partner) -> str:
    """A performance list searched for the partner's name (its lists have no partner id filter)."""
    return f"{reverse(url_name)}?{urlencode({'q': partner.name})}"


# --- targets ----------------------------------------------------------------------------------


def partner_targets(user: User, partner) -> QuerySet[Target]:
    """The partner's own targets (unit: the partner) in `user`'s scope."""
    return targets_visible_to(user).filter(unit_kind=UnitKind.PARTNER, partner=partner)


def partner_targets_latest(user: User, partner, limit: int = LATEST) -> list[Target]:
    """The latest targets, newest period first, each with .actual and .attainment (a bounded
    number of grouped queries, not one a row), .unit and .is_money."""
    rows = list(
        partner_targets(user, partner)
        .select_related(None)
        .select_related("partner")
        .order_by("-period_start", "metric", "pk")[:limit]
    )
    with_attainment(rows)
    for target in rows:
        metric = METRICS.get(target.metric)
        target.unit = metric.unit if metric else ""
        target.is_money = target.metric in MONEY_METRICS
    return rows


def partner_targets_count(user: User, partner) -> int:
    return partner_targets(user, partner).order_by().count()


# --- scorecards -------------------------------------------------------------------------------


def partner_scorecards(user: User, partner) -> QuerySet[Scorecard]:
    return scorecards_visible_to(user).filter(partner=partner)


def partner_scorecards_summary(user: User, partner) -> dict[str, Any]:
    """How many scorecards, how many below their warning line and the average score."""
    return (
        partner_scorecards(user, partner)
        .select_related(None)
        .order_by()
        .aggregate(
            total=Count("pk"),
            below=Count("pk", filter=Q(below_warning=True)),
            average=Avg("total_score"),
        )
    )


def partner_scorecards_latest(user: User, partner, limit: int = LATEST) -> list[Scorecard]:
    rows = (
        partner_scorecards(user, partner)
        .select_related(None)
        .select_related("scheme")
        .order_by("-period_start", "-pk")
    )
    return list(rows[:limit])


# --- rebate statements ------------------------------------------------------------------------


def partner_statements(user: User, partner) -> QuerySet[RebateStatement]:
    return statements_visible_to(user).filter(partner=partner)


def partner_statements_summary(user: User, partner) -> dict[str, Any]:
    """How many statements and their rebate totals: all, and approved or issued."""
    settled = Q(status__in=(RebateStatement.Status.APPROVED, RebateStatement.Status.ISSUED))
    sums = (
        partner_statements(user, partner)
        .select_related(None)
        .order_by()
        .aggregate(
            total=Count("pk"),
            amount=Sum("total_amount"),
            settled=Count("pk", filter=settled),
            settled_amount=Sum("total_amount", filter=settled),
        )
    )
    zero = Decimal("0")
    return sums | {
        "amount": sums["amount"] or zero,
        "settled_amount": sums["settled_amount"] or zero,
    }


def partner_statements_latest(user: User, partner, limit: int = LATEST) -> list[RebateStatement]:
    rows = (
        partner_statements(user, partner)
        .select_related(None)
        .select_related("policy")
        .defer("policy_snapshot")
        .order_by("-period_start", "-pk")
    )
    return list(rows[:limit])
