"""The core app's own entries in the shared registries."""

from django.utils.translation import gettext_lazy as _

from . import navigation, scopes
from .models import Role, User

scopes.register(User, scopes.ScopeRule(region="region", partner="partner", owner="partner__owner"))

for item in (
    navigation.NavItem(
        "home", _("Workbench"), "core:home", "bi-speedometer2", 10, partner_users=True
    ),
    navigation.NavItem(
        "approvals",
        _("Approvals"),
        "core:approval-list",
        "bi-check2-square",
        80,
        partner_users=True,
    ),
    navigation.NavItem(
        "notifications",
        _("Notifications"),
        "core:notification-list",
        "bi-bell",
        85,
        partner_users=True,
    ),
    navigation.NavItem(
        "org",
        _("Organisation"),
        "core:org",
        "bi-diagram-3",
        90,
        roles=frozenset({Role.Code.ADMIN, Role.Code.DIRECTOR, Role.Code.REGIONAL_MANAGER}),
    ),
    navigation.NavItem(
        "audit",
        _("Audit log"),
        "core:audit-list",
        "bi-journal-text",
        95,
        roles=frozenset({Role.Code.ADMIN}),
    ),
):
    navigation.register(item)
