"""Rebates API: HQ's rebate policies with their bands, and the partners' rebate statements
(list, detail, compute, submit for approval, issue)."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import ErrorOut, InputSchema, SearchIn, choice, page_schema, search_page
from qudao.partners.selectors import partner_get_for_user

from .. import services
from ..models import RebatePolicy, RebateStatement
from ..selectors.rebates import (
    policies_all,
    policies_visible_to,
    statement_get_for_user,
    statements_search,
)
from .common import PeriodOut, RuleOut, optional_period, period_param

router = Router()


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


class PolicyOut(RuleOut):
    bonus_per_new_customer: Decimal
    bonus_per_certification: Decimal
    version: int
    bands: list[BandOut]

    @staticmethod
    def resolve_bands(obj):
        return list(obj.bands.all())


class RebateLineOut(Schema):
    kind: str
    description: str
    base: Decimal
    rate: Decimal
    amount: Decimal


class StatementOut(PeriodOut):
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


class StatementDetailOut(StatementOut):
    lines: list[RebateLineOut]
    policy_snapshot: dict[str, Any]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class StatementFilter(SearchIn):
    period: str = ""
    status: choice(RebateStatement.Status) | None = None


StatementPage = page_schema("StatementPage", StatementOut)


class StatementIn(InputSchema):
    partner_id: int
    period: str


def policy_save(request, payload: PolicyIn, policy: RebatePolicy | None = None) -> RebatePolicy:
    saved = services.rebate_policy_save(
        actor=request.user,
        data=payload.dict(exclude={"bands"}),
        bands=[b.dict() for b in payload.bands],
        policy=policy,
    )
    return policies_all().get(pk=saved.pk)


def statement_step(request, statement_id: int, step: Callable[..., Any]) -> RebateStatement:
    """Run the service `step` on the caller's statement and return it as it is now."""
    statement = statement_get_for_user(request.user, statement_id)
    step(actor=request.user, statement=statement)
    return statement_get_for_user(request.user, statement_id)


@router.get("/rebate-policies", response={200: list[PolicyOut], **ERRORS})
def policy_list(request):
    return list(policies_visible_to(request.user))


@router.post("/rebate-policies", response={201: PolicyOut, **ERRORS})
def policy_create(request, payload: PolicyIn):
    return Status(201, policy_save(request, payload))


@router.put("/rebate-policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def policy_update(request, policy_id: int, payload: PolicyIn):
    policy = get_object_or_404(policies_visible_to(request.user), pk=policy_id)
    return policy_save(request, payload, policy)


@router.get("/rebates", response={200: StatementPage, **ERRORS})
def statement_list(request, filters: Query[StatementFilter]):
    return search_page(
        statements_search, request.user, filters, period=optional_period(filters.period)
    )


@router.post("/rebates", response={200: StatementDetailOut, **ERRORS})
def statement_compute(request, payload: StatementIn):
    partner = partner_get_for_user(request.user, payload.partner_id)
    statement = services.rebate_statement_compute(
        actor=request.user, partner=partner, period=period_param(payload.period)
    )
    return statement_get_for_user(request.user, statement.pk)


@router.get("/rebates/{statement_id}", response={200: StatementDetailOut, 404: ErrorOut})
def statement_detail(request, statement_id: int):
    return statement_get_for_user(request.user, statement_id)


@router.post("/rebates/{statement_id}/submit", response={200: StatementDetailOut, **ERRORS})
def statement_submit(request, statement_id: int):
    return statement_step(request, statement_id, services.rebate_statement_submit)


@router.post("/rebates/{statement_id}/issue", response={200: StatementDetailOut, **ERRORS})
def statement_issue(request, statement_id: int):
    return statement_step(request, statement_id, services.rebate_statement_issue)
