"""KPI API: HQ's KPI schemes, and the scorecards computed from them (list, detail, compute,
recompute, a manager's score on a qualitative line)."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import ErrorOut, InputSchema, PageIn, page_of, page_schema

from .. import services
from ..models import KpiScheme
from ..selectors.kpi import (
    schemes_all,
    schemes_visible_to,
    scorecard_get_for_user,
    scorecards_search,
)
from .common import RuleOut, UnitPeriodOut, period_param

router = Router()


class KpiMetricOut(Schema):
    metric: str
    name: str = ""
    weight: Decimal
    rule: str = Field(..., description="linear, threshold or manual")
    cap: Decimal | None = None
    thresholds: list[list[Decimal]] = []
    standard: Decimal | None = None


class KpiMetricIn(InputSchema, KpiMetricOut):
    """A metric line as sent: the members of KpiMetricOut and no other."""


class SchemeIn(InputSchema):
    code: str
    name: str
    unit_kind: str = "partner"
    tier: str | None = None
    period_kind: str = "quarter"
    warning_line: Decimal = Decimal("60")
    promotion_line: Decimal | None = None
    is_active: bool = True
    metrics: list[KpiMetricIn]


class SchemeOut(RuleOut):
    unit_kind: str
    warning_line: Decimal
    promotion_line: Decimal | None
    metrics: list[KpiMetricOut]

    @staticmethod
    def resolve_metrics(obj):
        return list(obj.metrics.all())


class LineOut(Schema):
    id: int
    metric: str
    name: str
    weight: Decimal
    rule: str
    target: Decimal | None
    actual: Decimal | None
    attainment: Decimal | None
    score: Decimal
    weighted: Decimal
    manual_score: Decimal | None


class ScorecardOut(UnitPeriodOut):
    id: int
    scheme_id: int
    unit_kind: str
    unit: str
    partner_id: int | None
    region_id: int | None
    period: str
    total_score: Decimal
    warning_line: Decimal
    below_warning: bool
    suggestion: str
    computed_at: datetime
    evaluation_id: int | None
    tier_change_id: int | None


class ScorecardDetailOut(ScorecardOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class ScorecardFilter(PageIn):
    period: str = ""
    below: bool = False
    q: str = ""
    sort: str = ""


ScorecardPage = page_schema("ScorecardPage", ScorecardOut)


class ComputeIn(InputSchema):
    period: str


class ManualScoreIn(InputSchema):
    score: Decimal
    note: str = Field("", max_length=500)


def scheme_save(request, payload: SchemeIn, scheme: KpiScheme | None = None) -> KpiScheme:
    saved = services.kpi_scheme_save(
        actor=request.user,
        data=payload.dict(exclude={"metrics"}),
        lines=[m.dict() for m in payload.metrics],
        scheme=scheme,
    )
    return schemes_all().get(pk=saved.pk)


@router.get("/schemes", response={200: list[SchemeOut], **ERRORS})
def scheme_list(request):
    return list(schemes_visible_to(request.user))


@router.post("/schemes", response={201: SchemeOut, **ERRORS})
def scheme_create(request, payload: SchemeIn):
    return Status(201, scheme_save(request, payload))


@router.put("/schemes/{scheme_id}", response={200: SchemeOut, **ERRORS})
def scheme_update(request, scheme_id: int, payload: SchemeIn):
    scheme = get_object_or_404(schemes_visible_to(request.user), pk=scheme_id)
    return scheme_save(request, payload, scheme)


@router.get("/scorecards", response={200: ScorecardPage, **ERRORS})
def scorecard_list(request, filters: Query[ScorecardFilter]):
    rows, _sort = scorecards_search(
        request.user,
        period=period_param(filters.period),
        below=filters.below,
        q=filters.q,
        sort=filters.sort,
    )
    return page_of(rows, filters.page, filters.page_size)


@router.post("/scorecards/compute", response={200: dict[str, Any], 202: dict[str, Any], **ERRORS})
def scorecard_compute(request, payload: ComputeIn):
    """HQ computes a period's scorecards: at once for a small channel, else by the worker (202)."""
    result = services.scorecards_compute_request(
        actor=request.user, period=period_param(payload.period)
    )
    return Status(202, result) if "enqueued" in result else result


@router.get("/scorecards/{scorecard_id}", response={200: ScorecardDetailOut, 404: ErrorOut})
def scorecard_detail(request, scorecard_id: int):
    return scorecard_get_for_user(request.user, scorecard_id)


@router.post("/scorecards/{scorecard_id}/recompute", response={200: ScorecardDetailOut, **ERRORS})
def scorecard_recompute(request, scorecard_id: int):
    card = scorecard_get_for_user(request.user, scorecard_id)
    services.scorecard_recompute(actor=request.user, scorecard=card)
    return scorecard_get_for_user(request.user, scorecard_id)


@router.post(
    "/scorecards/{scorecard_id}/lines/{line_id}/score",
    response={200: ScorecardDetailOut, **ERRORS},
)
def scorecard_score(request, scorecard_id: int, line_id: int, payload: ManualScoreIn):
    card = scorecard_get_for_user(request.user, scorecard_id)
    line = get_object_or_404(card.lines.all(), pk=line_id)
    services.scorecard_manual_score_set(
        actor=request.user, scorecard=card, line=line, score=payload.score, note=payload.note
    )
    return scorecard_get_for_user(request.user, scorecard_id)
