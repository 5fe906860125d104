"""Performance API (/api/v1/performance/…): dashboard data, targets and their decomposition, KPI
schemes and scorecards, rebate policies and statements, benchmarks, corrective actions and
alerts. Everything is scoped like the pages: an object outside the caller's scope is a 404; the
services' refusals are 403 / 409 / 422 with the same messages as the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.errors import ValidationError
from qudao.core.models import Region
from qudao.core.schemas import ErrorOut, InputSchema, choice, page_of
from qudao.partners.models import ProductLine, Tier
from qudao.partners.selectors import partner_get_for_user

from . import services
from .metrics import METRICS
from .models import Alert, CorrectiveAction, RebateStatement
from .periods import Period
from .selectors.actions import action_get_for_user, actions_search
from .selectors.alerts import alert_get_for_user, alerts_search
from .selectors.benchmarks import benchmark_entries
from .selectors.dashboard import Filters, dashboard_data
from .selectors.kpi import (
    schemes_all,
    schemes_visible_to,
    scorecard_get_for_user,
    scorecards_search,
)
from .selectors.rebates import (
    policies_all,
    policies_visible_to,
    statement_get_for_user,
    statements_search,
)
from .selectors.targets import target_get_for_user, targets_search, with_attainment

router = Router(tags=["performance"])


def _period(label: str | None, default_kind: str = "quarter") -> Period:
    if not label:
        return Period.current(default_kind)
    try:
        return Period.parse(label)
    except ValueError:
        raise ValidationError(
            {
                "period": _(
                    "Write the period as a year, a quarter or a month: 2026, 2026Q3, 2026-07."
                )
            }
        ) from None


# --- dashboard -----------------------------------------------------------------------------------


class DashboardQuery(Schema):
    period: str = ""
    region: int | None = None
    tier: str = ""
    product_line: str = Field("", description="a product line's code")


@router.get("/dashboard", response={200: dict[str, Any], **ERRORS})
def dashboard(request, query: Query[DashboardQuery]):
    region = Region.objects.filter(pk=query.region, parent=None).first() if query.region else None
    tier = query.tier if Tier.objects.filter(code=query.tier).exists() else ""
    line = None
    if query.product_line:
        line = ProductLine.objects.filter(code=query.product_line).first()
        if line is None:
            raise ValidationError({"product_line": _("Choose a product line from the list.")})
    return dashboard_data(request.user, Filters(_period(query.period), region, tier, line))


# --- targets -------------------------------------------------------------------------------------


class TargetOut(Schema):
    id: int
    unit_kind: str
    unit: str
    region_id: int | None
    partner_id: int | None
    person_id: int | None
    metric: str
    period: str
    value: Decimal
    actual: Decimal | None = None
    attainment: Decimal | None = None
    parent_id: int | None
    children_total: Decimal | None = None
    adds_up: bool = True
    note: str

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_label

    @staticmethod
    def resolve_period(obj):
        return obj.period_label


class TargetIn(InputSchema):
    unit_kind: str = Field(..., description="company, region, office, partner or person")
    region_id: int | None = None
    partner_id: int | None = None
    person_id: int | None = None
    metric: str = Field(..., description=", ".join(METRICS))
    period: str = Field(..., description="2026, 2026Q3 or 2026-07")
    value: Decimal
    parent_id: int | None = None
    note: str = Field("", max_length=200)


class TargetPatch(InputSchema):
    value: Decimal
    note: str | None = Field(None, max_length=200)


class ChildrenIn(InputSchema):
    values: dict[str, Decimal | None] = Field(..., description='{"partner:12": 500000, …}')


class TargetFilter(Schema):
    period: str = ""
    metric: str = ""
    unit_kind: str = ""
    page: int = 1
    page_size: int = 20


class TargetPage(Schema):
    items: list[TargetOut]
    count: int
    page: int
    page_size: int


def _target_out(user, pk: int):
    target = target_get_for_user(user, pk)
    with_attainment([target])
    return target


@router.get("/targets", response={200: TargetPage, **ERRORS})
def target_list(request, filters: Query[TargetFilter]):
    rows = targets_search(
        request.user,
        period=_period(filters.period) if filters.period else None,
        metric=filters.metric if filters.metric in METRICS else "",
        unit_kind=filters.unit_kind,
    )
    page = page_of(rows, filters.page, filters.page_size)
    with_attainment(page["items"])
    return page


@router.post("/targets", response={201: TargetOut, **ERRORS})
def target_create(request, payload: TargetIn):
    parent = target_get_for_user(request.user, payload.parent_id) if payload.parent_id else None
    target = services.target_create(
        actor=request.user,
        data={
            "unit_kind": payload.unit_kind,
            "region": payload.region_id,
            "partner": payload.partner_id,
            "person": payload.person_id,
            "metric": payload.metric,
            "period": payload.period,
            "value": payload.value,
            "parent": parent,
            "note": payload.note,
        },
    )
    return Status(201, _target_out(request.user, target.pk))


@router.get("/targets/{target_id}", response={200: TargetOut, 404: ErrorOut})
def target_detail(request, target_id: int):
    return _target_out(request.user, target_id)


@router.get("/targets/{target_id}/children", response={200: list[TargetOut], **ERRORS})
def target_children(request, target_id: int):
    target = target_get_for_user(request.user, target_id)
    return with_attainment(list(target.children.select_related("region", "partner", "person")))


@router.put("/targets/{target_id}/children", response={200: list[TargetOut], **ERRORS})
def target_decompose(request, target_id: int, payload: ChildrenIn):
    target = target_get_for_user(request.user, target_id)
    services.target_children_set(actor=request.user, parent=target, values=payload.values)
    return with_attainment(list(target.children.select_related("region", "partner", "person")))


@router.patch("/targets/{target_id}", response={200: TargetOut, **ERRORS})
def target_update(request, target_id: int, payload: TargetPatch):
    target = target_get_for_user(request.user, target_id)
    services.target_update(
        actor=request.user, target=target, value=payload.value, note=payload.note
    )
    return _target_out(request.user, target_id)


@router.delete("/targets/{target_id}", response={204: None, **ERRORS})
def target_delete(request, target_id: int):
    target = target_get_for_user(request.user, target_id)
    services.target_delete(actor=request.user, target=target)
    return Status(204, None)


# --- KPI schemes and scorecards ------------------------------------------------------------------


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


class SchemeOut(Schema):
    id: int
    code: str
    name: str
    unit_kind: str
    tier: str | None = Field(None, alias="tier_id")
    period_kind: str
    warning_line: Decimal
    promotion_line: Decimal | None
    is_active: bool
    metrics: list[KpiMetricOut]

    @staticmethod
    def resolve_metrics(obj):
        return list(obj.metrics.all())


@router.get("/schemes", response={200: list[SchemeOut], **ERRORS})
def scheme_list(request):
    return list(schemes_visible_to(request.user))


@router.post("/schemes", response={201: SchemeOut, **ERRORS})
def scheme_create(request, payload: SchemeIn):
    data = payload.dict(exclude={"metrics"})
    scheme = services.kpi_scheme_save(
        actor=request.user, data=data, lines=[m.dict() for m in payload.metrics]
    )
    return Status(201, schemes_all().get(pk=scheme.pk))


@router.put("/schemes/{scheme_id}", response={200: SchemeOut, **ERRORS})
def scheme_update(request, scheme_id: int, payload: SchemeIn):
    scheme = get_object_or_404(schemes_visible_to(request.user), pk=scheme_id)
    data = payload.dict(exclude={"metrics"})
    services.kpi_scheme_save(
        actor=request.user, data=data, lines=[m.dict() for m in payload.metrics], scheme=scheme
    )
    return schemes_all().get(pk=scheme_id)


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


class ScorecardOut(Schema):
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

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_label

    @staticmethod
    def resolve_period(obj):
        return obj.period_label


class ScorecardDetailOut(ScorecardOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class ScorecardFilter(Schema):
    period: str = ""
    below: bool = False
    q: str = ""
    sort: str = ""
    page: int = 1
    page_size: int = 20


class ScorecardPage(Schema):
    items: list[ScorecardOut]
    count: int
    page: int
    page_size: int


class ComputeIn(InputSchema):
    period: str


class ManualScoreIn(InputSchema):
    score: Decimal
    note: str = Field("", max_length=500)


@router.get("/scorecards", response={200: ScorecardPage, **ERRORS})
def scorecard_list(request, filters: Query[ScorecardFilter]):
    rows, _sort = scorecards_search(
        request.user,
        period=_period(filters.period),
        below=filters.below,
        q=filters.q,
        sort=filters.sort,
    )
    return page_of(rows, filters.page, filters.page_size)


@router.post("/scorecards/compute", response={200: dict[str, Any], 202: dict[str, Any], **ERRORS})
def scorecard_compute(request, payload: ComputeIn):
    """HQ computes a period's scorecards: at once for a small channel, else by the worker (202)."""
    result = services.scorecards_compute_request(actor=request.user, period=_period(payload.period))
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


# --- rebates -------------------------------------------------------------------------------------


class BandOut(Schema):
    min_attainment: Decimal
    max_attainment: Decimal | None = None
    rebate_percent: Decimal


class BandIn(InputSchema, BandOut):
    """A band as sent: the members of BandOut and no other."""


class PolicyIn(InputSchema):
    code: str
    name: str
    period_kind: str = "quarter"
    tier: str | None = None
    bonus_per_new_customer: Decimal = Decimal("0")
    bonus_per_certification: Decimal = Decimal("0")
    is_active: bool = True
    bands: list[BandIn]


class PolicyOut(Schema):
    id: int
    code: str
    name: str
    period_kind: str
    tier: str | None = Field(None, alias="tier_id")
    bonus_per_new_customer: Decimal
    bonus_per_certification: Decimal
    is_active: bool
    version: int
    bands: list[BandOut]

    @staticmethod
    def resolve_bands(obj):
        return list(obj.bands.all())


@router.get("/rebate-policies", response={200: list[PolicyOut], **ERRORS})
def policy_list(request):
    return list(policies_visible_to(request.user))


@router.post("/rebate-policies", response={201: PolicyOut, **ERRORS})
def policy_create(request, payload: PolicyIn):
    policy = services.rebate_policy_save(
        actor=request.user,
        data=payload.dict(exclude={"bands"}),
        bands=[b.dict() for b in payload.bands],
    )
    return Status(201, policies_all().get(pk=policy.pk))


@router.put("/rebate-policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def policy_update(request, policy_id: int, payload: PolicyIn):
    policy = get_object_or_404(policies_visible_to(request.user), pk=policy_id)
    services.rebate_policy_save(
        actor=request.user,
        data=payload.dict(exclude={"bands"}),
        bands=[b.dict() for b in payload.bands],
        policy=policy,
    )
    return policies_all().get(pk=policy_id)


class RebateLineOut(Schema):
    kind: str
    description: str
    base: Decimal
    rate: Decimal
    amount: Decimal


class StatementOut(Schema):
    id: int
    number: str
    partner_id: int
    partner: str
    period: str
    status: str
    policy_id: int
    policy_version: int
    won_amount: Decimal
    target_amount: Decimal | None
    attainment: Decimal | None
    rebate_percent: Decimal
    total_amount: Decimal
    computed_at: datetime
    approved_at: datetime | None
    issued_at: datetime | None

    @staticmethod
    def resolve_partner(obj):
        return obj.partner.name

    @staticmethod
    def resolve_period(obj):
        return obj.period_label


class StatementDetailOut(StatementOut):
    lines: list[RebateLineOut]
    policy_snapshot: dict[str, Any]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class StatementFilter(Schema):
    period: str = ""
    status: choice(RebateStatement.Status) | None = None
    q: str = ""
    sort: str = ""
    page: int = 1
    page_size: int = 20


class StatementPage(Schema):
    items: list[StatementOut]
    count: int
    page: int
    page_size: int


class StatementIn(InputSchema):
    partner_id: int
    period: str


@router.get("/rebates", response={200: StatementPage, **ERRORS})
def statement_list(request, filters: Query[StatementFilter]):
    rows, _sort = statements_search(
        request.user,
        period=_period(filters.period) if filters.period else None,
        status=filters.status or "",
        q=filters.q,
        sort=filters.sort,
    )
    return page_of(rows, filters.page, filters.page_size)


@router.post("/rebates", response={200: StatementDetailOut, **ERRORS})
def statement_compute(request, payload: StatementIn):
    partner = partner_get_for_user(request.user, payload.partner_id)
    statement = services.rebate_statement_compute(
        actor=request.user, partner=partner, period=_period(payload.period)
    )
    return statement_get_for_user(request.user, statement.pk)


@router.get("/rebates/{statement_id}", response={200: StatementDetailOut, 404: ErrorOut})
def statement_detail(request, statement_id: int):
    return statement_get_for_user(request.user, statement_id)


@router.post("/rebates/{statement_id}/submit", response={200: StatementDetailOut, **ERRORS})
def statement_submit(request, statement_id: int):
    statement = statement_get_for_user(request.user, statement_id)
    services.rebate_statement_submit(actor=request.user, statement=statement)
    return statement_get_for_user(request.user, statement_id)


@router.post("/rebates/{statement_id}/issue", response={200: StatementDetailOut, **ERRORS})
def statement_issue(request, statement_id: int):
    statement = statement_get_for_user(request.user, statement_id)
    services.rebate_statement_issue(actor=request.user, statement=statement)
    return statement_get_for_user(request.user, statement_id)


# --- benchmarks ----------------------------------------------------------------------------------


class BenchmarkOut(Schema):
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

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_label

    @staticmethod
    def resolve_period(obj):
        return obj.period_label


class BenchmarkFilter(Schema):
    period: str = ""
    group_kind: str = ""
    group: str = ""
    metric: str = ""
    page: int = 1
    page_size: int = 50


class BenchmarkPage(Schema):
    items: list[BenchmarkOut]
    count: int
    page: int
    page_size: int


@router.get("/benchmarks", response={200: BenchmarkPage, **ERRORS})
def benchmark_list(request, filters: Query[BenchmarkFilter]):
    rows = benchmark_entries(
        request.user,
        _period(filters.period),
        group_kind=filters.group_kind,
        group_key=filters.group,
        metric=filters.metric,
    )
    return page_of(rows, filters.page, filters.page_size)


# --- corrective actions --------------------------------------------------------------------------


class CorrectiveActionOut(Schema):
    id: int
    number: str
    title: str
    source_kind: str
    source_ref: str
    partner_id: int | None
    region_id: int | None
    owner_id: int
    raised_by_id: int
    due_date: date
    plan: str
    evidence: str
    status: str
    submitted_at: datetime | None
    closed_at: datetime | None
    closed_on_time: bool | None
    verification_note: str
    escalated_at: datetime | None
    escalated_to_id: int | None


class CorrectiveActionIn(InputSchema):
    title: str = Field(..., max_length=200)
    source_kind: choice(CorrectiveAction.SourceKind) = CorrectiveAction.SourceKind.OTHER
    source_ref: str = Field("", max_length=200)
    partner_id: int | None = None
    region_id: int | None = None
    owner_id: int | None = None
    due_date: date | None = None
    plan: str = Field("", max_length=5000)


class TextIn(InputSchema):
    text: str = Field("", max_length=5000)


class ActionFilter(Schema):
    q: str = ""
    status: choice(CorrectiveAction.Status) | None = None
    source_kind: choice(CorrectiveAction.SourceKind) | None = None
    partner: int | None = None
    mine: bool = False
    overdue: bool = False
    sort: str = ""
    page: int = 1
    page_size: int = 20


class ActionPage(Schema):
    items: list[CorrectiveActionOut]
    count: int
    page: int
    page_size: int


@router.get("/actions", response={200: ActionPage, **ERRORS})
def action_list(request, filters: Query[ActionFilter]):
    rows, _sort = actions_search(
        request.user,
        q=filters.q,
        status=filters.status or "",
        source_kind=filters.source_kind or "",
        partner=filters.partner,
        mine=filters.mine,
        overdue=filters.overdue,
        sort=filters.sort,
    )
    return page_of(rows, filters.page, filters.page_size)


@router.post("/actions", response={201: CorrectiveActionOut, **ERRORS})
def action_create(request, payload: CorrectiveActionIn):
    partner = partner_get_for_user(request.user, payload.partner_id) if payload.partner_id else None
    action = services.action_create(
        actor=request.user,
        data={
            "title": payload.title,
            "source_kind": payload.source_kind,
            "source_ref": payload.source_ref,
            "partner": partner,
            "region": payload.region_id,
            "owner": payload.owner_id,
            "due_date": payload.due_date,
            "plan": payload.plan,
        },
    )
    return Status(201, action)


@router.get("/actions/{action_id}", response={200: CorrectiveActionOut, 404: ErrorOut})
def action_detail(request, action_id: int):
    return action_get_for_user(request.user, action_id)


@router.post("/actions/{action_id}/submit", response={200: CorrectiveActionOut, **ERRORS})
def action_submit(request, action_id: int, payload: TextIn):
    action = action_get_for_user(request.user, action_id)
    return services.action_submit(actor=request.user, action=action, evidence=payload.text)


@router.post("/actions/{action_id}/verify", response={200: CorrectiveActionOut, **ERRORS})
def action_verify(request, action_id: int, payload: TextIn):
    action = action_get_for_user(request.user, action_id)
    return services.action_verify(actor=request.user, action=action, note=payload.text)


@router.post("/actions/{action_id}/reject", response={200: CorrectiveActionOut, **ERRORS})
def action_reject(request, action_id: int, payload: TextIn):
    action = action_get_for_user(request.user, action_id)
    return services.action_reject(actor=request.user, action=action, note=payload.text)


@router.post("/actions/{action_id}/cancel", response={200: CorrectiveActionOut, **ERRORS})
def action_cancel(request, action_id: int, payload: TextIn):
    action = action_get_for_user(request.user, action_id)
    return services.action_cancel(actor=request.user, action=action, reason=payload.text)


# --- alerts --------------------------------------------------------------------------------------


class PerformanceAlertOut(Schema):
    id: int
    kind: str
    text: str
    partner_id: int | None
    region_id: int | None
    period: str
    value: Decimal | None
    threshold: Decimal | None
    status: str
    action_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_text(obj):
        return services.alert_text(obj)

    @staticmethod
    def resolve_period(obj):
        return obj.period_label


class AlertFilter(Schema):
    status: choice(Alert.Status) | None = None
    kind: choice(Alert.Kind) | None = None
    page: int = 1
    page_size: int = 20


class AlertPage(Schema):
    items: list[PerformanceAlertOut]
    count: int
    page: int
    page_size: int


@router.get("/alerts", response={200: AlertPage, **ERRORS})
def alert_list(request, filters: Query[AlertFilter]):
    rows = alerts_search(request.user, status=filters.status or "", kind=filters.kind or "")
    return page_of(rows, filters.page, filters.page_size)


@router.post("/alerts/{alert_id}/act", response={201: CorrectiveActionOut, **ERRORS})
def alert_act(request, alert_id: int):
    alert = alert_get_for_user(request.user, alert_id)
    return Status(201, services.alert_act(actor=request.user, alert=alert))
