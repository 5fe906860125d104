"""Benchmarks API: each unit's value against the best of its group, within the caller's scope."""

from decimal import Decimal

from ninja import Query, Router

from qudao.core.api import ERRORS
from qudao.core.schemas import PageIn, page_of, page_schema

from ..selectors.benchmarks import benchmark_entries
from .common import UnitPeriodOut, period_param

router = Router()


class BenchmarkOut(UnitPeriodOut):
    id: int
    period: str
    group_kind: str
    group_key: str
    group_label: str
    metric: str
    unit: str
    partner_id: int | None
    value: Decimal
    best_value: Decimal
    gap: Decimal
    gap_percent: Decimal | None
    rank: int
    units: int
    is_best: bool


class BenchmarkFilter(PageIn):
    period: str = ""
    group_kind: str = ""
    group: str = ""
    metric: str = ""
    page_size: int = 50


BenchmarkPage = page_schema("BenchmarkPage", BenchmarkOut)


@router.get("/benchmarks", response={200: BenchmarkPage, **ERRORS})
def benchmark_list(request, filters: Query[BenchmarkFilter]):
    rows = benchmark_entries(
        request.user,
        period_param(filters.period),
        group_kind=filters.group_kind,
        group_key=filters.group,
        metric=filters.metric,
    )
    return page_of(rows, filters.page, filters.page_size)
