"""The frame every project detail page shares: the tabs the apps register (core.hooks.detail_tab,
page "project") and the context they need."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from qudao.core import hooks, navigation, scopes
from qudao.partners.models import Partner
from qudao.registrations.models import Registration

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


def _opens(user, model, pk) -> bool:
    """May `user` open record `pk` of `model` (its page would not be a 404)?"""
    if not pk:
        return False
    return scopes.sees_everything(user) or scopes.can_see(user, model(pk=pk))


def cross_links(user, project: Project) -> dict[str, str]:
    """Where the project's partner, source registration and customer lead, for `user`: the
    partner's archive and the registration when `user` may open them (at most a query each);
    the customer as a search of the registration list (until the customer master comes) when
    `user` has that list."""
    links = {}
    own = user.is_partner_user and project.partner_id == user.partner_id  # no query needed
    if own or _opens(user, Partner, project.partner_id):
        links["partner"] = reverse("partners:partner-detail", args=[project.partner_id])
    if project.source_registration_id:
        number = (
            scopes.visible(Registration.objects.filter(pk=project.source_registration_id), user)
            .values_list("number", flat=True)
            .first()
        )
        if number:
            links["registration"] = reverse(
                "registrations:registration-detail", args=[project.source_registration_id]
            )
            links["registration_number"] = number
    if any(item["key"] == "registrations" for item in navigation.items_for(user)):
        query = urlencode({"q": project.customer_name})
        links["customer"] = f"{reverse('registrations:registration-list')}?{query}"
    return links


def project_context(request: HttpRequest, project: Project, active_key: str) -> dict[str, Any]:
    """What templates/projects/_project_base.html needs: the project (loaded through the user's
    scope by the caller), its tab bar, the health badge's colour and the links across."""
    return {
        "project": project,
        "tabs": tabs_for(request.user, project, active_key),
        "health_colour": health_colour(project.health),
        "links": cross_links(request.user, project),
        "active_tab": active_key,
    }
