"""A project's threats: risks (probability × impact) and issues."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.errors import ValidationError
from qudao.core.models import User

from ..models import (
    Project,
    ProjectIssue,
    Risk,
    risk_level,
)
from .cleaning import MAX_TEXT, ProjectCleaner
from .common import item_add, item_change, require_edit


def _clean_risk(data, project: Project, *, partial: bool):
    c = ProjectCleaner(data, partial=partial)
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


def _create(actor: User, project: Project, model, clean, apply, data: dict[str, Any]):
    """A new risk or issue: permission, the cleaned `data` applied, then saved (item_add)."""
    require_edit(actor, project)
    values = clean(data, project, partial=False)
    item = model(project=project, created_by=actor)
    apply(item, values)
    return item_add(actor, project, item)


def _update(actor: User, item, clean, apply, data: dict[str, Any]):
    """The fields present in `data` changed on a risk or an issue (item_change)."""
    require_edit(actor, item.project)
    values = clean(data, item.project, partial=True)
    return item_change(actor, item, lambda row: apply(row, values))


def risk_create(*, actor: User, project: Project, data: dict[str, Any]) -> Risk:
    """A risk with its probability and impact (1–5 each); its level follows from the score."""
    return _create(actor, project, Risk, _clean_risk, _apply_risk, data)


def risk_update(*, actor: User, risk: Risk, data: dict[str, Any]) -> Risk:
    return _update(actor, risk, _clean_risk, _apply_risk, data)


def _clean_issue(data, project: Project, *, partial: bool):
    c = ProjectCleaner(data, partial=partial)
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
    return _create(actor, project, ProjectIssue, _clean_issue, _apply_issue, data)


def issue_update(*, actor: User, issue: ProjectIssue, data: dict[str, Any]) -> ProjectIssue:
    """Change the fields present; resolving needs the resolution."""
    return _update(actor, issue, _clean_issue, _apply_issue, data)
