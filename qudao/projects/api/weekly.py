"""Project weekly reports API (/api/v1/projects/{id}/weekly-reports): one per project, ISO week
and author."""

from datetime import date, datetime

from ninja import Field, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import ErrorOut, InputSchema, user_resolver

from ..selectors.weekly import weekly_reports_of
from ..services import weekly as weekly_services
from .common import project_in_scope

router = Router(tags=["project work"])


class WeeklyOut(Schema):
    id: int
    author_id: int
    author: str
    iso_year: int
    iso_week: int
    week_start: date
    this_week: str
    next_week: str
    problems: str
    created_at: datetime
    updated_at: datetime

    resolve_author = user_resolver("author")


class WeeklyIn(InputSchema):
    week: date | None = Field(None, description="any day of the week reported on (default: now)")
    this_week: str = Field(..., max_length=5000)
    next_week: str = Field("", max_length=5000)
    problems: str = Field("", max_length=5000)


@router.get("/{project_id}/weekly-reports", response={200: list[WeeklyOut], 404: ErrorOut})
def weekly_report_list(request, project_id: int):
    return list(weekly_reports_of(project_in_scope(request, project_id)))


@router.post("/{project_id}/weekly-reports", response={200: WeeklyOut, 201: WeeklyOut, **ERRORS})
def weekly_report_save(request, project_id: int, payload: WeeklyIn):
    """Write your report for a week (201), or revise it (200): one per project, week, author."""
    report, created = weekly_services.weekly_report_save(
        actor=request.user,
        project=project_in_scope(request, project_id),
        data=payload.dict(exclude={"week"}),
        week=payload.week,
    )
    return Status(201 if created else 200, report)
