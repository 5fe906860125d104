"""The role-aware navigation and home-page cards, built from what the apps register
(core.hooks: nav_item, home_card), so a module that is not built is simply absent."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import hooks, roles
from .models import User

# The side navigation's headings; an app that adds an area declares its own NAV_GROUPS.
NAV_GROUPS = [
    hooks.NavGroup("partners", _("Channel partners"), "bi-people", 20),
    hooks.NavGroup("deals", _("Deal registration"), "bi-clipboard-check", 30),
    hooks.NavGroup("projects", _("Projects"), "bi-kanban", 40),
    hooks.NavGroup("performance", _("Performance"), "bi-graph-up-arrow", 50),
    hooks.NavGroup("system", _("System"), "bi-gear", 90),
]

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
        "org",
        _("Organisation"),
        "core:org",
        "bi-diagram-3",
        90,
        roles=roles.ORG_MANAGERS,
        group="system",
    ),
    hooks.NavItem(
        "audit",
        _("Audit log"),
        "core:audit-list",
        "bi-journal-text",
        95,
        roles=frozenset({roles.Code.ADMIN}),
        group="system",
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


def _match_prefix(item: hooks.NavItem, url: str) -> str:
    """The path prefix that lights `item`: its URL, less the segments of its arguments (the
    reports entry, /performance/reports/partners/, lights for every /performance/reports/…)."""
    if not item.url_args:
        return url
    return "/".join(url.rstrip("/").split("/")[: -len(item.url_args)]) + "/"


def items_for(user: User, path: str = "") -> list[dict[str, Any]]:
    """The entries `user` may use, in order, each with key, label, url, icon, group, active."""
    if not user.is_authenticated:
        return []
    items = []
    for item in hooks.nav_items():
        if not _allowed(item, user):
            continue
        url = reverse(item.url_name, args=item.url_args)
        items.append(
            {
                "key": item.key,
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "group": item.group,
                "match": _match_prefix(item, url),
            }
        )
    # The entry whose URL is the longest prefix of the path is the active one, so that
    # /partners/applications/ lights "Applications", not "Partners".
    matches = [
        i for i in items if path == i["url"] or (i["match"] != "/" and path.startswith(i["match"]))
    ]
    active = max(matches, key=lambda i: len(i["match"]), default=None)
    for item in items:
        item["active"] = item is active
    return items


def sections_for(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The side bar: `items` (from items_for) under their group headings, a group with no entry
    for the user left out. An entry without a group is a section of its own; sections follow the
    order of their group (or of the lone entry). A section is open when it holds the active
    entry."""
    groups = hooks.nav_groups()
    orders = {item.key: item.order for item in hooks.nav_items()}
    sections: dict[str, dict[str, Any]] = {}
    for item in items:
        group = groups.get(item["group"])
        if group is None:  # no group, or one nobody declared: an entry of its own
            sections[f"item:{item['key']}"] = {
                "key": item["key"],
                "group": False,
                "order": orders.get(item["key"], 100),
                "items": [item],
                "open": item["active"],
            }
            continue
        section = sections.setdefault(
            group.key,
            {
                "key": group.key,
                "group": True,
                "label": group.label,
                "icon": group.icon,
                "order": group.order,
                "items": [],
                "open": False,
            },
        )
        section["items"].append(item)
        section["open"] = section["open"] or item["active"]
    return sorted(sections.values(), key=lambda section: section["order"])


def cards_for(user: User) -> list[dict[str, Any]]:
    found = (card(user) for card in hooks.home_cards())
    return [card for card in found if card]
