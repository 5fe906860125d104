"""How the registrations app's models map to the data scopes (qudao.core.scopes)."""

from qudao.core import scopes

from .models import Registration

# A registration follows its partner's scope: the partner's users, the partner's region's
# manager and the partner's channel manager; and whoever holds a pending step of its review (the
# customer region's manager, for a customer outside the partner's territory) while it waits.
scopes.register(
    Registration,
    scopes.ScopeRule(
        region="partner__region", partner="partner", owner="partner__owner", deciders=True
    ),
)
