"""How the partners app's models map to the data scopes (qudao.core.scopes)."""

from qudao.core.scopes import ScopeRule

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

# Everything that belongs to one partner follows that partner's scope.
_OF_PARTNER = ScopeRule(region="partner__region", partner="partner", owner="partner__owner")

RULES = {
    Partner: ScopeRule(region="region", partner="pk", owner="owner"),
    Agreement: _OF_PARTNER,
    CreditApplication: _OF_PARTNER,
    PartnerContact: _OF_PARTNER,
    PartnerDocument: _OF_PARTNER,
    PartnerEvaluation: _OF_PARTNER,
    Rectification: _OF_PARTNER,
    TierChange: _OF_PARTNER,
    # Applications come from companies that are not partners yet: partner users never see
    # them; the region's manager and the assigned channel manager do.
    PartnerApplication: ScopeRule(region="region", owner="assignee"),
}
