"""Project risks and issues API (/api/v1/projects/{id}/risks, …/issues)."""

from datetime import date, datetime

from ninja import Field, Router, Schema

from qudao.core.api import ERRORS
from qudao.core.schemas import ErrorOut, InputSchema, choice, user_resolver

from ..models import ProjectIssue, Risk
from ..selectors.risks import issue_get, issues_of, risk_get, risks_of
from ..services import risks as risk_services
from .common import OWNER, item_create, item_update, project_in_scope

router = Router(tags=["project work"])


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

    resolve_owner = user_resolver("owner")


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
    return list(risks_of(project_in_scope(request, project_id), status=status or ""))


@router.post("/{project_id}/risks", response={201: RiskOut, **ERRORS})
def risk_create(request, project_id: int, payload: RiskIn):
    return item_create(request, project_id, risk_services.risk_create, payload, OWNER)


@router.patch("/{project_id}/risks/{risk_id}", response={200: RiskOut, **ERRORS})
def risk_update(request, project_id: int, risk_id: int, payload: RiskPatch):
    return item_update(
        request,
        project_id,
        lambda project: risk_get(project, risk_id),
        lambda user, risk, data: risk_services.risk_update(actor=user, risk=risk, data=data),
        payload,
        OWNER,
    )


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

    resolve_owner = user_resolver("owner")


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
    return list(issues_of(project_in_scope(request, project_id), status=status or ""))


@router.post("/{project_id}/issues", response={201: IssueOut, **ERRORS})
def issue_create(request, project_id: int, payload: IssueIn):
    return item_create(request, project_id, risk_services.issue_create, payload, OWNER)


@router.patch("/{project_id}/issues/{issue_id}", response={200: IssueOut, **ERRORS})
def issue_update(request, project_id: int, issue_id: int, payload: IssuePatch):
    return item_update(
        request,
        project_id,
        lambda project: issue_get(project, issue_id),
        lambda user, issue, data: risk_services.issue_update(actor=user, issue=issue, data=data),
        payload,
        OWNER,
    )
