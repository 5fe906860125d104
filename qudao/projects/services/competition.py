"""The project's competitor strategy (竞争策略): from the analysis of its competitors, the team
decides to avoid (回避), compete (竞争) or track (跟踪) — at initiation and again as the
competition changes in the bid and solution phases. The outcome's competitor (who won against
us) stays with the closing services."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qudao.core.models import User
from qudao.core.services.audit import audit_updated, snapshot

from ..models import Project
from .cleaning import MAX_TEXT, ProjectCleaner
from .common import locked_editable, require_edit, save

Strategy = Project.CompetitorStrategy


def project_competition_set(
    *, actor: User, project: Project, data: dict[str, Any], version: int | None = None
) -> Project:
    """Set the fields present in `data`: `competitor_strategy` (avoid / compete / track, or ""
    for not decided yet) and `competitor_analysis` (who competes, and why this strategy).

    By whoever may change the project, while it is not lost or closed; a stale `version` is
    refused (409). Recorded in the audit trail; nothing is written when anything is invalid."""
    require_edit(actor, project)
    c = ProjectCleaner(data, partial=True)
    if not c.skips("competitor_strategy"):
        strategy = str(data.get("competitor_strategy") or "").strip()
        if strategy and strategy not in Strategy.values:
            c.errors["competitor_strategy"] = _("Choose one of the options.")
        c.values["competitor_strategy"] = strategy
    c.text("competitor_analysis", max_length=MAX_TEXT)
    values = c.check()
    with transaction.atomic():
        row = locked_editable(project, version)
        before = snapshot(row)
        for field, value in values.items():
            setattr(row, field, value)
        if values:
            save(row, list(values))
            audit_updated(actor=actor, obj=row, before=before)
    return row
