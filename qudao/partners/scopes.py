"""How the partners app's models map to the data scopes (qudao.core.scopes)."""

from qudao.core import scopes

from .models import (
    Agreement,
    CreditApplication,
    Partner,
    PartnerApplication,
    PartnerContact,
    PartnerDocument,
    PartnerEvaluation,
    Rectification,
    TierChange,
)

scopes.register(Partner, scopes.ScopeRule(region="region", partner="pk", owner="owner"))

# Everything that belongs to one partner follows that partner's scope.
for model in (
    Agreement,
    CreditApplication,
    PartnerContact,
    PartnerDocument,
    PartnerEvaluation,
    Rectification,
    TierChange,
):
    scopes.register(
        model,
        scopes.ScopeRule(region="partner__region", partner="partner", owner="partner__owner"),
    )

# Applications come from companies that are not partners yet: partner users never see them;
# the region's manager and the assigned channel manager do.
scopes.register(PartnerApplication, scopes.ScopeRule(region="region", owner="assignee"))
