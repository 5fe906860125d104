"""Resource requests API: a project's own (/api/v1/projects/{id}/resource-requests) and those
routed to a department (/api/v1/projects/resource-requests), which the department answers.

A project's endpoints load the project through the caller's scope first (outside it: 404); the
department's endpoints see the requests of the caller's scope and those routed to their
department (resource_requests_visible_to), and nothing else (404)."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from qudao.core.api import ERRORS
from qudao.core.schemas import (
    ErrorOut,
    InputSchema,
    choice,
    page_of,
    page_schema,
    related_resolver,
    user_resolver,
)

from ..models import ResourceRequest
from ..selectors.resources import (
    resource_request_get_for_user,
    resource_requests_of,
    resource_requests_search,
)
from ..services import resources as resource_services
from .common import item_created, payload_data, project_in_scope

router = Router(tags=["project work"])


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

    resolve_project_code = related_resolver("project.code")
    resolve_department = related_resolver("department.name")
    resolve_responded_by = user_resolver("responded_by")
    resolve_requested_by = user_resolver("requested_by")


class ResourceRequestIn(InputSchema):
    department_id: int
    title: str = Field(..., max_length=200)
    description: str = Field(..., max_length=5000)
    needed_by: date | None = None


class RespondIn(InputSchema):
    status: choice(ResourceRequest.Status)
    response: str = Field("", max_length=5000)


ResourceRequestPage = page_schema("ResourceRequestPage", ResourceRequestOut)


class ResourceRequestFilter(Schema):
    department: int | None = None
    status: choice(ResourceRequest.Status) | None = None
    page: int = 1
    page_size: int = 20


@router.get("/resource-requests", response={200: ResourceRequestPage, 422: ErrorOut})
def resource_request_search(request, filters: Query[ResourceRequestFilter]):
    """Requests in your scope and those routed to your department; filter by department."""
    rows = resource_requests_search(
        request.user, department=filters.department, status=filters.status or ""
    )
    return page_of(rows, filters.page, filters.page_size)


@router.post(
    "/resource-requests/{request_id}/respond", response={200: ResourceRequestOut, **ERRORS}
)
def resource_request_respond(request, request_id: int, payload: RespondIn):
    """The department accepts, resolves or declines; the requester's side may withdraw."""
    found = resource_request_get_for_user(request.user, request_id)
    resource_services.resource_request_respond(
        actor=request.user, request=found, status=payload.status, response=payload.response
    )
    return resource_request_get_for_user(request.user, request_id)


@router.get(
    "/{project_id}/resource-requests", response={200: list[ResourceRequestOut], 404: ErrorOut}
)
def resource_request_list(request, project_id: int):
    return list(resource_requests_of(project_in_scope(request, project_id)))


@router.post("/{project_id}/resource-requests", response={201: ResourceRequestOut, **ERRORS})
def resource_request_create(request, project_id: int, payload: ResourceRequestIn):
    return item_created(
        request,
        project_id,
        lambda project: resource_services.resource_request_create(
            actor=request.user,
            project=project,
            data=payload_data(payload, partial=False, renames={"department_id": "department"}),
        ),
        lambda project, pk: resource_requests_of(project).get(pk=pk),
    )
