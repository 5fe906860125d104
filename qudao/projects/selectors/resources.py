"""Reads of resource requests (资源求助): a project's own, and those routed to a department,
which answers them without seeing the rest of the project. Requests that do not start from one
project filter through projects_visible_to."""

from django.db.models import Q, QuerySet

from qudao.core.models import Department, User

from ..models import Project, ResourceRequest
from ..services.common import is_hq
from .projects import projects_visible_to


def resource_requests_of(project: Project) -> QuerySet[ResourceRequest]:
    return project.resource_requests.select_related(
        "department", "requested_by", "responded_by"
    ).order_by("-created_at", "-id")


def resource_requests_visible_to(user: User) -> QuerySet[ResourceRequest]:
    """Requests of projects in the user's scope, and those routed to the user's department
    (the department answers them without seeing the rest of the project)."""
    rows = ResourceRequest.objects.select_related(
        "project", "department", "requested_by", "responded_by"
    )
    if is_hq(user):
        return rows
    q = Q(project__in=projects_visible_to(user).values("pk"))
    if not user.is_partner_user and user.department_id:
        q |= Q(department_id=user.department_id)
    return rows.filter(q)


def resource_requests_search(
    user: User, *, department: int | None = None, status: str = ""
) -> QuerySet[ResourceRequest]:
    rows = resource_requests_visible_to(user)
    if department:
        rows = rows.filter(department_id=department)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def resource_request_get_for_user(user: User, pk: int) -> ResourceRequest:
    return resource_requests_visible_to(user).get(pk=pk)


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("name")
