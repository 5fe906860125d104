"""The frame every project detail page shares: the tabs the apps register (core.hooks.detail_tab,
page "project") and the context they need."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from qudao.core import hooks

from ..models import Project


def tabs_for(user, project: Project, active_key: str) -> list[dict[str, Any]]:
    """The tabs `user` may see on `project`, in order, with the active one marked."""
    shown = [
        tab
        for tab in hooks.detail_tabs("project")
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
