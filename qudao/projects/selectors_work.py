"""Reads of a project's work items, closing records, stock-takes, health and alerts.

Scope: every function that takes a `project` expects one loaded through
selectors.project_get_for_user (outside the user's scope: a 404 before anything here runs), and
looks children up only within it, so an id of another project's item is a 404 too. Reads that
do not start from one project (resource requests of a department, stock-takes) filter through
projects_visible_to. Every list loads its related rows with it: a fixed number of queries,
whatever the number of rows.
"""

import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from qudao.core.models import Department, User
from qudao.core.scopes import user_region_ids

from .models import (
    ActionItem,
    FollowUpVisit,
    Handover,
    Meeting,
    Project,
    ProjectAlert,
    ProjectIssue,
    ProjectReport,
    ResourceRequest,
    Risk,
    StockTake,
    StockTakeEntry,
    WeeklyReport,
    WorkItem,
)
from .selectors import projects_visible_to
from .services.closing import can_evaluate, can_write_report
from .services.common import can_edit, is_hq
from .services.health import reason_text
from .services.meetings import can_answer
from .services.stocktake import can_open_stocktake

# --- the plan -----------------------------------------------------------------------------------


def work_items_of(project: Project) -> QuerySet[WorkItem]:
    return project.work_items.select_related("owner", "depends_on").order_by(
        "due_date", "start_date", "id"
    )


def work_item_get(project: Project, pk: int) -> WorkItem:
    return project.work_items.select_related("project").get(pk=pk)


def gantt_data(project: Project, today: datetime.date | None = None) -> dict[str, Any]:
    """What the Gantt chart draws: the stages (done, current, planned from target durations)
    and the plan's milestones and tasks, with dates as ISO strings. Two queries."""
    today = today or timezone.localdate()
    stages = []
    cursor = None
    for stage in project.stages.select_related("definition").order_by("order"):
        start = timezone.localdate(stage.entered_at) if stage.entered_at else cursor or today
        if stage.completed_at:
            end = timezone.localdate(stage.completed_at)
        else:
            end = max(start + datetime.timedelta(days=stage.definition.target_days), today)
        stages.append(
            {
                "name": stage.definition.name,
                "status": stage.status,
                "status_label": stage.get_status_display(),
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
        )
        cursor = end
    items = [
        {
            "id": item.pk,
            "name": item.name,
            "kind": item.kind,
            "status": item.status,
            "status_label": item.get_status_display(),
            "owner": str(item.owner) if item.owner_id else "",
            "start": (item.start_date or item.due_date).isoformat(),
            "end": item.due_date.isoformat(),
            "depends_on": item.depends_on_id,
            "overdue": item.is_open and item.due_date < today,
        }
        for item in work_items_of(project)
    ]
    return {"today": today.isoformat(), "stages": stages, "items": items}


# --- risks, issues, meetings, weekly reports ----------------------------------------------------


def risks_of(project: Project, *, status: str = "") -> QuerySet[Risk]:
    rows = project.risks.select_related("owner")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "-probability", "-impact", "id")


def risk_get(project: Project, pk: int) -> Risk:
    return project.risks.select_related("project").get(pk=pk)


def risk_matrix(project: Project) -> list[list[int]]:
    """Open risks counted per (impact 5→1, probability 1→5) cell, for the heat map."""
    cells = [[0] * 5 for _ in range(5)]
    for probability, impact in project.risks.exclude(status=Risk.Status.CLOSED).values_list(
        "probability", "impact"
    ):
        cells[5 - impact][probability - 1] += 1
    return cells


def issues_of(project: Project, *, status: str = "") -> QuerySet[ProjectIssue]:
    rows = project.issues.select_related("owner")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "-created_at", "-id")


def issue_get(project: Project, pk: int) -> ProjectIssue:
    return project.issues.select_related("project").get(pk=pk)


def meetings_of(project: Project) -> QuerySet[Meeting]:
    actions = ActionItem.objects.select_related("owner", "closed_by").order_by("due_date", "id")
    return (
        project.meetings.select_related("created_by")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("-held_at", "-id")
    )


def meeting_get(project: Project, pk: int) -> Meeting:
    return meetings_of(project).select_related("project").get(pk=pk)


def action_items_of(project: Project, *, open_only: bool = False) -> QuerySet[ActionItem]:
    rows = project.action_items.select_related("owner", "meeting", "closed_by")
    if open_only:
        rows = rows.filter(status=ActionItem.Status.OPEN)
    return rows.order_by("status", "due_date", "id")


def action_item_get(project: Project, pk: int) -> ActionItem:
    return project.action_items.select_related("project").get(pk=pk)


def weekly_reports_of(project: Project) -> QuerySet[WeeklyReport]:
    return project.weekly_reports.select_related("author").order_by("-week_start", "author_id")


def weekly_report_mine(project: Project, user: User, day: datetime.date) -> WeeklyReport | None:
    year, week, _weekday = day.isocalendar()
    return project.weekly_reports.filter(author=user, iso_year=year, iso_week=week).first()


# --- resource requests --------------------------------------------------------------------------


def resource_requests_of(project: Project) -> QuerySet[ResourceRequest]:
    return project.resource_requests.select_related(
        "department", "requested_by", "responded_by"
    ).order_by("-created_at", "-id")


def resource_requests_visible_to(user: User) -> QuerySet[ResourceRequest]:
    """Requests of projects in the user's scope, and those routed to the user's department
    (the department answers them without seeing the rest of the project)."""
    rows = ResourceRequest.objects.select_related(
        "project", "department", "requested_by", "responded_by"
    )
    if is_hq(user):
        return rows
    q = Q(project__in=projects_visible_to(user).values("pk"))
    if not user.is_partner_user and user.department_id:
        q |= Q(department_id=user.department_id)
    return rows.filter(q)


def resource_requests_search(
    user: User, *, department: int | None = None, status: str = ""
) -> QuerySet[ResourceRequest]:
    rows = resource_requests_visible_to(user)
    if department:
        rows = rows.filter(department_id=department)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def resource_request_get_for_user(user: User, pk: int) -> ResourceRequest:
    return resource_requests_visible_to(user).get(pk=pk)


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("name")


# --- closing ------------------------------------------------------------------------------------


def handovers_of(project: Project) -> QuerySet[Handover]:
    return project.handovers.select_related("requested_by", "approval").order_by(
        "-requested_at", "-id"
    )


def handover_get(project: Project, pk: int) -> Handover:
    return project.handovers.select_related("project", "approval").get(pk=pk)


def visits_of(project: Project) -> QuerySet[FollowUpVisit]:
    return project.visits.select_related("visited_by").order_by("-visited_on", "-id")


def reports_of(project: Project) -> dict[str, ProjectReport]:
    return {r.kind: r for r in project.reports.select_related("author")}


def closing_permissions(user: User, project: Project) -> dict[str, bool]:
    """What the closing tab offers `user`, decided by the services' own rules."""
    editor = can_edit(user, project)
    return {
        "edit": editor,
        "evaluation": can_evaluate(user, project),
        "summary": can_write_report(user, project, ProjectReport.Kind.SUMMARY),
        "close": editor and not user.is_partner_user,
    }


def can_answer_request(user: User, request: ResourceRequest) -> bool:
    return can_answer(user, request)


# --- health -------------------------------------------------------------------------------------


def health_reasons(project: Project) -> list[dict[str, Any]]:
    return [{**reason, "text": reason_text(reason)} for reason in (project.health_reasons or [])]


def alerts_of(project: Project) -> QuerySet[ProjectAlert]:
    return project.alerts.order_by("-raised_at", "-id")


# --- stock-takes --------------------------------------------------------------------------------


def stocktakes_visible_to(user: User) -> QuerySet[StockTake]:
    """HQ: every round. A regional manager: the rounds over their region (and those over every
    region). Anyone else: the rounds that ask about one of their projects."""
    rows = StockTake.objects.select_related("region", "opened_by", "closed_by")
    if not (user.is_authenticated and user.is_active) or user.is_partner_user:
        return rows.none()
    if is_hq(user):
        return rows
    q = Q(pk__in=StockTakeEntry.objects.filter(project__owner=user).values("stocktake_id"))
    if can_open_stocktake(user):
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
    if mine or not can_open_stocktake(user):
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
