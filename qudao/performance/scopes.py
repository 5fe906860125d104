"""How the performance app's models map to the data scopes (qudao.core.scopes).

Rows about one partner follow that partner's scope; rows about a region or office follow the
region; rows about the whole company (no region) are for HQ only. Facts carry the partner's
channel manager themselves (`owner`), so that "my partners" needs no join.

Business objects (targets, scorecards, rebate statements, corrective actions) are registered with
core, because approvals and audit entries point at them. Derived rows (facts, the cube, pipeline,
benchmark entries, alerts) are never the target of an approval or an audit entry; they are kept
out of core's registry, which every listing of approvals and audit entries walks model by model,
and are scoped here with the same rules (`visible_derived`).
"""

from django.db.models import Q, QuerySet

from qudao.core import scopes
from qudao.core.errors import PermissionDenied
from qudao.core.models import Role, User

from .models import (
    Alert,
    BenchmarkEntry,
    CorrectiveAction,
    PartnerLineMonthFact,
    PartnerMonthFact,
    PartnerPeriodFact,
    PipelineFact,
    PipelineLineFact,
    RebateStatement,
    ScopeLineMonthFact,
    ScopeMonthFact,
    ScopePipelineFact,
    Scorecard,
    Target,
)

RULES = {
    Scorecard: scopes.ScopeRule(region="scope_region", partner="partner", owner="owner"),
    Target: scopes.ScopeRule(region="scope_region", partner="partner", owner="partner__owner"),
    RebateStatement: scopes.ScopeRule(
        region="scope_region", partner="partner", owner="partner__owner"
    ),
    # An action is also visible to its owner, its raiser and whom it was escalated to: the
    # selectors add those people to the scope (a rule has one member lookup).
    CorrectiveAction: scopes.ScopeRule(region="region", partner="partner", owner="partner__owner"),
}

DERIVED = {
    PartnerMonthFact: scopes.ScopeRule(region="region", partner="partner", owner="owner"),
    PartnerPeriodFact: scopes.ScopeRule(region="region", partner="partner", owner="owner"),
    PipelineFact: scopes.ScopeRule(region="region", partner="partner", owner="owner"),
    PartnerLineMonthFact: scopes.ScopeRule(region="region", partner="partner", owner="owner"),
    PipelineLineFact: scopes.ScopeRule(region="region", partner="partner", owner="owner"),
    BenchmarkEntry: scopes.ScopeRule(region="region", partner="partner", owner="owner"),
    # The cube has no partner: partner users read their own partner's facts instead.
    ScopeMonthFact: scopes.ScopeRule(region="region", owner="owner"),
    ScopeLineMonthFact: scopes.ScopeRule(region="region", owner="owner"),
    ScopePipelineFact: scopes.ScopeRule(region="region", owner="owner"),
    Alert: scopes.ScopeRule(region="region", partner="partner", owner="partner__owner"),
}


def derived_q(user: User, rule: scopes.ScopeRule) -> Q | None:
    """core.scopes.scope_q's rules for a derived model; None means no limit."""
    nothing = Q(pk__in=[])
    if not user.is_authenticated or not user.is_active:
        return nothing
    if user.is_partner_user:
        return Q(**{rule.partner: user.partner_id}) if rule.partner else nothing
    if scopes.sees_everything(user):
        return None
    q = nothing
    if rule.region and user.has_role(Role.Code.REGIONAL_MANAGER) and user.region_id:
        q |= Q(**{f"{rule.region}__in": scopes.user_region_ids(user)})
    if rule.owner and user.has_role(Role.Code.CHANNEL_MANAGER):
        q |= Q(**{rule.owner: user.pk})
    return q


def visible_derived(queryset: QuerySet, user: User) -> QuerySet:
    q = derived_q(user, DERIVED[queryset.model])
    return queryset if q is None else queryset.filter(q)


def vendor_only(user: User, rows: QuerySet, refusal: str) -> QuerySet:
    """Channel policy (KPI schemes, rebate policies): every vendor user reads `rows`, a partner
    user is refused with `refusal` (the one rule for the pages and the API)."""
    if not user.is_authenticated or user.is_partner_user:
        raise PermissionDenied(refusal)
    return rows
