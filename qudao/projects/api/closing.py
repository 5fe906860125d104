"""Closing API (/api/v1/projects/{id}/…): win, lose (reason required), suspend, resume and close;
handovers to operations (an approval); follow-up visits; the summary and evaluation reports; the
project's health with its reasons and alerts."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import ErrorOut, InputSchema, choice, user_resolver

from ..models import FollowUpVisit, ProjectReport
from ..selectors.closing import handover_get, handovers_of, reports_of, visits_of
from ..selectors.health import alerts_of, health_reasons
from ..services import closing as services
from ..services.health import project_health_refresh
from .common import project_in_scope

router = Router(tags=["project closing"])


class OutcomeOut(Schema):
    id: int
    code: str
    status: str
    won_at: datetime | None
    closed_at: datetime | None
    outcome_reason: str
    competitor: str
    version: int


class WinIn(InputSchema):
    reason: str = Field("", max_length=5000)
    competitor: str = Field("", max_length=100)
    version: int | None = Field(None, description="the version you saw (stale: 409)")


class LoseIn(InputSchema):
    reason: str = Field(..., max_length=5000)
    competitor: str = Field("", max_length=100)
    version: int | None = None


class ProjectReasonIn(InputSchema):
    reason: str = Field("", max_length=2000)
    version: int | None = None


@router.post("/{project_id}/win", response={200: OutcomeOut, **ERRORS})
def project_win(request, project_id: int, payload: WinIn):
    return services.project_win(
        actor=request.user, project=project_in_scope(request, project_id), **payload.dict()
    )


@router.post("/{project_id}/lose", response={200: OutcomeOut, **ERRORS})
def project_lose(request, project_id: int, payload: LoseIn):
    """Lost: the reason is required; the project becomes read-only."""
    return services.project_lose(
        actor=request.user, project=project_in_scope(request, project_id), **payload.dict()
    )


@router.post("/{project_id}/suspend", response={200: OutcomeOut, **ERRORS})
def project_suspend(request, project_id: int, payload: ProjectReasonIn):
    return services.project_suspend(
        actor=request.user, project=project_in_scope(request, project_id), **payload.dict()
    )


@router.post("/{project_id}/resume", response={200: OutcomeOut, **ERRORS})
def project_resume(request, project_id: int, payload: ProjectReasonIn):
    return services.project_resume(
        actor=request.user, project=project_in_scope(request, project_id), version=payload.version
    )


@router.post("/{project_id}/close", response={200: OutcomeOut, **ERRORS})
def project_close(request, project_id: int, payload: ProjectReasonIn):
    """Archive a won or lost project (vendor staff): read-only from now on."""
    return services.project_close(
        actor=request.user,
        project=project_in_scope(request, project_id),
        note=payload.reason,
        version=payload.version,
    )


# --- handovers ----------------------------------------------------------------------------------


class HandoverOut(Schema):
    id: int
    scope: str
    operations_contact: str
    handover_date: date
    note: str
    status: str
    approval_id: int | None
    requested_by: str
    requested_at: datetime
    decided_at: datetime | None

    resolve_requested_by = user_resolver("requested_by")


class HandoverIn(InputSchema):
    scope: str = Field(..., max_length=5000, description="what was delivered")
    operations_contact: str = Field("", max_length=100)
    handover_date: date
    note: str = Field("", max_length=5000)


@router.get("/{project_id}/handovers", response={200: list[HandoverOut], 404: ErrorOut})
def handover_list(request, project_id: int):
    return list(handovers_of(project_in_scope(request, project_id)))


@router.post("/{project_id}/handovers", response={201: HandoverOut, **ERRORS})
def handover_request(request, project_id: int, payload: HandoverIn):
    """Hand a won project to operations; the handover approval starts."""
    project = project_in_scope(request, project_id)
    handover = services.handover_request(actor=request.user, project=project, data=payload.dict())
    return Status(201, handovers_of(project).get(pk=handover.pk))


@router.post(
    "/{project_id}/handovers/{handover_id}/resubmit", response={200: HandoverOut, **ERRORS}
)
def handover_resubmit(request, project_id: int, handover_id: int, payload: HandoverIn):
    project = project_in_scope(request, project_id)
    handover = handover_get(project, handover_id)
    services.handover_resubmit(actor=request.user, handover=handover, data=payload.dict())
    return handovers_of(project).get(pk=handover_id)


@router.post("/{project_id}/handovers/{handover_id}/cancel", response={200: HandoverOut, **ERRORS})
def handover_cancel(request, project_id: int, handover_id: int):
    project = project_in_scope(request, project_id)
    services.handover_cancel(actor=request.user, handover=handover_get(project, handover_id))
    return handovers_of(project).get(pk=handover_id)


# --- follow-up visits ---------------------------------------------------------------------------


class VisitOut(Schema):
    id: int
    method: str
    visited_on: date
    contact: str
    satisfaction: int
    notes: str
    visited_by: str
    created_at: datetime

    resolve_visited_by = user_resolver("visited_by")


class VisitIn(InputSchema):
    method: choice(FollowUpVisit.Method)
    visited_on: date
    contact: str = Field("", max_length=100)
    satisfaction: int = Field(..., description="1 (very unhappy) to 5 (very happy)")
    notes: str = Field("", max_length=5000)


@router.get("/{project_id}/visits", response={200: list[VisitOut], 404: ErrorOut})
def visit_list(request, project_id: int):
    return list(visits_of(project_in_scope(request, project_id)))


@router.post("/{project_id}/visits", response={201: VisitOut, **ERRORS})
def visit_record(request, project_id: int, payload: VisitIn):
    project = project_in_scope(request, project_id)
    visit = services.visit_record(actor=request.user, project=project, data=payload.dict())
    return Status(201, visits_of(project).get(pk=visit.pk))


# --- reports ------------------------------------------------------------------------------------


class ReportOut(Schema):
    id: int
    kind: str
    status: str
    rating: int | None
    body: str
    problems: str
    team_performance: str
    author: str
    updated_at: datetime
    finalised_at: datetime | None

    resolve_author = user_resolver("author")


class ReportIn(InputSchema):
    body: str = Field(..., max_length=20000)
    problems: str = Field("", max_length=5000)
    team_performance: str = Field("", max_length=5000)
    rating: int | None = Field(None, description="1–5; required for the evaluation report")
    finalise: bool = Field(False, description="freeze the report")


@router.get("/{project_id}/reports", response={200: list[ReportOut], 404: ErrorOut})
def report_list(request, project_id: int):
    return list(reports_of(project_in_scope(request, project_id)).values())


@router.put("/{project_id}/reports/{kind}", response={200: ReportOut, **ERRORS})
def report_save(request, project_id: int, kind: choice(ProjectReport.Kind), payload: ReportIn):
    """Write or revise the summary (the team) or the evaluation report (a project monitor)."""
    data = payload.dict(exclude={"finalise"})
    return services.report_save(
        actor=request.user,
        project=project_in_scope(request, project_id),
        kind=kind,
        data=data,
        finalise=payload.finalise,
    )


# --- health -------------------------------------------------------------------------------------


class HealthAlertOut(Schema):
    code: str
    subject: str
    raised_at: datetime
    cleared_at: datetime | None


class HealthOut(Schema):
    health: str
    checked_at: datetime | None
    reasons: list[dict[str, Any]]
    alerts: list[HealthAlertOut]


def _health(project) -> dict[str, Any]:
    return {
        "health": project.health,
        "checked_at": project.health_checked_at,
        "reasons": health_reasons(project),
        "alerts": list(alerts_of(project)[:50]),
    }


@router.get("/{project_id}/health", response={200: HealthOut, 404: ErrorOut})
def health_detail(request, project_id: int):
    """The health the daily check computed, its reasons (with a sentence each) and the alerts
    raised (each condition at most once)."""
    return _health(project_in_scope(request, project_id))


@router.post("/{project_id}/health/refresh", response={200: HealthOut, 404: ErrorOut})
def health_refresh(request, project_id: int):
    project = project_in_scope(request, project_id)
    project_health_refresh(project=project)
    return _health(project_in_scope(request, project_id))
