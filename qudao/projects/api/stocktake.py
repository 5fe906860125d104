"""Stock-take API (/api/v1/projects/stock-takes): open a round, list its entries (pending: the
unconfirmed projects), confirm or correct an entry, close the round."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import (
    ErrorOut,
    InputSchema,
    choice,
    page_of,
    page_schema,
    related_resolver,
    user_resolver,
)

from ..models import StockTakeEntry
from ..selectors.stocktake import (
    stocktake_entries,
    stocktake_entry_get,
    stocktake_get_for_user,
    stocktake_progress,
    stocktakes_visible_to,
)
from ..services import stocktake as services
from .common import payload_data

router = Router(tags=["project stock-take"])


class StockTakeOut(Schema):
    id: int
    title: str
    region_id: int | None
    region: str | None
    due_date: date
    note: str
    status: str
    opened_by: str
    opened_at: datetime
    closed_at: datetime | None

    resolve_region = related_resolver("region.name")
    resolve_opened_by = user_resolver("opened_by")


class StockTakeDetailOut(StockTakeOut):
    progress: dict[str, int]


class StockTakeIn(InputSchema):
    title: str = Field(..., max_length=100)
    region_id: int | None = Field(None, description="empty: every region (HQ only)")
    due_date: date
    note: str = Field("", max_length=2000)


class EntryOut(Schema):
    id: int
    project_id: int
    project_code: str
    project_name: str
    owner: str
    status: str
    status_before: str
    amount_before: Decimal
    close_date_before: date | None
    status_after: str
    amount_after: Decimal | None
    close_date_after: date | None
    note: str
    confirmed_at: datetime | None

    resolve_project_code = related_resolver("project.code")
    resolve_project_name = related_resolver("project.name")
    resolve_owner = user_resolver("owner")


EntryPage = page_schema("EntryPage", EntryOut)


class EntryFilter(Schema):
    status: choice(StockTakeEntry.Status) | None = None
    mine: bool = False
    page: int = 1
    page_size: int = 50


class ConfirmIn(InputSchema):
    status: str | None = Field(None, description="active, suspended, won or lost")
    amount: Decimal | None = None
    expected_close_date: date | None = None
    note: str = Field("", max_length=300)


def _detail(request, stocktake_id: int):
    stocktake = stocktake_get_for_user(request.user, stocktake_id)
    stocktake.progress = stocktake_progress(stocktake_entries(request.user, stocktake))
    return stocktake


@router.get("", response=list[StockTakeOut])
def stocktake_list(request):
    return list(stocktakes_visible_to(request.user)[:100])


@router.post("", response={201: StockTakeDetailOut, **ERRORS})
def stocktake_open(request, payload: StockTakeIn):
    """Open a round: every open project in the region gets an entry for its owner."""
    data = payload_data(payload, partial=False, renames={"region_id": "region"})
    stocktake = services.stocktake_open(actor=request.user, data=data)
    return Status(201, _detail(request, stocktake.pk))


@router.get("/{stocktake_id}", response={200: StockTakeDetailOut, 404: ErrorOut})
def stocktake_detail(request, stocktake_id: int):
    return _detail(request, stocktake_id)


@router.get("/{stocktake_id}/entries", response={200: EntryPage, 404: ErrorOut, 422: ErrorOut})
def stocktake_entry_list(request, stocktake_id: int, filters: Query[EntryFilter]):
    """The round's entries in your scope; status=pending lists the unconfirmed projects."""
    stocktake = stocktake_get_for_user(request.user, stocktake_id)
    rows = stocktake_entries(
        request.user, stocktake, status=filters.status or "", mine=filters.mine
    )
    return page_of(rows, filters.page, filters.page_size)


@router.post("/{stocktake_id}/entries/{entry_id}/confirm", response={200: EntryOut, **ERRORS})
def stocktake_entry_confirm(request, stocktake_id: int, entry_id: int, payload: ConfirmIn):
    """Confirm the values as they are (send nothing), or correct some of them."""
    stocktake = stocktake_get_for_user(request.user, stocktake_id)
    entry = stocktake_entry_get(request.user, stocktake, entry_id)
    data = {k: v for k, v in payload.dict().items() if v not in (None, "") or k == "note"}
    services.stocktake_confirm(actor=request.user, entry=entry, data=data)
    return stocktake_entry_get(request.user, stocktake, entry_id)


@router.post("/{stocktake_id}/close", response={200: StockTakeDetailOut, **ERRORS})
def stocktake_close(request, stocktake_id: int):
    stocktake = stocktake_get_for_user(request.user, stocktake_id)
    services.stocktake_close(actor=request.user, stocktake=stocktake)
    return _detail(request, stocktake_id)
