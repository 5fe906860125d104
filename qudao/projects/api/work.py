"""Project work API (/api/v1/projects/{id}/…): milestones and tasks with the Gantt data, risks,
issues, meetings with action items, weekly reports and resource requests; plus the resource
requests routed to a department (/api/v1/projects/resource-requests). The closing and stock-take
routers are mounted here too, so qudao/api.py adds one router for all of them.

Every endpoint loads the project through the caller's scope first (outside it: 404) and looks
the item up inside that project (another project's item: 404)."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Query, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import ErrorOut, InputSchema, choice, page_of

from .. import selectors_work as reads
from ..models import ActionItem, Meeting, ProjectIssue, ResourceRequest, Risk, WorkItem
from ..selectors import project_get_for_user
from ..services import meetings as meeting_services
from ..services import work as work_services
from . import closing, stocktake

router = Router(tags=["project work"])
# Before the /{project_id} routes, so that their paths are never read as a project id.
router.add_router("/stock-takes", stocktake.router)
router.add_router("", closing.router)


def _user(user) -> str | None:
    return str(user) if user is not None else None


def _project(request, project_id: int):
    return project_get_for_user(request.user, project_id)


def _data(payload: Schema, *, partial: bool, renames: dict[str, str] | None = None) -> dict:
    data = payload.dict(exclude_unset=partial)
    for old, new in (renames or {}).items():
        if old in data:
            data[new] = data.pop(old)
    return data


OWNER = {"owner_id": "owner"}


# --- milestones and tasks -----------------------------------------------------------------------


class WorkItemOut(Schema):
    id: int
    kind: str
    name: str
    owner_id: int | None
    owner: str | None
    start_date: date | None
    due_date: date
    status: str
    depends_on_id: int | None
    note: str
    completed_at: datetime | None

    @staticmethod
    def resolve_owner(obj):
        return _user(obj.owner)


class WorkItemIn(InputSchema):
    kind: choice(WorkItem.Kind) = WorkItem.Kind.TASK
    name: str = Field(..., max_length=200)
    owner_id: int | None = None
    start_date: date | None = None
    due_date: date
    status: choice(WorkItem.Status) = WorkItem.Status.TODO
    depends_on_id: int | None = None
    note: str = Field("", max_length=5000)


class WorkItemPatch(InputSchema):
    kind: choice(WorkItem.Kind) | None = None
    name: str | None = Field(None, max_length=200)
    owner_id: int | None = None
    start_date: date | None = None
    due_date: date | None = None
    status: choice(WorkItem.Status) | None = None
    depends_on_id: int | None = None
    note: str | None = Field(None, max_length=5000)


WORK_RENAMES = {**OWNER, "depends_on_id": "depends_on"}


class GanttBar(Schema):
    name: str
    status: str
    status_label: str
    start: date
    end: date


class GanttItem(GanttBar):
    id: int
    kind: str
    owner: str
    depends_on: int | None
    overdue: bool


class GanttOut(Schema):
    today: date
    stages: list[GanttBar]
    items: list[GanttItem]


@router.get("/{project_id}/work-items", response={200: list[WorkItemOut], 404: ErrorOut})
def work_item_list(request, project_id: int):
    return list(reads.work_items_of(_project(request, project_id)))


@router.post("/{project_id}/work-items", response={201: WorkItemOut, **ERRORS})
def work_item_create(request, project_id: int, payload: WorkItemIn):
    item = work_services.work_item_create(
        actor=request.user,
        project=_project(request, project_id),
        data=_data(payload, partial=False, renames=WORK_RENAMES),
    )
    return Status(201, item)


@router.patch("/{project_id}/work-items/{item_id}", response={200: WorkItemOut, **ERRORS})
def work_item_update(request, project_id: int, item_id: int, payload: WorkItemPatch):
    item = reads.work_item_get(_project(request, project_id), item_id)
    return work_services.work_item_update(
        actor=request.user, item=item, data=_data(payload, partial=True, renames=WORK_RENAMES)
    )


@router.delete("/{project_id}/work-items/{item_id}", response={204: None, **ERRORS})
def work_item_delete(request, project_id: int, item_id: int):
    item = reads.work_item_get(_project(request, project_id), item_id)
    work_services.work_item_delete(actor=request.user, item=item)
    return Status(204, None)


@router.get("/{project_id}/gantt", response={200: GanttOut, 404: ErrorOut})
def gantt(request, project_id: int):
    """The stages and the plan as bars for a Gantt chart."""
    return reads.gantt_data(_project(request, project_id))


# --- risks --------------------------------------------------------------------------------------


class RiskOut(Schema):
    id: int
    title: str
    description: str
    probability: int
    impact: int
    score: int
    level: str
    response: str
    owner_id: int | None
    owner: str | None
    status: str
    closed_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_owner(obj):
        return _user(obj.owner)


class RiskIn(InputSchema):
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    probability: int = Field(..., description="1 (rare) to 5 (almost certain)")
    impact: int = Field(..., description="1 (minor) to 5 (severe)")
    response: str = Field("", max_length=5000)
    owner_id: int | None = None
    status: choice(Risk.Status) = Risk.Status.OPEN


class RiskPatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    probability: int | None = None
    impact: int | None = None
    response: str | None = Field(None, max_length=5000)
    owner_id: int | None = None
    status: choice(Risk.Status) | None = None


@router.get("/{project_id}/risks", response={200: list[RiskOut], 404: ErrorOut})
def risk_list(request, project_id: int, status: choice(Risk.Status) | None = None):
    return list(reads.risks_of(_project(request, project_id), status=status or ""))


@router.post("/{project_id}/risks", response={201: RiskOut, **ERRORS})
def risk_create(request, project_id: int, payload: RiskIn):
    risk = work_services.risk_create(
        actor=request.user,
        project=_project(request, project_id),
        data=_data(payload, partial=False, renames=OWNER),
    )
    return Status(201, risk)


@router.patch("/{project_id}/risks/{risk_id}", response={200: RiskOut, **ERRORS})
def risk_update(request, project_id: int, risk_id: int, payload: RiskPatch):
    risk = reads.risk_get(_project(request, project_id), risk_id)
    return work_services.risk_update(
        actor=request.user, risk=risk, data=_data(payload, partial=True, renames=OWNER)
    )


# --- issues -------------------------------------------------------------------------------------


class IssueOut(Schema):
    id: int
    title: str
    description: str
    priority: str
    owner_id: int | None
    owner: str | None
    due_date: date | None
    status: str
    resolution: str
    resolved_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_owner(obj):
        return _user(obj.owner)


class IssueIn(InputSchema):
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    priority: choice(ProjectIssue.Priority) = ProjectIssue.Priority.MEDIUM
    owner_id: int | None = None
    due_date: date | None = None
    status: choice(ProjectIssue.Status) = ProjectIssue.Status.OPEN
    resolution: str = Field("", max_length=5000)


class IssuePatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    priority: choice(ProjectIssue.Priority) | None = None
    owner_id: int | None = None
    due_date: date | None = None
    status: choice(ProjectIssue.Status) | None = None
    resolution: str | None = Field(None, max_length=5000)


@router.get("/{project_id}/issues", response={200: list[IssueOut], 404: ErrorOut})
def issue_list(request, project_id: int, status: choice(ProjectIssue.Status) | None = None):
    return list(reads.issues_of(_project(request, project_id), status=status or ""))


@router.post("/{project_id}/issues", response={201: IssueOut, **ERRORS})
def issue_create(request, project_id: int, payload: IssueIn):
    issue = work_services.issue_create(
        actor=request.user,
        project=_project(request, project_id),
        data=_data(payload, partial=False, renames=OWNER),
    )
    return Status(201, issue)


@router.patch("/{project_id}/issues/{issue_id}", response={200: IssueOut, **ERRORS})
def issue_update(request, project_id: int, issue_id: int, payload: IssuePatch):
    issue = reads.issue_get(_project(request, project_id), issue_id)
    return work_services.issue_update(
        actor=request.user, issue=issue, data=_data(payload, partial=True, renames=OWNER)
    )


# --- meetings and action items ------------------------------------------------------------------


class ActionItemOut(Schema):
    id: int
    meeting_id: int
    description: str
    owner_id: int
    owner: str
    due_date: date
    status: str
    closed_at: datetime | None
    closed_by: str | None
    closing_note: str

    @staticmethod
    def resolve_owner(obj):
        return str(obj.owner)

    @staticmethod
    def resolve_closed_by(obj):
        return _user(obj.closed_by)


class MeetingOut(Schema):
    id: int
    kind: str
    title: str
    held_at: datetime
    location: str
    attendees: str
    minutes: str
    created_by: str
    actions: list[ActionItemOut]

    @staticmethod
    def resolve_created_by(obj):
        return str(obj.created_by)

    @staticmethod
    def resolve_actions(obj):
        return list(obj.actions.all())


class ActionItemIn(InputSchema):
    description: str = Field(..., max_length=300)
    owner_id: int
    due_date: date


class MeetingIn(InputSchema):
    kind: choice(Meeting.Kind) = Meeting.Kind.ANALYSIS
    title: str = Field(..., max_length=200)
    held_at: datetime
    location: str = Field("", max_length=200)
    attendees: str = Field("", max_length=2000)
    minutes: str = Field("", max_length=20000)
    actions: list[ActionItemIn] = []


class MeetingPatch(InputSchema):
    kind: choice(Meeting.Kind) | None = None
    title: str | None = Field(None, max_length=200)
    held_at: datetime | None = None
    location: str | None = Field(None, max_length=200)
    attendees: str | None = Field(None, max_length=2000)
    minutes: str | None = Field(None, max_length=20000)


class ActionItemCloseIn(InputSchema):
    status: choice(ActionItem.Status) = ActionItem.Status.DONE
    note: str = Field("", max_length=300)


def _actions(rows: list[ActionItemIn]) -> list[dict[str, Any]]:
    return [
        {"description": a.description, "owner": a.owner_id, "due_date": a.due_date} for a in rows
    ]


@router.get("/{project_id}/meetings", response={200: list[MeetingOut], 404: ErrorOut})
def meeting_list(request, project_id: int):
    return list(reads.meetings_of(_project(request, project_id)))


@router.post("/{project_id}/meetings", response={201: MeetingOut, **ERRORS})
def meeting_create(request, project_id: int, payload: MeetingIn):
    """A meeting with its minutes and action items (owner from the team, due date)."""
    project = _project(request, project_id)
    meeting = meeting_services.meeting_create(
        actor=request.user,
        project=project,
        data=payload.dict(exclude={"actions"}),
        actions=_actions(payload.actions),
    )
    return Status(201, reads.meeting_get(project, meeting.pk))


@router.get("/{project_id}/meetings/{meeting_id}", response={200: MeetingOut, 404: ErrorOut})
def meeting_detail(request, project_id: int, meeting_id: int):
    return reads.meeting_get(_project(request, project_id), meeting_id)


@router.patch("/{project_id}/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS})
def meeting_update(request, project_id: int, meeting_id: int, payload: MeetingPatch):
    project = _project(request, project_id)
    meeting = reads.meeting_get(project, meeting_id)
    meeting_services.meeting_update(
        actor=request.user, meeting=meeting, data=payload.dict(exclude_unset=True)
    )
    return reads.meeting_get(project, meeting_id)


@router.post("/{project_id}/meetings/{meeting_id}/actions", response={201: ActionItemOut, **ERRORS})
def action_item_add(request, project_id: int, meeting_id: int, payload: ActionItemIn):
    project = _project(request, project_id)
    meeting = reads.meeting_get(project, meeting_id)
    action = meeting_services.action_item_add(
        actor=request.user, meeting=meeting, data=_actions([payload])[0]
    )
    return Status(201, reads.action_item_get(project, action.pk))


@router.get("/{project_id}/action-items", response={200: list[ActionItemOut], 404: ErrorOut})
def action_item_list(request, project_id: int, open_only: bool = False):
    return list(reads.action_items_of(_project(request, project_id), open_only=open_only))


@router.post(
    "/{project_id}/action-items/{action_id}/close", response={200: ActionItemOut, **ERRORS}
)
def action_item_close(request, project_id: int, action_id: int, payload: ActionItemCloseIn):
    project = _project(request, project_id)
    action = reads.action_item_get(project, action_id)
    meeting_services.action_item_close(
        actor=request.user, action=action, status=payload.status, note=payload.note
    )
    return reads.action_items_of(project).get(pk=action_id)


# --- weekly reports -----------------------------------------------------------------------------


class WeeklyOut(Schema):
    id: int
    author_id: int
    author: str
    iso_year: int
    iso_week: int
    week_start: date
    this_week: str
    next_week: str
    problems: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_author(obj):
        return str(obj.author)


class WeeklyIn(InputSchema):
    week: date | None = Field(None, description="any day of the week reported on (default: now)")
    this_week: str = Field(..., max_length=5000)
    next_week: str = Field("", max_length=5000)
    problems: str = Field("", max_length=5000)


@router.get("/{project_id}/weekly-reports", response={200: list[WeeklyOut], 404: ErrorOut})
def weekly_report_list(request, project_id: int):
    return list(reads.weekly_reports_of(_project(request, project_id)))


@router.post("/{project_id}/weekly-reports", response={200: WeeklyOut, 201: WeeklyOut, **ERRORS})
def weekly_report_save(request, project_id: int, payload: WeeklyIn):
    """Write your report for a week (201), or revise it (200): one per project, week, author."""
    report, created = meeting_services.weekly_report_save(
        actor=request.user,
        project=_project(request, project_id),
        data=payload.dict(exclude={"week"}),
        week=payload.week,
    )
    return Status(201 if created else 200, report)


# --- resource requests --------------------------------------------------------------------------


class ResourceRequestOut(Schema):
    id: int
    project_id: int
    project_code: str
    department_id: int
    department: str
    title: str
    description: str
    needed_by: date | None
    status: str
    response: str
    responded_by: str | None
    responded_at: datetime | None
    requested_by: str
    created_at: datetime

    @staticmethod
    def resolve_project_code(obj):
        return obj.project.code

    @staticmethod
    def resolve_department(obj):
        return obj.department.name

    @staticmethod
    def resolve_responded_by(obj):
        return _user(obj.responded_by)

    @staticmethod
    def resolve_requested_by(obj):
        return str(obj.requested_by)


class ResourceRequestIn(InputSchema):
    department_id: int
    title: str = Field(..., max_length=200)
    description: str = Field(..., max_length=5000)
    needed_by: date | None = None


class RespondIn(InputSchema):
    status: choice(ResourceRequest.Status)
    response: str = Field("", max_length=5000)


class ResourceRequestPage(Schema):
    items: list[ResourceRequestOut]
    count: int
    page: int
    page_size: int


class ResourceRequestFilter(Schema):
    department: int | None = None
    status: choice(ResourceRequest.Status) | None = None
    page: int = 1
    page_size: int = 20


@router.get("/resource-requests", response={200: ResourceRequestPage, 422: ErrorOut})
def resource_request_search(request, filters: Query[ResourceRequestFilter]):
    """Requests in your scope and those routed to your department; filter by department."""
    rows = reads.resource_requests_search(
        request.user, department=filters.department, status=filters.status or ""
    )
    return page_of(rows, filters.page, filters.page_size)


@router.post(
    "/resource-requests/{request_id}/respond", response={200: ResourceRequestOut, **ERRORS}
)
def resource_request_respond(request, request_id: int, payload: RespondIn):
    """The department accepts, resolves or declines; the requester's side may withdraw."""
    found = reads.resource_request_get_for_user(request.user, request_id)
    meeting_services.resource_request_respond(
        actor=request.user, request=found, status=payload.status, response=payload.response
    )
    return reads.resource_request_get_for_user(request.user, request_id)


@router.get(
    "/{project_id}/resource-requests", response={200: list[ResourceRequestOut], 404: ErrorOut}
)
def resource_request_list(request, project_id: int):
    return list(reads.resource_requests_of(_project(request, project_id)))


@router.post("/{project_id}/resource-requests", response={201: ResourceRequestOut, **ERRORS})
def resource_request_create(request, project_id: int, payload: ResourceRequestIn):
    project = _project(request, project_id)
    created = meeting_services.resource_request_create(
        actor=request.user,
        project=project,
        data=_data(payload, partial=False, renames={"department_id": "department"}),
    )
    return Status(201, reads.resource_requests_of(project).get(pk=created.pk))
