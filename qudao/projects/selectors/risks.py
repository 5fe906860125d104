"""Reads of a project's risks (with the heat map) and issues."""

from django.db.models import QuerySet

from ..models import Project, ProjectIssue, Risk


def risks_of(project: Project, *, status: str = "") -> QuerySet[Risk]:
    rows = project.risks.select_related("owner")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "-probability", "-impact", "id")


def risk_get(project: Project, pk: int) -> Risk:
    return project.risks.select_related("project").get(pk=pk)


def risk_matrix(project: Project) -> list[list[int]]:
    """Open risks counted per (impact 5→1, probability 1→5) cell, for the heat map."""
    cells = [[0] * 5 for _ in range(5)]
    for probability, impact in project.risks.exclude(status=Risk.Status.CLOSED).values_list(
        "probability", "impact"
    ):
        cells[5 - impact][probability - 1] += 1
    return cells


def issues_of(project: Project, *, status: str = "") -> QuerySet[ProjectIssue]:
    rows = project.issues.select_related("owner")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "-created_at", "-id")


def issue_get(project: Project, pk: int) -> ProjectIssue:
    return project.issues.select_related("project").get(pk=pk)
