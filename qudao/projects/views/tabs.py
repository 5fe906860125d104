"""The frame every project detail page shares: a registry of tabs and the context they need.

Why a registry: the detail page is built by more than one module (overview, stages, documents
and history here; milestones, tasks, risks, meetings… in the work_* modules). Each module
registers its tab on import, so the tab bar shows exactly the tabs that exist, in a fixed order,
without this module knowing the others. Orders in use: overview 10, stages 20, documents 30,
the work tabs 40–890, history 900 (always last).
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from ..models import Project


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any
    url_name: str  # reversed with the project's pk as its only argument
    order: int = 100
    partner_users: bool = True  # shown to partner users too


_tabs: dict[str, Tab] = {}


def register_tab(
    key: str, label: Any, url_name: str, order: int = 100, partner_users: bool = True
) -> None:
    """Add or replace the tab `key` (re-registering on a re-import is harmless)."""
    _tabs[key] = Tab(key, label, url_name, order, partner_users)


def tabs_for(user, project: Project, active_key: str) -> list[dict[str, Any]]:
    """The tabs `user` may see on `project`, in order, with the active one marked."""
    shown = [
        tab
        for tab in sorted(_tabs.values(), key=lambda t: (t.order, t.key))
        if tab.partner_users or not getattr(user, "is_partner_user", False)
    ]
    return [
        {
            "key": tab.key,
            "label": tab.label,
            "url": reverse(tab.url_name, args=[project.pk]),
            "active": tab.key == active_key,
        }
        for tab in shown
    ]


HEALTH_COLOURS = {
    Project.Health.GOOD: "success",
    Project.Health.WARNING: "warning",
    Project.Health.CRITICAL: "danger",
}


def health_colour(health: str) -> str:
    """The Bootstrap colour of a health badge."""
    return HEALTH_COLOURS.get(health, "secondary")


def project_context(request: HttpRequest, project: Project, active_key: str) -> dict[str, Any]:
    """What templates/projects/_project_base.html needs: the project (loaded through the user's
    scope by the caller), its tab bar and the health badge's colour."""
    return {
        "project": project,
        "tabs": tabs_for(request.user, project, active_key),
        "health_colour": health_colour(project.health),
        "active_tab": active_key,
    }
