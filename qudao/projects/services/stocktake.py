"""Project stock-take (项目盘点): open a round over a region (or everywhere), owners confirm or
correct each open project's status, amount and expected close date, managers chase the
unconfirmed ones, and the round is closed.

A correction goes through the same services as any other change (project_update for the amount
and date, the closing services for the status), so it is checked, locked and audited alike.
Entries are created in bulk batches: opening a round over every region costs a handful of
queries per 2,000 projects, not one per project.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import roles, state
from qudao.core.errors import ConflictError, PermissionDenied
from qudao.core.models import Region, User
from qudao.core.scopes import region_subtree_ids
from qudao.core.services.audit import audit_created
from qudao.core.services.notifications import notify

from ..models import Project, StockTake, StockTakeEntry
from .cleaning import ProjectCleaner, pk_of
from .closing import project_lose, project_resume, project_suspend, project_win
from .common import in_region, is_hq
from .projects import project_update

# The projects a round asks about: the ones still being worked on.
OPEN_STATUSES = (Project.Status.ACTIVE, Project.Status.SUSPENDED)
# What an owner may set the status to in a round.
CORRECTABLE = (
    Project.Status.ACTIVE,
    Project.Status.SUSPENDED,
    Project.Status.WON,
    Project.Status.LOST,
)
BATCH = 2000
# The one map of allowed moves of a stock-take round (checked by core.state).
STOCKTAKE_MOVES = {
    StockTake.Status.OPEN: {StockTake.Status.CLOSED},
    StockTake.Status.CLOSED: set(),
}


def stocktake_can_open(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_partner_user
        and (is_hq(user) or (user.has_role(roles.Code.REGIONAL_MANAGER) and bool(user.region_id)))
    )


def stocktake_can_manage(user: User, stocktake: StockTake) -> bool:
    """Close the round, or confirm for an owner: whoever opened it, HQ, or the regional manager
    of the round's region."""
    if not stocktake_can_open(user):
        return False
    return (
        is_hq(user)
        or stocktake.opened_by_id == user.pk
        or (stocktake.region_id is not None and in_region(user, stocktake.region_id))
    )


def stocktake_open(*, actor: User, data: dict[str, Any]) -> StockTake:
    """Open a round over `data["region"]` (HQ may leave it empty: every region; a regional
    manager only within their own region). One open round per region at a time."""
    if not stocktake_can_open(actor):
        raise PermissionDenied(_("Only managers can open a project stock-take."))
    c = ProjectCleaner(data)
    c.text("title", required=True, max_length=100)
    due = c.date("due_date", required=True)
    c.text("note", max_length=2000)
    raw = pk_of(data.get("region"))
    region = Region.objects.filter(pk=raw).first() if str(raw or "").isdigit() else None
    if raw not in (None, "") and region is None:
        c.errors["region"] = _("Choose a region.")
    elif region is None and not is_hq(actor):
        c.errors["region"] = _("Choose your region.")
    elif region is not None and not is_hq(actor) and not in_region(actor, region.pk):
        c.errors["region"] = _("You can take stock of your own region only.")
    if due and due < timezone.localdate():
        c.errors["due_date"] = _("The date is in the past.")
    values = c.check()
    with transaction.atomic():
        if region is not None:
            # Serialise openings so that two rounds over one region cannot both start.
            Region.objects.select_for_update().filter(pk=region.pk).first()
        if StockTake.objects.filter(status=StockTake.Status.OPEN, region=region).exists():
            raise ConflictError(_("A stock-take of this region is already open; close it first."))
        stocktake = StockTake.objects.create(region=region, opened_by=actor, **values)
        projects = Project.objects.filter(status__in=OPEN_STATUSES)
        if region is not None:
            projects = projects.filter(region_id__in=region_subtree_ids(region.pk))
        rows = projects.order_by("pk").values_list(
            "pk", "owner_id", "status", "amount", "expected_close_date"
        )
        owners: set[int] = set()
        batch: list[StockTakeEntry] = []
        for pk, owner_id, status, amount, close_date in rows.iterator(chunk_size=BATCH):
            owners.add(owner_id)
            batch.append(
                StockTakeEntry(
                    stocktake=stocktake,
                    project_id=pk,
                    owner_id=owner_id,
                    status_before=status,
                    amount_before=amount,
                    close_date_before=close_date,
                )
            )
            if len(batch) >= BATCH:
                StockTakeEntry.objects.bulk_create(batch)
                batch = []
        StockTakeEntry.objects.bulk_create(batch)
        audit_created(actor=actor, obj=stocktake)
        transaction.on_commit(
            lambda: notify(
                recipients=User.objects.filter(pk__in=owners, is_active=True),
                title=gettext_lazy("Project stock-take %(title)s: confirm your projects"),
                body=gettext_lazy(
                    "Confirm or correct the status, amount and expected close date of each of "
                    "your open projects by %(due)s."
                ),
                params={"title": stocktake.title, "due": stocktake.due_date.isoformat()},
            )
        )
    return stocktake


def stocktake_confirm(
    *, actor: User, entry: StockTakeEntry, data: dict[str, Any] | None = None
) -> StockTakeEntry:
    """The owner confirms the project's values as they are, or corrects some of them (status,
    amount, expected_close_date; a correction to lost needs the reason in `note`)."""
    data = data or {}
    stocktake = entry.stocktake
    project = Project.objects.select_related("partner", "owner").get(pk=entry.project_id)
    if actor.pk != project.owner_id and not stocktake_can_manage(actor, stocktake):
        raise PermissionDenied(_("Only the project's owner or a manager can confirm it."))
    c = ProjectCleaner(data, partial=True)
    status = c.text("status", max_length=10)
    if status and status not in CORRECTABLE:
        c.errors["status"] = _("Choose one of the options.")
    c.amount("amount")
    c.date("expected_close_date")
    note = c.text("note", max_length=300) or ""
    if status == Project.Status.LOST and not note:
        c.errors["note"] = _("Give the reason the project was lost.")
    values = c.check()
    with transaction.atomic():
        entry = StockTakeEntry.objects.select_for_update().get(pk=entry.pk)
        stocktake = StockTake.objects.get(pk=entry.stocktake_id)
        if not stocktake.is_open:
            raise ConflictError(_("This stock-take is closed."))
        if entry.status != StockTakeEntry.Status.PENDING:
            raise ConflictError(_("This project is already confirmed in this stock-take."))
        changes = {
            field: values[field]
            for field in ("amount", "expected_close_date")
            if field in values and values[field] != getattr(project, field)
        }
        if changes:
            project = project_update(actor=actor, project=project, data=changes)
        new_status = values.get("status") or project.status
        if new_status != project.status:
            project = _status_set(actor, project, new_status, note)
        entry.status = (
            StockTakeEntry.Status.CORRECTED
            if changes or new_status != entry.status_before
            else StockTakeEntry.Status.CONFIRMED
        )
        entry.status_after = project.status
        entry.amount_after = project.amount
        entry.close_date_after = project.expected_close_date
        entry.note = note
        entry.confirmed_by = actor
        entry.confirmed_at = timezone.now()
        entry.save()
    return entry


def _status_set(actor: User, project: Project, status: str, note: str) -> Project:
    if status == Project.Status.WON:
        return project_win(actor=actor, project=project, reason=note)
    if status == Project.Status.LOST:
        return project_lose(actor=actor, project=project, reason=note)
    if status == Project.Status.SUSPENDED:
        return project_suspend(
            actor=actor, project=project, reason=note or _("Put on hold in a stock-take.")
        )
    return project_resume(actor=actor, project=project)


def stocktake_close(*, actor: User, stocktake: StockTake) -> StockTake:
    """End the round; entries still pending stay as the unconfirmed projects of the round."""
    if not stocktake_can_manage(actor, stocktake):
        raise PermissionDenied(_("You cannot close this stock-take."))
    with transaction.atomic():
        stocktake = state.locked(stocktake)
        stocktake.closed_by = actor
        stocktake.closed_at = timezone.now()
        pending = stocktake.entries.filter(status=StockTakeEntry.Status.PENDING).count()
        state.transition(
            stocktake,
            StockTake.Status.CLOSED,
            STOCKTAKE_MOVES,
            actor=actor,
            note=_("%(count)s unconfirmed") % {"count": pending},
            also=("closed_by", "closed_at"),
        )
    return stocktake
