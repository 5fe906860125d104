"""Who may do what in the performance module, and small input helpers shared by its services."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from qudao.core import scopes
from qudao.core.errors import PermissionDenied
from qudao.core.models import Region, Role, User
from qudao.partners.models import Partner

from ..periods import Period

HQ_PLANNERS = (Role.Code.ADMIN, Role.Code.DIRECTOR)
MANAGERS = (
    Role.Code.ADMIN,
    Role.Code.DIRECTOR,
    Role.Code.REGIONAL_MANAGER,
    Role.Code.CHANNEL_MANAGER,
)
MAX_VALUE = Decimal("9999999999999.99")


def is_hq_planner(user: User) -> bool:
    """The channel director and system admins set HQ targets, schemes and policies."""
    if not user.is_authenticated or user.is_partner_user:
        return False
    return user.is_superuser or user.has_role(*HQ_PLANNERS)


def is_manager(user: User) -> bool:
    if not user.is_authenticated or user.is_partner_user:
        return False
    return user.is_superuser or user.has_role(*MANAGERS)


def require_hq_planner(user: User) -> None:
    if not is_hq_planner(user):
        raise PermissionDenied(_("Only the channel director and system admins may do this."))


def region_in_scope(user: User, region: Region) -> bool:
    """The user manages this region or office: HQ, or its regional manager."""
    if is_hq_planner(user):
        return True
    return bool(
        user.has_role(Role.Code.REGIONAL_MANAGER)
        and user.region_id
        and region.pk in scopes.user_region_ids(user)
    )


def partner_managed_by(user: User, partner: Partner) -> bool:
    """A vendor manager who may act on this partner's performance (HQ, its region's manager,
    its channel manager)."""
    return is_manager(user) and scopes.can_see(user, partner)


def to_decimal(value: Any) -> Decimal | None:
    """A finite number with at most two decimals, or None. A number too large to be written
    with two decimals in the decimal context (over 26 digits before the point) is None too:
    no amount, rate or score is that large."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite() or number != number.quantize(Decimal("0.01")):
            return None
    except (InvalidOperation, ValueError):
        return None
    return number


def parse_period(value: Any) -> Period | None:
    if isinstance(value, Period):
        return value
    try:
        return Period.parse(str(value or ""))
    except ValueError:
        return None


def top_region_id(region: Region) -> int:
    return region.parent_id or region.pk
