"""Reads of the facts: sums over a period, grouped by unit, always from the rollups.

The dashboard and report readers take an optional product line (a ProductLine's pk): then they
read the product-line rollups (PartnerLineMonthFact, ScopeLineMonthFact, PipelineLineFact),
which have the same columns, so the callers group and sum them the same way."""

from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet, Sum

from qudao.core.models import User

from ..metrics import FACT_COLUMNS, FACT_SUMS, SUM
from ..models import (
    PartnerLineMonthFact,
    PartnerMonthFact,
    PartnerPeriodFact,
    PipelineFact,
    PipelineLineFact,
    ScopeLineMonthFact,
    ScopeMonthFact,
    ScopePipelineFact,
)
from ..periods import MONTH, Period
from ..scopes import visible_derived


def facts_visible_to(user: User) -> QuerySet[PartnerMonthFact]:
    """One row per partner and month (for rankings and per-partner figures)."""
    return visible_derived(PartnerMonthFact.objects.all(), user)


def partner_periods(period: Period) -> QuerySet:
    """One row per partner with its sums for `period`: the month facts for a month, the
    period facts for a quarter or a year (same columns; unscoped, for the worker)."""
    if period.kind == MONTH:
        return PartnerMonthFact.objects.filter(month=period.start)
    return PartnerPeriodFact.objects.filter(period_kind=period.kind, period_start=period.start)


def partner_periods_visible_to(
    user: User, period: Period, product_line: int | None = None
) -> QuerySet:
    """The partners' rows for `period` in the user's scope. With a product line, these are the
    product-line month facts of the period's months (one row per partner and month: group by
    partner to rank)."""
    if product_line is not None:
        rows = PartnerLineMonthFact.objects.filter(in_period(period), product_line_id=product_line)
        return visible_derived(rows, user)
    return visible_derived(partner_periods(period), user)


def totals_visible_to(user: User, product_line: int | None = None) -> QuerySet:
    """The rows to sum for totals, trends and per-region figures: the cube for vendor users
    (a few hundred rows a month), the partner's own facts for a partner user; with a product
    line, their product-line versions. All have the same columns (month, region, top_region,
    tier, owner and the sums)."""
    if product_line is not None:
        model = PartnerLineMonthFact if user.is_partner_user else ScopeLineMonthFact
        return visible_derived(model.objects.filter(product_line_id=product_line), user)
    if user.is_partner_user:
        return facts_visible_to(user)
    return visible_derived(ScopeMonthFact.objects.all(), user)


def pipeline_visible_to(user: User, product_line: int | None = None) -> QuerySet[PipelineFact]:
    """The open pipeline to sum by stage or region: the pipeline cube for vendor users (a few
    hundred rows), the partner's own rows for a partner user; all lines or one product line.
    All have the same columns (stage_code, region, top_region, tier, owner, project_count,
    amount)."""
    if not user.is_partner_user:
        # product_line None: the rows of every line (product_line IS NULL)
        return visible_derived(ScopePipelineFact.objects.filter(product_line_id=product_line), user)
    if product_line is not None:
        return visible_derived(PipelineLineFact.objects.filter(product_line_id=product_line), user)
    return visible_derived(PipelineFact.objects.all(), user)


SUMMED = tuple(column for column in FACT_COLUMNS if column.aggregation == SUM)


def in_period(period: Period) -> Q:
    return Q(month__gte=period.start, month__lte=period.end)


def _sums() -> dict[str, Sum]:
    return {field: Sum(field) for field in FACT_SUMS}


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {column.name: row.get(column.name) or column.zero() for column in SUMMED}


def empty_sums() -> dict[str, Any]:
    return _clean({})


def fact_sums(rows: QuerySet[PartnerMonthFact]) -> dict[str, Any]:
    """The summed fact columns of `rows` (zeros when there are none)."""
    return _clean(rows.aggregate(**_sums()))


def fact_sums_by(rows: QuerySet[PartnerMonthFact], field: str) -> dict[Any, dict[str, Any]]:
    """The summed fact columns of `rows` per value of `field` (e.g. partner_id, top_region_id)."""
    found: dict[Any, dict[str, Any]] = defaultdict(lambda: _clean({}))
    for row in rows.values(field).annotate(**_sums()).order_by():
        found[row[field]] = _clean(row)
    return found
