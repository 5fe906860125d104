"""Reads of the stock-take rounds (盘点) and their entries. A round is not one project's, so
every read filters through the user's scope: HQ sees every round, a regional manager those of
their region, anyone else the rounds that ask about one of their projects."""

from django.db.models import Count, Q, QuerySet

from qudao.core.models import User
from qudao.core.scopes import user_region_ids

from ..models import StockTake, StockTakeEntry
from ..services.common import is_hq
from ..services.stocktake import stocktake_can_open
from .projects import projects_visible_to


def stocktakes_visible_to(user: User) -> QuerySet[StockTake]:
    """HQ: every round. A regional manager: the rounds over their region (and those over every
    region). Anyone else: the rounds that ask about one of their projects."""
    rows = StockTake.objects.select_related("region", "opened_by", "closed_by")
    if not (user.is_authenticated and user.is_active) or user.is_partner_user:
        return rows.none()
    if is_hq(user):
        return rows
    q = Q(pk__in=StockTakeEntry.objects.filter(project__owner=user).values("stocktake_id"))
    if stocktake_can_open(user):
        q |= Q(region__isnull=True) | Q(region_id__in=user_region_ids(user))
    return rows.filter(q)


def stocktake_get_for_user(user: User, pk: int) -> StockTake:
    return stocktakes_visible_to(user).get(pk=pk)


def stocktake_entries(
    user: User, stocktake: StockTake, *, status: str = "", mine: bool = False
) -> QuerySet[StockTakeEntry]:
    """The round's entries the user may see (their scope's projects), pending first."""
    rows = stocktake.entries.select_related(
        "project__region", "project__partner", "owner", "confirmed_by"
    )
    if mine or not stocktake_can_open(user):
        rows = rows.filter(project__owner=user)
    elif not is_hq(user):
        rows = rows.filter(project__in=projects_visible_to(user).values("pk"))
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "project__code", "id")


def stocktake_progress(entries: QuerySet[StockTakeEntry]) -> dict[str, int]:
    """How many entries are in each status (one query)."""
    counts = dict.fromkeys(StockTakeEntry.Status.values, 0)
    for row in entries.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts.values())
    return counts


def stocktake_entry_get(user: User, stocktake: StockTake, pk: int) -> StockTakeEntry:
    return stocktake_entries(user, stocktake).get(pk=pk)


def my_pending_entries(user: User) -> QuerySet[StockTakeEntry]:
    """The user's projects still to confirm in open rounds."""
    return StockTakeEntry.objects.filter(
        project__owner=user,
        status=StockTakeEntry.Status.PENDING,
        stocktake__status=StockTake.Status.OPEN,
    ).select_related("stocktake", "project")
