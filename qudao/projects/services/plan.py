"""The project plan: milestones and tasks (the Gantt), with their owners and dependencies."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.errors import ValidationError
from qudao.core.models import User
from qudao.core.services.audit import audit_deleted

from ..models import Project, WorkItem
from .cleaning import MAX_TEXT, ProjectCleaner
from .common import item_add, item_change, project_lock_for_item, require_edit

MAX_ITEMS = 500  # per project: a plan, not a ticket system


def _clean_work_item(data, project: Project, *, partial: bool, item: WorkItem | None = None):
    c = ProjectCleaner(data, partial=partial)
    c.choice("kind", WorkItem.Kind, default=WorkItem.Kind.TASK)
    c.text("name", required=True)
    c.team_member("owner", project)
    c.date("start_date")
    c.date("due_date", required=True)
    c.choice("status", WorkItem.Status, default=WorkItem.Status.TODO)
    c.text("note", max_length=MAX_TEXT)
    if not c.skips("depends_on"):
        depends = data.get("depends_on")
        depends = getattr(depends, "pk", depends)
        found = None
        if depends not in (None, ""):
            found = (
                WorkItem.objects.filter(project=project, pk=depends).first()
                if str(depends).isdigit()
                else None
            )
            if found is None or (item is not None and found.pk == item.pk):
                c.errors["depends_on"] = _("Choose another item of this plan.")
        c.values["depends_on"] = found
    values = c.values
    kind = values.get("kind", item.kind if item else WorkItem.Kind.TASK)
    start = values.get("start_date", item.start_date if item else None)
    due = values.get("due_date", item.due_date if item else None)
    if kind == WorkItem.Kind.MILESTONE:
        values["start_date"] = start = None  # a milestone is a point in time
    if start and due and due < start:
        c.errors["due_date"] = _("The due date is before the start date.")
    return c.check()


def work_item_create(*, actor: User, project: Project, data: dict[str, Any]) -> WorkItem:
    """A milestone or task on the plan."""
    require_edit(actor, project)
    values = _clean_work_item(data, project, partial=False)
    item = WorkItem(project=project, created_by=actor, **values)
    if item.status == WorkItem.Status.DONE:
        item.completed_at = timezone.now()
    return item_add(actor, project, item, check=_room_for_item)


def _room_for_item(project: Project) -> None:
    if project.work_items.count() >= MAX_ITEMS:
        raise ValidationError(_("A plan holds up to %(max)s items.") % {"max": MAX_ITEMS})


def work_item_update(*, actor: User, item: WorkItem, data: dict[str, Any]) -> WorkItem:
    """Change the fields present in `data`; marking it done records when."""
    project = item.project
    require_edit(actor, project)
    values = _clean_work_item(data, project, partial=True, item=item)

    def change(row: WorkItem) -> None:
        for field, value in values.items():
            setattr(row, field, value)
        if row.depends_on_id and _depends_on_itself(row):
            raise ValidationError({"depends_on": _("This would make a circular dependency.")})
        if row.status == WorkItem.Status.DONE and row.completed_at is None:
            row.completed_at = timezone.now()
        elif row.status != WorkItem.Status.DONE:
            row.completed_at = None

    return item_change(actor, item, change)


def _depends_on_itself(item: WorkItem) -> bool:
    links = dict(WorkItem.objects.filter(project=item.project_id).values_list("pk", "depends_on"))
    links[item.pk] = item.depends_on_id
    seen, node = set(), item.depends_on_id
    while node is not None and node not in seen:
        if node == item.pk:
            return True
        seen.add(node)
        node = links.get(node)
    return False


def work_item_delete(*, actor: User, item: WorkItem) -> None:
    with transaction.atomic():
        project_lock_for_item(actor, item.project)
        audit_deleted(actor=actor, obj=item, note=item.project.code)
        item.delete()
