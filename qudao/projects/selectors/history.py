"""Reads of a project's history: its stage transitions, and its audit entries."""

from django.db.models import Q, QuerySet

from qudao.core.models import AuditEntry
from qudao.core.selectors import audit_entries_for_object, audit_rows

from ..models import Project, StageTransition

# The audit entries of the project's stage moves (core state entries with its current stage, or
# with nothing changed for a gate submitted, rejected or returned; older ones with the stage's
# code). The history tab shows those moves once, as its transitions.
STAGE_MOVES = Q(action=AuditEntry.Action.STATE) & (
    Q(changes__has_key="current_stage") | Q(changes__has_key="stage") | Q(changes={})
)


def project_transitions(project: Project) -> QuerySet[StageTransition]:
    return project.transitions.select_related(
        "actor", "from_stage__definition", "to_stage__definition"
    ).order_by("created_at", "id")


def project_history(project: Project, limit: int = 200) -> list[dict]:
    """The project's latest changes of data, owner, team and status, ready to show (field
    labels, readable values, the reader's time); its stage moves are its transitions, and the
    columns Project.audit_exclude keeps out of the audit (the version…) are left out of
    entries written before."""
    entries = audit_entries_for_object(project).exclude(STAGE_MOVES).order_by("-created_at", "-id")
    rows = audit_rows(entries[:limit])
    hidden = set(Project.audit_exclude)
    for row in rows:
        row["changes"] = [c for c in row["changes"] if c.get("name") not in hidden]
    return rows
