"""Approvals: the inbox, an approval's steps and history, decisions and comments."""

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema

from .. import selectors
from ..models import ApprovalRequest
from ..schemas import ERRORS, ErrorOut, InputSchema, page_of
from ..services import approvals as approval_services

router = Router()


class ApprovalOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    version: int
    object_type: str
    object_id: str
    requested_by: str
    created_at: datetime
    decided_at: datetime | None


def approval_summary(approval: ApprovalRequest) -> dict:
    return {
        "id": approval.pk,
        "kind": approval.kind,
        "title": approval.display_title,  # in the request's language
        "status": approval.status,
        "version": approval.version,
        "object_type": f"{approval.content_type.app_label}.{approval.content_type.model}",
        "object_id": approval.object_id,
        "requested_by": str(approval.requested_by),
        "created_at": approval.created_at,
        "decided_at": approval.decided_at,
    }


class StepOut(Schema):
    order: int
    name: str
    role: str
    approver: str | None
    status: str
    decided_by: str | None
    decided_at: datetime | None
    comment: str


class EventOut(Schema):
    action: str
    actor: str
    comment: str
    created_at: datetime


class ApprovalDetailOut(ApprovalOut):
    steps: list[StepOut]
    events: list[EventOut]
    can_decide: bool


class ApprovalPage(Schema):
    items: list[ApprovalOut]
    count: int
    page: int
    page_size: int


class ApprovalDecisionIn(InputSchema):
    comment: str = Field("", max_length=2000)
    version: int | None = Field(None, description="the version you saw; a stale one gets 409")
    extra: dict[str, str] = Field(
        default_factory=dict,
        description="the approval kind's own decision fields, as its page asks for them "
        '(a registration review that overrides an earlier claim: {"override_reason": "…"})',
    )


class CommentIn(InputSchema):
    comment: str = Field(..., min_length=1, max_length=2000)


def _approval_detail(user, approval: ApprovalRequest) -> dict:
    detail = selectors.approval_detail(approval)
    out = approval_summary(approval)
    out["steps"] = [
        {
            "order": s.order,
            "name": s.display_name,
            "role": s.role,
            "approver": str(s.approver) if s.approver else None,
            "status": s.status,
            "decided_by": str(s.decided_by) if s.decided_by else None,
            "decided_at": s.decided_at,
            "comment": s.comment,
        }
        for s in detail["steps"]
    ]
    out["events"] = [
        {
            "action": e.action,
            "actor": str(e.actor),
            "comment": e.comment,
            "created_at": e.created_at,
        }
        for e in detail["events"]
    ]
    out["can_decide"] = approval_services.can_decide(user, detail["current_step"])
    return out


@router.get("/approvals", response=ApprovalPage, tags=["approvals"])
def approval_list(
    request,
    box: Literal["awaiting", "mine", "all"] = "awaiting",
    status: str = "",
    q: str = "",
    page: int = 1,
    page_size: int = 20,
):
    user = request.user
    if box == "awaiting":
        rows = selectors.approvals_awaiting(user)
    else:
        rows = selectors.approvals_visible_to(user)
        if box == "mine":
            rows = rows.filter(requested_by=user)
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(title__icontains=q)
    return page_of(
        rows.order_by("-created_at", "-id"),
        page,
        page_size,
        approval_summary,
        load=selectors.approvals_by_id,
    )


@router.get(
    "/approvals/{approval_id}", response={200: ApprovalDetailOut, 404: ErrorOut}, tags=["approvals"]
)
def approval_detail(request, approval_id: int):
    return _approval_detail(
        request.user, selectors.approval_get_for_user(request.user, approval_id)
    )


def _decide(request, approval_id: int, decision: str, payload: ApprovalDecisionIn):
    approval = selectors.approval_get_for_user(request.user, approval_id)
    approval = approval_services.approval_decide(
        actor=request.user,
        approval=approval,
        decision=decision,
        comment=payload.comment,
        extra=payload.extra,
        # Without a version, the one this request read: a decision landing in between is a 409.
        version=approval.version if payload.version is None else payload.version,
    )
    return _approval_detail(request.user, approval)


@router.post(
    "/approvals/{approval_id}/approve",
    response={200: ApprovalDetailOut, **ERRORS},
    tags=["approvals"],
)
def approval_approve(request, approval_id: int, payload: ApprovalDecisionIn):
    return _decide(request, approval_id, approval_services.Decision.APPROVE, payload)


@router.post(
    "/approvals/{approval_id}/reject",
    response={200: ApprovalDetailOut, **ERRORS},
    tags=["approvals"],
)
def approval_reject(request, approval_id: int, payload: ApprovalDecisionIn):
    return _decide(request, approval_id, approval_services.Decision.REJECT, payload)


@router.post(
    "/approvals/{approval_id}/return",
    response={200: ApprovalDetailOut, **ERRORS},
    tags=["approvals"],
)
def approval_return(request, approval_id: int, payload: ApprovalDecisionIn):
    return _decide(request, approval_id, approval_services.Decision.RETURN, payload)


@router.post(
    "/approvals/{approval_id}/comment",
    response={200: ApprovalDetailOut, **ERRORS},
    tags=["approvals"],
)
def approval_comment(request, approval_id: int, payload: CommentIn):
    approval = selectors.approval_get_for_user(request.user, approval_id)
    approval_services.approval_comment(
        actor=request.user, approval=approval, comment=payload.comment
    )
    return _approval_detail(request.user, approval)


@router.post(
    "/approvals/{approval_id}/resubmit",
    response={200: ApprovalDetailOut, **ERRORS},
    tags=["approvals"],
)
def approval_resubmit(request, approval_id: int, payload: ApprovalDecisionIn):
    approval = selectors.approval_get_for_user(request.user, approval_id)
    approval = approval_services.approval_resubmit(
        actor=request.user, approval=approval, comment=payload.comment
    )
    return _approval_detail(request.user, approval)


@router.post(
    "/approvals/{approval_id}/cancel",
    response={200: ApprovalDetailOut, **ERRORS},
    tags=["approvals"],
)
def approval_cancel(request, approval_id: int, payload: ApprovalDecisionIn):
    approval = selectors.approval_get_for_user(request.user, approval_id)
    approval = approval_services.approval_cancel(
        actor=request.user, approval=approval, comment=payload.comment
    )
    return _approval_detail(request.user, approval)
