"""Reads of a project's health: the reasons the daily check found, and the alerts it raised."""

from typing import Any

from django.db.models import QuerySet

from ..models import Project, ProjectAlert
from ..services.health import reason_text


def health_reasons(project: Project) -> list[dict[str, Any]]:
    return [{**reason, "text": reason_text(reason)} for reason in (project.health_reasons or [])]


def alerts_of(project: Project) -> QuerySet[ProjectAlert]:
    return project.alerts.order_by("-raised_at", "-id")
