"""Reads of a project's plan: milestones and tasks, and the Gantt chart's bars."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ..models import Project, WorkItem


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
