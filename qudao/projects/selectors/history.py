"""Reads of a project's history: its audit entries and its stage transitions."""

from django.db.models import QuerySet

from qudao.core.selectors import audit_entries_for_object, audit_rows

from ..models import Project, StageTransition


def project_transitions(project: Project) -> QuerySet[StageTransition]:
    return project.transitions.select_related(
        "actor", "from_stage__definition", "to_stage__definition"
    ).order_by("created_at", "id")


def project_history(project: Project, limit: int = 200) -> list[dict]:
    """The project's latest audit entries, ready to show (field labels, choice values)."""
    return audit_rows(audit_entries_for_object(project).order_by("-created_at", "-id")[:limit])
