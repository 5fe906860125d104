"""The project plan and its threats: milestones and tasks (the Gantt), risks and issues.

Everyone who may change the project (common.can_edit: the team except monitors, the owner, the
partner's users, managers in scope) may plan it; owners of items are chosen from the team. The
project row is locked while an item is written, so an item never lands on a project that is being
closed at the same moment, and a closed or lost project refuses every change.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core.errors import ValidationError
from qudao.core.models import User
from qudao.core.services.audit import audit_created, audit_deleted, audit_updated, snapshot
from qudao.core.services.notifications import notify

from ..models import Project, ProjectIssue, Risk, WorkItem, risk_level
from .cleaning import MAX_TEXT, Cleaner
from .common import locked, require_edit, require_editable

MAX_ITEMS = 500  # per project: a plan, not a ticket system


def _assigned(actor: User, owner: User | None, before_owner_id: int | None, what, project):
    """Tell a new owner (not the actor) that something of `project` is now theirs."""
    if owner is None or owner.pk == actor.pk or owner.pk == before_owner_id:
        return
    transaction.on_commit(
        lambda: notify(
            recipients=[owner],
            title=gettext_lazy("Assigned to you in %(code)s: %(what)s"),
            params={"code": project.code, "what": str(what)},
        )
    )


def _write(actor: User, project: Project) -> Project:
    """Lock the project for a write of one of its items; refuse a closed or lost project."""
    require_edit(actor, project)
    row = locked(project)
    require_editable(row)
    return row


# --- milestones and tasks -----------------------------------------------------------------------


def _clean_work_item(data, project: Project, *, partial: bool, item: WorkItem | None = None):
    c = Cleaner(data, partial=partial)
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
    with transaction.atomic():
        project = _write(actor, project)
        if project.work_items.count() >= MAX_ITEMS:
            raise ValidationError(_("A plan holds up to %(max)s items.") % {"max": MAX_ITEMS})
        item = WorkItem(project=project, created_by=actor, **values)
        if item.status == WorkItem.Status.DONE:
            item.completed_at = timezone.now()
        item.save()
        audit_created(actor=actor, obj=item, note=project.code)
        _assigned(actor, item.owner, None, item, project)
    return item


def work_item_update(*, actor: User, item: WorkItem, data: dict[str, Any]) -> WorkItem:
    """Change the fields present in `data`; marking it done records when."""
    project = item.project
    require_edit(actor, project)
    values = _clean_work_item(data, project, partial=True, item=item)
    with transaction.atomic():
        project = _write(actor, project)
        item = WorkItem.objects.select_for_update().get(pk=item.pk)
        before, owner_before = snapshot(item), item.owner_id
        for field, value in values.items():
            setattr(item, field, value)
        if item.depends_on_id and _depends_on_itself(item):
            raise ValidationError({"depends_on": _("This would make a circular dependency.")})
        if item.status == WorkItem.Status.DONE and item.completed_at is None:
            item.completed_at = timezone.now()
        elif item.status != WorkItem.Status.DONE:
            item.completed_at = None
        item.save()
        audit_updated(actor=actor, obj=item, before=before, note=project.code)
        _assigned(actor, item.owner, owner_before, item, project)
    return item


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
        _write(actor, item.project)
        audit_deleted(actor=actor, obj=item, note=item.project.code)
        item.delete()


# --- risks --------------------------------------------------------------------------------------


def _clean_risk(data, project: Project, *, partial: bool, risk: Risk | None = None):
    c = Cleaner(data, partial=partial)
    c.text("title", required=True)
    c.text("description", max_length=MAX_TEXT)
    c.score("probability")
    c.score("impact")
    c.text("response", max_length=MAX_TEXT)
    c.team_member("owner", project)
    c.choice("status", Risk.Status, default=Risk.Status.OPEN)
    return c.check()


def _apply_risk(risk: Risk, values: dict[str, Any]) -> None:
    for field, value in values.items():
        setattr(risk, field, value)
    risk.level = risk_level(risk.probability, risk.impact)
    if risk.status == Risk.Status.CLOSED:
        risk.closed_at = risk.closed_at or timezone.now()
    else:
        risk.closed_at = None


def risk_create(*, actor: User, project: Project, data: dict[str, Any]) -> Risk:
    """A risk with its probability and impact (1–5 each); its level follows from the score."""
    require_edit(actor, project)
    values = _clean_risk(data, project, partial=False)
    with transaction.atomic():
        project = _write(actor, project)
        risk = Risk(project=project, created_by=actor)
        _apply_risk(risk, values)
        risk.save()
        audit_created(actor=actor, obj=risk, note=project.code)
        _assigned(actor, risk.owner, None, risk, project)
    return risk


def risk_update(*, actor: User, risk: Risk, data: dict[str, Any]) -> Risk:
    require_edit(actor, risk.project)
    values = _clean_risk(data, risk.project, partial=True, risk=risk)
    with transaction.atomic():
        project = _write(actor, risk.project)
        risk = Risk.objects.select_for_update().get(pk=risk.pk)
        before, owner_before = snapshot(risk), risk.owner_id
        _apply_risk(risk, values)
        risk.save()
        audit_updated(actor=actor, obj=risk, before=before, note=project.code)
        _assigned(actor, risk.owner, owner_before, risk, project)
    return risk


# --- issues -------------------------------------------------------------------------------------


def _clean_issue(data, project: Project, *, partial: bool):
    c = Cleaner(data, partial=partial)
    c.text("title", required=True)
    c.text("description", max_length=MAX_TEXT)
    c.choice("priority", ProjectIssue.Priority, default=ProjectIssue.Priority.MEDIUM)
    c.team_member("owner", project)
    c.date("due_date")
    c.choice("status", ProjectIssue.Status, default=ProjectIssue.Status.OPEN)
    c.text("resolution", max_length=MAX_TEXT)
    return c.check()


def _apply_issue(issue: ProjectIssue, values: dict[str, Any]) -> None:
    for field, value in values.items():
        setattr(issue, field, value)
    if issue.status == ProjectIssue.Status.RESOLVED:
        if not issue.resolution:
            raise ValidationError({"resolution": _("Say how the issue was resolved.")})
        issue.resolved_at = issue.resolved_at or timezone.now()
    else:
        issue.resolved_at = None


def issue_create(*, actor: User, project: Project, data: dict[str, Any]) -> ProjectIssue:
    require_edit(actor, project)
    values = _clean_issue(data, project, partial=False)
    issue = ProjectIssue(project=project, created_by=actor)
    _apply_issue(issue, values)
    with transaction.atomic():
        project = _write(actor, project)
        issue.project = project
        issue.save()
        audit_created(actor=actor, obj=issue, note=project.code)
        _assigned(actor, issue.owner, None, issue, project)
    return issue


def issue_update(*, actor: User, issue: ProjectIssue, data: dict[str, Any]) -> ProjectIssue:
    """Change the fields present; resolving needs the resolution."""
    require_edit(actor, issue.project)
    values = _clean_issue(data, issue.project, partial=True)
    with transaction.atomic():
        project = _write(actor, issue.project)
        issue = ProjectIssue.objects.select_for_update().get(pk=issue.pk)
        before, owner_before = snapshot(issue), issue.owner_id
        _apply_issue(issue, values)
        issue.save()
        audit_updated(actor=actor, obj=issue, before=before, note=project.code)
        _assigned(actor, issue.owner, owner_before, issue, project)
    return issue
