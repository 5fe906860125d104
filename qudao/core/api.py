"""Core API: token, me, organisation, approvals, notifications, audit."""

from datetime import datetime
from typing import Literal

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from . import scopes, selectors
from .errors import PermissionDenied
from .models import ApprovalRequest, Role
from .schemas import ErrorOut, InputSchema, error_response, page_of
from .services import approvals as approval_services
from .services.auth import (
    InvalidCredentials,
    LoginLocked,
    api_token_issue,
    login_locked_message,
    user_authenticate,
)
from .services.notifications import notifications_mark_read

router = Router()
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- auth ------------------------------------------------------------------------------------


class TokenIn(InputSchema):
    username: str = Field(
        ..., min_length=1, max_length=254, description="username, e-mail or mobile"
    )
    password: str = Field(..., min_length=1, max_length=256)


class TokenOut(Schema):
    token: str


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    tags=["auth"],
)
def token_create(request, payload: TokenIn):
    """A bearer token for a user name (or e-mail, mobile) and password. Failed attempts are
    throttled: 429 with `locked_until` while no password is checked."""
    try:
        user = user_authenticate(
            identifier=payload.username,
            password=payload.password,
            client_address=request.META.get("REMOTE_ADDR", ""),
        )
    except LoginLocked as locked:
        response = error_response(
            429,
            "too_many_attempts",
            login_locked_message(locked),
            locked_until=locked.until.isoformat(),
        )
        response["Retry-After"] = str(max(int((locked.until - timezone.now()).total_seconds()), 1))
        return response
    except InvalidCredentials:
        return error_response(
            401, "invalid_credentials", _("The username or password is not correct.")
        )
    return {"token": api_token_issue(user=user)}


# --- me, organisation -----------------------------------------------------------------------


class RegionOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


class UserOut(Schema):
    id: int
    username: str
    name: str = Field(..., alias="display_name")
    email: str
    mobile: str
    region_id: int | None
    partner_id: int | None
    is_active: bool
    roles: list[str]

    @staticmethod
    def resolve_roles(obj):
        return sorted(role.code for role in obj.roles.all())


class MeOut(UserOut):
    language: str


class UserPage(Schema):
    items: list[UserOut]
    count: int
    page: int
    page_size: int


@router.get("/me", response=MeOut, tags=["org"])
def me(request):
    return selectors.user_me(request.user)


@router.get("/regions", response=list[RegionOut], tags=["org"])
def region_list(request):
    return [node for region, offices in selectors.regions_tree() for node in [region, *offices]]


@router.get("/users", response=UserPage, tags=["org"])
def user_list(request, q: str = "", page: int = 1, page_size: int = 20):
    rows = selectors.users_visible_to(request.user)
    if q:
        rows = rows.filter(
            Q(username__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        )
    return page_of(rows.order_by("username"), page, page_size)


@router.get("/users/{user_id}", response={200: UserOut, 404: ErrorOut}, tags=["org"])
def user_detail(request, user_id: int):
    return selectors.user_get_for_user(request.user, user_id)


# --- approvals ------------------------------------------------------------------------------


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
        "title": approval.title,
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


class CommentIn(InputSchema):
    comment: str = Field(..., min_length=1, max_length=2000)


def _approval_detail(user, approval: ApprovalRequest) -> dict:
    detail = selectors.approval_detail(approval)
    out = approval_summary(approval)
    out["steps"] = [
        {
            "order": s.order,
            "name": s.name,
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


# --- notifications --------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    count: int
    unread: int
    page: int
    page_size: int


class ReadIn(InputSchema):
    ids: list[int] | None = Field(None, description="omit to mark all read")


@router.get("/notifications", response=NotificationPage, tags=["notifications"])
def notification_list(request, unread: bool = False, page: int = 1, page_size: int = 20):
    result = page_of(selectors.notifications_for(request.user, unread_only=unread), page, page_size)
    result["unread"] = selectors.notifications_unread_count(request.user)
    return result


@router.post("/notifications/read", response=dict, tags=["notifications"])
def notification_read(request, payload: ReadIn):
    return {"marked": notifications_mark_read(user=request.user, ids=payload.ids)}


# --- audit ----------------------------------------------------------------------------------


class ChangeOut(Schema):
    field: str
    before: object | None
    after: object | None


class AuditOut(Schema):
    id: int
    object_type: str
    object_id: str
    object_repr: str
    action: str
    actor: str | None
    note: str
    created_at: datetime
    changes: list[ChangeOut]


class AuditPage(Schema):
    items: list[AuditOut]
    count: int
    page: int
    page_size: int


class AuditFilter(Schema):
    model: str = Field("", description="app_label.model, e.g. partners.partner")
    object_id: str = ""
    page: int = 1
    page_size: int = 20


def audit_page(user, rows, page: int, page_size: int) -> dict:
    def serialise(entry):
        return {
            "id": entry.pk,
            "object_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
            "object_id": entry.object_id,
            "object_repr": entry.object_repr,
            "action": entry.action,
            "actor": str(entry.actor) if entry.actor else None,
            "note": entry.note,
            "created_at": entry.created_at,
            "changes": [
                {"field": name, "before": pair[0], "after": pair[1]}
                for name, pair in (entry.changes or {}).items()
            ],
        }

    return page_of(rows, page, page_size, serialise)


@router.get("/audit", response={200: AuditPage, **ERRORS}, tags=["audit"])
def audit_list(request, filters: Query[AuditFilter]):
    """The audit trail of one object (model + object_id), or everything for a system admin."""
    user = request.user
    if filters.model:
        try:
            model = apps.get_model(filters.model)
            obj = scopes.visible(model._default_manager.all(), user).get(pk=filters.object_id)
        except (LookupError, ValueError, ObjectDoesNotExist):
            return error_response(404, "not_found", _("Not found."))
        rows = selectors.audit_entries_for_object(obj).select_related("content_type")
    elif user.is_superuser or user.has_role(Role.Code.ADMIN):
        rows = selectors.audit_entries_visible_to(user)
    else:
        raise PermissionDenied(_("Give model and object_id, or ask a system admin."))
    return audit_page(user, rows, filters.page, filters.page_size)
