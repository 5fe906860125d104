"""Project meetings API (/api/v1/projects/{id}/meetings, …/action-items): meetings with their
minutes and action items tracked to closure."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Router, Schema

from qudao.core.api import ERRORS
from qudao.core.schemas import ErrorOut, InputSchema, choice, user_resolver

from ..models import ActionItem, Meeting
from ..selectors.meetings import action_item_get, action_items_of, meeting_get, meetings_of
from ..services import meetings as meeting_services
from .common import item_created, project_in_scope

router = Router(tags=["project work"])


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

    resolve_owner = user_resolver("owner")

    resolve_closed_by = user_resolver("closed_by")


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

    resolve_created_by = user_resolver("created_by")

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
    return list(meetings_of(project_in_scope(request, project_id)))


@router.post("/{project_id}/meetings", response={201: MeetingOut, **ERRORS})
def meeting_create(request, project_id: int, payload: MeetingIn):
    """A meeting with its minutes and action items (owner from the team, due date)."""
    return item_created(
        request,
        project_id,
        lambda project: meeting_services.meeting_create(
            actor=request.user,
            project=project,
            data=payload.dict(exclude={"actions"}),
            actions=_actions(payload.actions),
        ),
        meeting_get,
    )


@router.get("/{project_id}/meetings/{meeting_id}", response={200: MeetingOut, 404: ErrorOut})
def meeting_detail(request, project_id: int, meeting_id: int):
    return meeting_get(project_in_scope(request, project_id), meeting_id)


@router.patch("/{project_id}/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS})
def meeting_update(request, project_id: int, meeting_id: int, payload: MeetingPatch):
    project = project_in_scope(request, project_id)
    meeting = meeting_get(project, meeting_id)
    meeting_services.meeting_update(
        actor=request.user, meeting=meeting, data=payload.dict(exclude_unset=True)
    )
    return meeting_get(project, meeting_id)


@router.post("/{project_id}/meetings/{meeting_id}/actions", response={201: ActionItemOut, **ERRORS})
def action_item_add(request, project_id: int, meeting_id: int, payload: ActionItemIn):
    return item_created(
        request,
        project_id,
        lambda project: meeting_services.action_item_add(
            actor=request.user,
            meeting=meeting_get(project, meeting_id),
            data=_actions([payload])[0],
        ),
        action_item_get,
    )


@router.get("/{project_id}/action-items", response={200: list[ActionItemOut], 404: ErrorOut})
def action_item_list(request, project_id: int, open_only: bool = False):
    return list(action_items_of(project_in_scope(request, project_id), open_only=open_only))


@router.post(
    "/{project_id}/action-items/{action_id}/close", response={200: ActionItemOut, **ERRORS}
)
def action_item_close(request, project_id: int, action_id: int, payload: ActionItemCloseIn):
    project = project_in_scope(request, project_id)
    action = action_item_get(project, action_id)
    meeting_services.action_item_close(
        actor=request.user, action=action, status=payload.status, note=payload.note
    )
    return action_items_of(project).get(pk=action_id)
