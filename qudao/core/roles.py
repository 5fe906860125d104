"""The role groups that decide who may act, defined once for every app's predicates
(`noun_can_verb`). An app names a group here instead of listing role codes again."""

from .models import Role, User
from .models.org import PARTNER_ROLES

Code = Role.Code

# See the whole company's data (core.scopes: no region or partner filter).
HQ = frozenset({Code.ADMIN, Code.DIRECTOR, Code.FINANCE, Code.ANALYST, Code.MONITOR})
# Set company-wide policy: tiers, registration rules, scorecard schemes, HQ targets.
LEADERS = frozenset({Code.ADMIN, Code.DIRECTOR})
# Manage partners and decide what partners submit (registrations, applications, agreements).
MANAGERS = frozenset({Code.ADMIN, Code.DIRECTOR, Code.REGIONAL_MANAGER, Code.CHANNEL_MANAGER})
# Run the organisation tree: regions, offices, users.
ORG_MANAGERS = frozenset({Code.ADMIN, Code.DIRECTOR, Code.REGIONAL_MANAGER})
# Keep the money: credit limits and usage.
FINANCE = frozenset({Code.FINANCE, Code.ADMIN})
# Open projects (a regional manager only in their region).
PROJECT_CREATORS = MANAGERS | {Code.PROJECT_MANAGER, Code.PRESALES, Code.ACCOUNT_MANAGER}
# A partner organisation's own users.
PARTNER = PARTNER_ROLES


def user_in(user: User, roles: frozenset[str]) -> bool:
    """`user` is vendor staff holding one of `roles` (a superuser holds them all)."""
    if not user.is_authenticated or user.is_partner_user:
        return False
    return user.is_superuser or user.has_role(*roles)
