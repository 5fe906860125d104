"""The role-aware navigation and home-page cards, built from what the apps register
(core.hooks: nav_item, home_card), so a module that is not built is simply absent."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import hooks, roles
from .models import User

# The core app's own entries (registered in CoreConfig.ready).
NAV_ITEMS = [
    hooks.NavItem("home", _("Workbench"), "core:home", "bi-speedometer2", 10, partner_users=True),
    hooks.NavItem(
        "approvals",
        _("Approvals"),
        "core:approval-list",
        "bi-check2-square",
        80,
        partner_users=True,
    ),
    hooks.NavItem(
        "notifications",
        _("Notifications"),
        "core:notification-list",
        "bi-bell",
        85,
        partner_users=True,
    ),
    hooks.NavItem(
        "org", _("Organisation"), "core:org", "bi-diagram-3", 90, roles=roles.ORG_MANAGERS
    ),
    hooks.NavItem(
        "audit",
        _("Audit log"),
        "core:audit-list",
        "bi-journal-text",
        95,
        roles=frozenset({roles.Code.ADMIN}),
    ),
]


def _allowed(item: hooks.NavItem, user: User) -> bool:
    if user.is_partner_user:
        return item.partner_users
    if user.is_superuser:
        return True
    if item.roles:
        return user.has_role(*item.roles)
    return not item.staff_only


def items_for(user: User, path: str = "") -> list[dict[str, Any]]:
    if not user.is_authenticated:
        return []
    items = [
        {"key": item.key, "label": item.label, "url": reverse(item.url_name), "icon": item.icon}
        for item in hooks.nav_items()
        if _allowed(item, user)
    ]
    # The entry whose URL is the longest prefix of the path is the active one, so that
    # /partners/applications/ lights "Applications", not "Partners".
    matches = [
        i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))
    ]
    active = max(matches, key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["active"] = item is active
    return items


def cards_for(user: User) -> list[dict[str, Any]]:
    found = (card(user) for card in hooks.home_cards())
    return [card for card in found if card]
