"""Project plan API (/api/v1/projects/{id}/…): milestones and tasks, and the Gantt data."""

from datetime import date, datetime

from ninja import Field, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import ErrorOut, InputSchema, choice, user_resolver

from ..models import WorkItem
from ..selectors.plan import gantt_data, work_item_get, work_items_of
from ..services import plan as plan_services
from .common import OWNER, item_create, item_update, project_in_scope

router = Router(tags=["project work"])


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

    resolve_owner = user_resolver("owner")


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
    return list(work_items_of(project_in_scope(request, project_id)))


@router.post("/{project_id}/work-items", response={201: WorkItemOut, **ERRORS})
def work_item_create(request, project_id: int, payload: WorkItemIn):
    return item_create(request, project_id, plan_services.work_item_create, payload, WORK_RENAMES)


@router.patch("/{project_id}/work-items/{item_id}", response={200: WorkItemOut, **ERRORS})
def work_item_update(request, project_id: int, item_id: int, payload: WorkItemPatch):
    return item_update(
        request,
        project_id,
        lambda project: work_item_get(project, item_id),
        lambda user, item, data: plan_services.work_item_update(actor=user, item=item, data=data),
        payload,
        WORK_RENAMES,
    )


@router.delete("/{project_id}/work-items/{item_id}", response={204: None, **ERRORS})
def work_item_delete(request, project_id: int, item_id: int):
    item = work_item_get(project_in_scope(request, project_id), item_id)
    plan_services.work_item_delete(actor=request.user, item=item)
    return Status(204, None)


@router.get("/{project_id}/gantt", response={200: GanttOut, 404: ErrorOut})
def gantt(request, project_id: int):
    """The stages and the plan as bars for a Gantt chart."""
    return gantt_data(project_in_scope(request, project_id))
