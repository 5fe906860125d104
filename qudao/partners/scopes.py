from qudao.core import scopes

from .models import Partner

scopes.register(Partner, scopes.ScopeRule(region="region", partner="pk", owner="owner"))
