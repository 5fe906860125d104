"""How the projects app's models map to the data scopes (qudao.core.scopes)."""

from qudao.core.scopes import ScopeRule

from .models import Project

# A project is seen by: HQ roles (incl. the project monitor role) — everything; the regional
# manager of its region's subtree; the channel manager owning its partner; its partner's users;
# and every team member (the owner is always a member, see services).
RULES = {
    Project: ScopeRule(
        region="region", partner="partner", owner="partner__owner", member="members__user"
    ),
}
