"""Corrective actions API (整改): raise, list, read, and move an action through its states
(submit the evidence, verify, reject, cancel)."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ninja import Field, Query, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import ErrorOut, InputSchema, SearchIn, choice, page_schema, search_page
from qudao.partners.selectors import partner_get_for_user

from .. import services
from ..models import CorrectiveAction
from ..selectors.actions import action_get_for_user, actions_search

router = Router()


class CorrectiveActionOut(Schema):
    id: int
    number: str
    title: str
    source_kind: str
    source_ref: str
    partner_id: int | None
    region_id: int | None
    owner_id: int
    raised_by_id: int
    due_date: date
    plan: str
    evidence: str
    status: str
    submitted_at: datetime | None
    closed_at: datetime | None
    closed_on_time: bool | None
    verification_note: str
    escalated_at: datetime | None
    escalated_to_id: int | None


class CorrectiveActionIn(InputSchema):
    title: str = Field(..., max_length=200)
    source_kind: choice(CorrectiveAction.SourceKind) = CorrectiveAction.SourceKind.OTHER
    source_ref: str = Field("", max_length=200)
    partner_id: int | None = None
    region_id: int | None = None
    owner_id: int | None = None
    due_date: date | None = None
    plan: str = Field("", max_length=5000)


class TextIn(InputSchema):
    text: str = Field("", max_length=5000)


class ActionFilter(SearchIn):
    status: choice(CorrectiveAction.Status) | None = None
    source_kind: choice(CorrectiveAction.SourceKind) | None = None
    partner: int | None = None
    mine: bool = False
    overdue: bool = False


ActionPage = page_schema("ActionPage", CorrectiveActionOut)


def action_step(request, action_id: int, step: Callable[..., Any], **text: str) -> Any:
    """Run the service `step` on the caller's action with the posted text."""
    action = action_get_for_user(request.user, action_id)
    return step(actor=request.user, action=action, **text)


@router.get("/actions", response={200: ActionPage, **ERRORS})
def action_list(request, filters: Query[ActionFilter]):
    return search_page(actions_search, request.user, filters)


@router.post("/actions", response={201: CorrectiveActionOut, **ERRORS})
def action_create(request, payload: CorrectiveActionIn):
    partner = partner_get_for_user(request.user, payload.partner_id) if payload.partner_id else None
    action = services.action_create(
        actor=request.user,
        data={
            "title": payload.title,
            "source_kind": payload.source_kind,
            "source_ref": payload.source_ref,
            "partner": partner,
            "region": payload.region_id,
            "owner": payload.owner_id,
            "due_date": payload.due_date,
            "plan": payload.plan,
        },
    )
    return Status(201, action)


@router.get("/actions/{action_id}", response={200: CorrectiveActionOut, 404: ErrorOut})
def action_detail(request, action_id: int):
    return action_get_for_user(request.user, action_id)


@router.post("/actions/{action_id}/submit", response={200: CorrectiveActionOut, **ERRORS})
def action_submit(request, action_id: int, payload: TextIn):
    return action_step(request, action_id, services.action_submit, evidence=payload.text)


@router.post("/actions/{action_id}/verify", response={200: CorrectiveActionOut, **ERRORS})
def action_verify(request, action_id: int, payload: TextIn):
    return action_step(request, action_id, services.action_verify, note=payload.text)


@router.post("/actions/{action_id}/reject", response={200: CorrectiveActionOut, **ERRORS})
def action_reject(request, action_id: int, payload: TextIn):
    return action_step(request, action_id, services.action_reject, note=payload.text)


@router.post("/actions/{action_id}/cancel", response={200: CorrectiveActionOut, **ERRORS})
def action_cancel(request, action_id: int, payload: TextIn):
    return action_step(request, action_id, services.action_cancel, reason=payload.text)
