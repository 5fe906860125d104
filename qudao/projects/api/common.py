"""What the project API modules share: the project loaded through the caller's scope, a payload
as the services' data, creating and changing a project's item from one."""

from ninja import Schema, Status

from ..models import Project
from ..selectors.projects import project_get_for_user

# The API names a person by id (owner_id); the services take the field's name.
OWNER = {"owner_id": "owner"}


def project_in_scope(request, project_id: int) -> Project:
    """The project in the caller's scope; outside it: DoesNotExist (a 404)."""
    return project_get_for_user(request.user, project_id)


def payload_data(payload: Schema, *, partial: bool, renames: dict[str, str] | None = None) -> dict:
    """The payload as the services' `data` (a PATCH: only the members sent), with the API's
    names renamed to the services' field names."""
    data = payload.dict(exclude_unset=partial)
    for old, new in (renames or {}).items():
        if old in data:
            data[new] = data.pop(old)
    return data


def item_create(request, project_id: int, create, payload: Schema, renames=None) -> Status:
    """POST of an item of a project in the caller's scope: `create(actor=, project=, data=)`
    with the whole payload as its data; 201 with the item."""
    item = create(
        actor=request.user,
        project=project_in_scope(request, project_id),
        data=payload_data(payload, partial=False, renames=renames),
    )
    return Status(201, item)


def item_update(request, project_id: int, item, update, payload: Schema, renames=None):
    """PATCH of an item of a project in the caller's scope: the item `item(project)` (another
    project's: a 404), then `update(actor, item, data)` with the members sent."""
    found = item(project_in_scope(request, project_id))
    return update(request.user, found, payload_data(payload, partial=True, renames=renames))


def item_created(request, project_id: int, create, refetch) -> Status:
    """POST of an item of a project in the caller's scope: `create(project)`, then 201 with
    `refetch(project, pk)`, the item as its list shows it."""
    project = project_in_scope(request, project_id)
    return Status(201, refetch(project, create(project).pk))
