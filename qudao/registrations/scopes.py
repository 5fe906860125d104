"""How the registrations app's models map to the data scopes (qudao.core.scopes)."""

from qudao.core.scopes import ScopeRule

from .models import Registration

# A registration follows its partner's scope: the partner's users, the partner's region's
# manager and the partner's channel manager; and whoever holds a pending step of its review (the
# customer region's manager, for a customer outside the partner's territory) while it waits.
RULES = {
    Registration: ScopeRule(
        region="partner__region", partner="partner", owner="partner__owner", deciders=True
    ),
}
