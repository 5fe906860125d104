"""Resource requests (资源求助): a project asks a vendor department for help; the department (or
HQ) answers, the requester's side may withdraw. The allowed moves are one map
(ResourceRequest.TRANSITIONS).

Everyone who may change the project (common.project_can_edit) may ask. The project row is
locked while a request is written (common.project_lock_for_item), so a closed or lost project
refuses every new request.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import state
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import Department, User
from qudao.core.services.audit import audit_created
from qudao.core.services.notifications import notify

from ..models import Project, ResourceRequest
from .cleaning import MAX_TEXT, ProjectCleaner, pk_of
from .common import (
    is_hq,
    project_can_edit,
    project_lock_for_item,
    require_edit,
)


def department_members(department: Department) -> list[User]:
    return list(User.objects.filter(department=department, is_active=True, partner=None))


def resource_request_can_answer(user: User, request: ResourceRequest) -> bool:
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
    c = ProjectCleaner(data)
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
        project = project_lock_for_item(actor, project)
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
        if not (request.requested_by_id == actor.pk or project_can_edit(actor, request.project)):
            raise PermissionDenied(_("Only the project team can withdraw this request."))
    elif not resource_request_can_answer(actor, request):
        raise PermissionDenied(_("Only the department asked can answer this request."))
    with transaction.atomic():
        request = (
            ResourceRequest.objects.select_for_update(of=("self",))
            .select_related("project", "requested_by")
            .get(pk=request.pk)
        )
        if status != ResourceRequest.Status.WITHDRAWN:
            request.response = response or request.response
            request.responded_by = actor
            request.responded_at = timezone.now()
        state.transition(
            request, status, ResourceRequest.TRANSITIONS, actor=actor, note=response[:200]
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
