"""Who may do what in the performance module, and small input helpers shared by its services."""

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from qudao.core import scopes
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import Region, Role, User
from qudao.core.roles import LEADERS, MANAGERS, user_in
from qudao.core.services.audit import audit_created, audited_update
from qudao.partners.models import Partner, Tier

from ..periods import Period

MAX_VALUE = Decimal("9999999999999.99")
# The code of a scheme or policy: a short slug.
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,29}$")


def is_hq_planner(user: User) -> bool:
    """The channel director and system admins set HQ targets, schemes and policies."""
    return user_in(user, LEADERS)


def is_manager(user: User) -> bool:
    """Vendor staff who manage partners (HQ, regional and channel managers)."""
    return user_in(user, MANAGERS)


def require_hq_planner(user: User) -> None:
    if not is_hq_planner(user):
        raise PermissionDenied(_("Only the channel director and system admins may do this."))


def region_can_manage(user: User, region: Region) -> bool:
    """The user manages this region or office: HQ, or its regional manager."""
    if is_hq_planner(user):
        return True
    return bool(
        user.has_role(Role.Code.REGIONAL_MANAGER)
        and user.region_id
        and region.pk in scopes.user_region_ids(user)
    )


def partner_can_manage(user: User, partner: Partner) -> bool:
    """A vendor manager who may act on this partner's performance (HQ, its region's manager,
    its channel manager)."""
    return is_manager(user) and scopes.can_see(user, partner)


def code_of(data: dict[str, Any], current, model, taken: str, errors: dict[str, str]) -> str:
    """The code of a scheme or policy: kept when `current` exists, else the one in `data`, which
    must be well formed and not `taken` by another row of `model`."""
    if current is not None:
        return current.code
    code = (data.get("code") or "").strip()
    if not CODE.match(code):
        errors["code"] = _("Use 2–30 lower-case letters, digits, hyphens or underscores.")
    elif model.objects.filter(code=code).exists():
        errors["code"] = taken
    return code


def reference_write(
    model,
    current,
    values: dict[str, Any],
    *,
    actor: User,
    lines: str,
    then: Callable[[Any], None],
    taken: str,
    bump: bool = False,
):
    """Create a scheme or policy (`model`) from `values`, or change `current` under a row lock
    (`bump`: with the next version), with its audit entry; a change drops the old rows of the
    relation `lines`, and `then(saved)` writes the new ones, in the same transaction. A code
    another row took meanwhile is the `taken` error on `code`."""
    try:
        with transaction.atomic():
            if current is None:
                saved = model.objects.create(created_by=actor, **values)
                audit_created(actor=actor, obj=saved)
            else:
                saved = model.objects.select_for_update().get(pk=current.pk)
                if bump:
                    values = {**values, "version": saved.version + 1}
                audited_update(actor=actor, obj=saved, values=values)
                getattr(saved, lines).all().delete()
            then(saved)
    except IntegrityError:
        raise ValidationError({"code": taken}) from None
    return saved


def tier_of(value: Any, errors: dict[str, str]) -> Tier | None:
    """The tier a form (a Tier) or a payload (its code) names; None for none."""
    if value in (None, ""):
        return None
    if isinstance(value, Tier):
        return value
    tier = Tier.objects.filter(code=value).first()
    if tier is None:
        errors["tier"] = _("Choose a tier.")
    return tier


def active_twin(rows: QuerySet, current):
    """The first of `rows` (those in use for the same units and periods) other than `current`."""
    if current is not None:
        rows = rows.exclude(pk=current.pk)
    return rows.first()


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
