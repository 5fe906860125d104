"""Reads of a project's closing: handovers to operations, follow-up visits, and the summary
and evaluation reports."""

from django.db.models import QuerySet

from ..models import FollowUpVisit, Handover, Project, ProjectReport


def handovers_of(project: Project) -> QuerySet[Handover]:
    return project.handovers.select_related("requested_by", "approval").order_by(
        "-requested_at", "-id"
    )


def handover_get(project: Project, pk: int) -> Handover:
    return project.handovers.select_related("project", "approval").get(pk=pk)


def visits_of(project: Project) -> QuerySet[FollowUpVisit]:
    return project.visits.select_related("visited_by").order_by("-visited_on", "-id")


def reports_of(project: Project) -> dict[str, ProjectReport]:
    return {r.kind: r for r in project.reports.select_related("author")}
