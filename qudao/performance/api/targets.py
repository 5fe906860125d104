"""Targets API: targets within the caller's scope, with their attainment, and their
decomposition into the children's targets."""

from decimal import Decimal

from ninja import Field, Query, Router, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import ErrorOut, InputSchema, PageIn, page_of, page_schema

from .. import services
from ..metrics import METRICS
from ..models import Target
from ..selectors.targets import target_get_for_user, targets_search, with_attainment
from .common import UnitPeriodOut, optional_period

router = Router()


class TargetOut(UnitPeriodOut):
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


class TargetFilter(PageIn):
    period: str = ""
    metric: str = ""
    unit_kind: str = ""


TargetPage = page_schema("TargetPage", TargetOut)


def target_out(user, pk: int) -> Target:
    """The target as the caller sees it, with its attainment."""
    target = target_get_for_user(user, pk)
    with_attainment([target])
    return target


def children_out(target: Target) -> list[Target]:
    return with_attainment(list(target.children.select_related("region", "partner", "person")))


@router.get("/targets", response={200: TargetPage, **ERRORS})
def target_list(request, filters: Query[TargetFilter]):
    rows = targets_search(
        request.user,
        period=optional_period(filters.period),
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
    return Status(201, target_out(request.user, target.pk))


@router.get("/targets/{target_id}", response={200: TargetOut, 404: ErrorOut})
def target_detail(request, target_id: int):
    return target_out(request.user, target_id)


@router.get("/targets/{target_id}/children", response={200: list[TargetOut], **ERRORS})
def target_children(request, target_id: int):
    return children_out(target_get_for_user(request.user, target_id))


@router.put("/targets/{target_id}/children", response={200: list[TargetOut], **ERRORS})
def target_decompose(request, target_id: int, payload: ChildrenIn):
    target = target_get_for_user(request.user, target_id)
    services.target_children_set(actor=request.user, parent=target, values=payload.values)
    return children_out(target)


@router.patch("/targets/{target_id}", response={200: TargetOut, **ERRORS})
def target_update(request, target_id: int, payload: TargetPatch):
    target = target_get_for_user(request.user, target_id)
    services.target_update(
        actor=request.user, target=target, value=payload.value, note=payload.note
    )
    return target_out(request.user, target_id)


@router.delete("/targets/{target_id}", response={204: None, **ERRORS})
def target_delete(request, target_id: int):
    target = target_get_for_user(request.user, target_id)
    services.target_delete(actor=request.user, target=target)
    return Status(204, None)
