"""How the registrations app's models map to the data scopes (qudao.core.scopes)."""

from qudao.core import scopes

from .models import Registration

# A registration follows its partner's scope: the partner's users, the partner's region's
# manager and the partner's channel manager.
scopes.register(
    Registration,
    scopes.ScopeRule(region="partner__region", partner="partner", owner="partner__owner"),
)
