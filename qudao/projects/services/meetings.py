"""Meetings of a project: minutes, and action items tracked to closure by their owners."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import User
from qudao.core.services.audit import audit_created, audit_updated, snapshot

from ..models import ActionItem, Meeting, Project
from .cleaning import ProjectCleaner
from .common import (
    assignee_notify,
    item_change,
    locked_editable,
    project_can_edit,
    project_lock_for_item,
    require_edit,
)

MAX_ACTIONS = 30  # per meeting


MAX_MINUTES = 20_000


def _clean_meeting(data, *, partial: bool) -> dict[str, Any]:
    c = ProjectCleaner(data, partial=partial)
    c.choice("kind", Meeting.Kind, default=Meeting.Kind.ANALYSIS)
    c.text("title", required=True)
    held_at = c.datetime("held_at", required=True)
    c.text("location")
    c.text("attendees", max_length=2000)
    c.text("minutes", max_length=MAX_MINUTES)
    if held_at and held_at > timezone.now() + datetime.timedelta(days=366):
        c.errors["held_at"] = _("The meeting is more than a year ahead.")
    return c.check()


def _clean_actions(raw: list[dict[str, Any]] | None, project: Project, prefix="actions"):
    """The values of each non-empty action row (an empty form row is ignored); errors keyed
    `actions.<row>.<field>`, the row counted among all rows given."""
    cleaned, errors = [], {}
    rows = [
        (index, row)
        for index, row in enumerate(raw or [])
        if any(str(v or "").strip() for v in row.values())
    ]
    if len(rows) > MAX_ACTIONS:
        raise ValidationError({prefix: _("Up to %(max)s action items.") % {"max": MAX_ACTIONS}})
    for index, row in rows:
        c = ProjectCleaner(row)
        c.text("description", required=True, max_length=300)
        c.team_member("owner", project, required=True)
        c.date("due_date", required=True)
        errors.update({f"{prefix}.{index}.{field}": msg for field, msg in c.errors.items()})
        cleaned.append(c.values)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _add_actions(actor: User, meeting: Meeting, rows: list[dict[str, Any]]) -> list[ActionItem]:
    actions = ActionItem.objects.bulk_create(
        ActionItem(meeting=meeting, project=meeting.project, **row) for row in rows
    )
    for action in actions:
        assignee_notify(actor, action.owner, None, action, meeting.project)
    return actions


def meeting_create(
    *,
    actor: User,
    project: Project,
    data: dict[str, Any],
    actions: list[dict[str, Any]] | None = None,
) -> Meeting:
    """A meeting with its minutes and the action items agreed in it (owner, due date each)."""
    require_edit(actor, project)
    errors = {}
    values = {}
    try:
        values = _clean_meeting(data, partial=False)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    try:
        rows = _clean_actions(actions, project)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = project_lock_for_item(actor, project)
        meeting = Meeting.objects.create(project=project, created_by=actor, **values)
        _add_actions(actor, meeting, rows)
        audit_created(actor=actor, obj=meeting, note=project.code)
    return meeting


def meeting_update(*, actor: User, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    """Complete the minutes later, or correct the meeting's data."""
    require_edit(actor, meeting.project)
    values = _clean_meeting(data, partial=True)

    def change(row: Meeting) -> None:
        for field, value in values.items():
            setattr(row, field, value)

    return item_change(actor, meeting, change, owned=False)


def action_item_add(*, actor: User, meeting: Meeting, data: dict[str, Any]) -> ActionItem:
    require_edit(actor, meeting.project)
    try:
        rows = _clean_actions([data], meeting.project)
    except ValidationError as error:
        raise ValidationError(
            {key.rsplit(".", 1)[-1]: value for key, value in error.message_dict.items()}
        ) from None
    if not rows:
        raise ValidationError({"description": _("This field is required.")})
    with transaction.atomic():
        project_lock_for_item(actor, meeting.project)
        if meeting.actions.count() >= MAX_ACTIONS:
            raise ValidationError(_("Up to %(max)s action items.") % {"max": MAX_ACTIONS})
        (action,) = _add_actions(actor, meeting, rows)
        audit_created(actor=actor, obj=action, note=meeting.project.code)
    return action


def action_item_close(
    *, actor: User, action: ActionItem, status: str = ActionItem.Status.DONE, note: str = ""
) -> ActionItem:
    """Close an action item as done or cancelled: its owner, or anyone who may change the
    project. A cancelled item needs a note saying why."""
    project = action.project
    if action.owner_id != actor.pk and not project_can_edit(actor, project):
        raise PermissionDenied(_("Only its owner or the project team can close this action."))
    note = (note or "").strip()
    errors = {}
    if status not in ActionItem.CLOSED:
        errors["status"] = _("Close it as done or cancelled.")
    if len(note) > 300:
        errors["note"] = _("Keep it under %(max)s characters.") % {"max": 300}
    elif status == ActionItem.Status.CANCELLED and not note:
        errors["note"] = _("Say why the action is cancelled.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = locked_editable(project)
        action = ActionItem.objects.select_for_update().get(pk=action.pk)
        if not action.is_open:
            raise ConflictError(_("This action item is already closed."))
        before = snapshot(action)
        action.status = status
        action.closed_at = timezone.now()
        action.closed_by = actor
        action.closing_note = note
        action.save(update_fields=["status", "closed_at", "closed_by", "closing_note"])
        audit_updated(actor=actor, obj=action, before=before, note=project.code)
    return action
