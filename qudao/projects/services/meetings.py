"""Communication in a project: meetings with minutes and action items tracked to closure, weekly
reports (周报: one per project, ISO week and author), and resource requests (资源求助) routed to a
vendor department that answers them."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import AuditEntry, Department, User
from qudao.core.services.audit import audit_created, audit_record, audit_updated, snapshot
from qudao.core.services.notifications import notify

from ..models import ActionItem, Meeting, Project, ResourceRequest, WeeklyReport
from .cleaning import MAX_TEXT, Cleaner, pk_of
from .common import can_edit, is_hq, locked, require_edit, require_editable
from .work import _assigned, _write

MAX_ACTIONS = 30  # per meeting
MAX_MINUTES = 20_000


# --- meetings and action items ------------------------------------------------------------------


def _clean_meeting(data, *, partial: bool) -> dict[str, Any]:
    c = Cleaner(data, partial=partial)
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
        c = Cleaner(row)
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
        _assigned(actor, action.owner, None, action, meeting.project)
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
        project = _write(actor, project)
        meeting = Meeting.objects.create(project=project, created_by=actor, **values)
        _add_actions(actor, meeting, rows)
        audit_created(actor=actor, obj=meeting, note=project.code)
    return meeting


def meeting_update(*, actor: User, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    """Complete the minutes later, or correct the meeting's data."""
    require_edit(actor, meeting.project)
    values = _clean_meeting(data, partial=True)
    with transaction.atomic():
        project = _write(actor, meeting.project)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        before = snapshot(meeting)
        for field, value in values.items():
            setattr(meeting, field, value)
        meeting.save()
        audit_updated(actor=actor, obj=meeting, before=before, note=project.code)
    return meeting


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
        _write(actor, meeting.project)
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
    if action.owner_id != actor.pk and not can_edit(actor, project):
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
        project = locked(project)
        require_editable(project)
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


# --- weekly reports -----------------------------------------------------------------------------


def iso_week_of(day: datetime.date) -> tuple[int, int, datetime.date]:
    """(ISO year, ISO week, its Monday) of `day`."""
    year, week, weekday = day.isocalendar()
    return year, week, day - datetime.timedelta(days=weekday - 1)


def weekly_report_save(
    *,
    actor: User,
    project: Project,
    data: dict[str, Any],
    week: datetime.date | str | None = None,
) -> tuple[WeeklyReport, bool]:
    """Write (or revise) the actor's weekly report of `project` for the ISO week containing
    `week` (default this week). One per project, week and author; never for a future week.
    Returns (report, created)."""
    require_edit(actor, project)
    c = Cleaner(data)
    c.text("this_week", required=True, max_length=MAX_TEXT)
    c.text("next_week", max_length=MAX_TEXT)
    c.text("problems", max_length=MAX_TEXT)
    day = Cleaner({"week": week}).date("week") if week not in (None, "") else None
    if week not in (None, "") and day is None:
        c.errors["week"] = _("Enter a date as YYYY-MM-DD.")
    today = timezone.localdate()
    day = day or today
    if day > today:
        c.errors["week"] = _("You cannot report on a future week.")
    values = c.check()
    year, number, monday = iso_week_of(day)
    with transaction.atomic():
        project = _write(actor, project)
        report, created = WeeklyReport.objects.select_for_update().get_or_create(
            project=project,
            author=actor,
            iso_year=year,
            iso_week=number,
            defaults={"week_start": monday, **values},
        )
        if created:
            audit_created(actor=actor, obj=report, note=project.code)
        else:
            before = snapshot(report)
            for field, value in values.items():
                setattr(report, field, value)
            report.save()
            audit_updated(actor=actor, obj=report, before=before, note=project.code)
    return report, created


# --- resource requests --------------------------------------------------------------------------


def department_members(department: Department) -> list[User]:
    return list(User.objects.filter(department=department, is_active=True, partner=None))


def can_answer(user: User, request: ResourceRequest) -> bool:
    """The department a request is routed to answers it (and HQ may)."""
    if not (user.is_authenticated and user.is_active) or user.is_partner_user:
        return False
    return is_hq(user) or (
        user.department_id is not None and user.department_id == request.department_id
    )


def resource_request_create(
    *, actor: User, project: Project, data: dict[str, Any]
) -> ResourceRequest:
    """Ask a department for help; its members are notified."""
    require_edit(actor, project)
    c = Cleaner(data)
    c.text("title", required=True)
    c.text("description", required=True, max_length=MAX_TEXT)
    needed_by = c.date("needed_by")
    department = None
    raw = pk_of(data.get("department"))
    if raw not in (None, "") and str(raw).isdigit():
        department = Department.objects.filter(pk=raw).first()
    if department is None:
        c.errors["department"] = _("Choose the department to ask.")
    if needed_by and needed_by < timezone.localdate():
        c.errors["needed_by"] = _("The date is in the past.")
    values = c.check()
    with transaction.atomic():
        project = _write(actor, project)
        request = ResourceRequest.objects.create(
            project=project, department=department, requested_by=actor, **values
        )
        audit_created(actor=actor, obj=request, note=project.code)
        members = department_members(department)
        transaction.on_commit(
            lambda: notify(
                recipients=members,
                title=gettext_lazy("Help requested from %(department)s: %(title)s"),
                body=gettext_lazy("Project %(code)s %(name)s asks: %(description)s"),
                params={
                    "department": department.name,
                    "title": request.title,
                    "code": project.code,
                    "name": project.name,
                    "description": request.description[:500],
                },
            )
        )
    return request


def resource_request_respond(
    *, actor: User, request: ResourceRequest, status: str, response: str = ""
) -> ResourceRequest:
    """Move a request on (see ResourceRequest.TRANSITIONS): the department accepts, resolves or
    declines it (declining needs a reason); the requester's side may withdraw it."""
    response = (response or "").strip()
    errors = {}
    if status not in ResourceRequest.Status.values:
        errors["status"] = _("Choose one of the options.")
    if len(response) > MAX_TEXT:
        errors["response"] = _("Keep it under %(max)s characters.") % {"max": MAX_TEXT}
    elif status in (ResourceRequest.Status.DECLINED, ResourceRequest.Status.RESOLVED) and (
        not response
    ):
        errors["response"] = _("Write the answer for the requester.")
    if errors:
        raise ValidationError(errors)
    if status == ResourceRequest.Status.WITHDRAWN:
        if not (request.requested_by_id == actor.pk or can_edit(actor, request.project)):
            raise PermissionDenied(_("Only the project team can withdraw this request."))
    elif not can_answer(actor, request):
        raise PermissionDenied(_("Only the department asked can answer this request."))
    with transaction.atomic():
        request = (
            ResourceRequest.objects.select_for_update(of=("self",))
            .select_related("project", "requested_by")
            .get(pk=request.pk)
        )
        if status not in ResourceRequest.TRANSITIONS[request.status]:
            raise ConflictError(
                _("This request is %(status)s; it cannot become %(new)s.")
                % {
                    "status": request.get_status_display(),
                    "new": ResourceRequest.Status(status).label,
                }
            )
        old = request.status
        request.status = status
        if status != ResourceRequest.Status.WITHDRAWN:
            request.response = response or request.response
            request.responded_by = actor
            request.responded_at = timezone.now()
        request.save()
        audit_record(
            actor=actor,
            obj=request,
            action=AuditEntry.Action.STATE,
            changes={"status": [old, status]},
            note=response[:200],
        )
        requester, project = request.requested_by, request.project
        if requester.pk != actor.pk:
            transaction.on_commit(
                lambda: notify(
                    recipients=[requester],
                    title=gettext_lazy("Your request %(title)s is %(status)s"),
                    body=gettext_lazy("%(code)s: %(response)s"),
                    params={
                        "title": request.title,
                        "status": ResourceRequest.Status(status).label,
                        "code": project.code,
                        "response": response,
                    },
                )
            )
    return request
