"""Reads of a project's meetings and their action items."""

from django.db.models import Prefetch, QuerySet

from ..models import ActionItem, Meeting, Project


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
