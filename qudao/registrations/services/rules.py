"""Registration rules as data, edited by the channel director or an admin: protection periods
and progress-update intervals per tier / product line (`ProtectionRule`), and what a
cross-region registration needs (`CrossRegionRule`). Also the two look-ups the use cases make:
`protection_terms` (on approval) and `cross_region_approver` (on submit)."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from qudao.catalog.models import ProductLine
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import Region, Role, User
from qudao.core.roles import LEADERS, user_in
from qudao.core.scopes import user_region_ids
from qudao.core.services.audit import audit_created, audit_deleted, audited_update
from qudao.partners.models import Tier

from ..models import CrossRegionRule, ProtectionRule, Registration


@dataclass(frozen=True)
class Terms:
    """The protection a registration gets when approved."""

    protection_days: int
    update_interval_days: int
    rule: ProtectionRule | None  # None: the settings' defaults


def rule_can_manage(user: User) -> bool:
    """`user` may change the registration rules: the channel director or an admin."""
    return user_in(user, LEADERS)


def _require_manager(actor: User) -> None:
    if not rule_can_manage(actor):
        raise PermissionDenied(_("Only the channel director or an admin can change these rules."))


# --- look-ups used by the registration use cases -----------------------------------------------


def protection_terms(registration: Registration) -> Terms:
    """The most specific active rule for the partner's tier and the registration's product
    lines; with several lines, the one giving the longest protection."""
    tier_id = (
        Tier.objects.filter(code=registration.partner.tier_id).values_list("pk", flat=True).first()
    )
    line_ids = list(registration.products.values_list("product_line_id", flat=True))
    rules = list(
        ProtectionRule.objects.filter(Q(tier_id=tier_id) | Q(tier__isnull=True), is_active=True)
    )
    rules = [r for r in rules if r.product_line_id is None or r.product_line_id in line_ids]
    if not rules:
        return Terms(settings.REGISTRATION_PROTECTION_DAYS, settings.REGISTRATION_UPDATE_DAYS, None)

    def specificity(rule: ProtectionRule) -> tuple[int, int]:
        # product line beats tier beats the default; then the longer protection
        rank = (2 if rule.product_line_id else 0) + (1 if rule.tier_id else 0)
        return rank, rule.protection_days

    best = max(rules, key=specificity)
    return Terms(best.protection_days, best.update_interval_days, best)


def cross_region_rule(region_id: int) -> CrossRegionRule | None:
    """The rule of the nearest region containing `region_id` (the region itself first)."""
    rules = {
        rule.customer_region_id: rule for rule in CrossRegionRule.objects.select_related("approver")
    }
    if not rules:
        return None
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    node: int | None = region_id
    while node is not None:
        if node in rules:
            return rules[node]
        node = parents.get(node)
    return None


def regional_manager_for(region_id: int) -> User | None:
    """The first active regional manager whose region covers `region_id`."""
    managers = (
        User.objects.filter(
            roles__code=Role.Code.REGIONAL_MANAGER,
            is_active=True,
            partner__isnull=True,
            region__isnull=False,
        )
        .distinct()
        .order_by("pk")
    )
    for manager in managers:
        if region_id in user_region_ids(manager):
            return manager
    return None


def cross_region_approver(region_id: int) -> tuple[bool, User | None]:
    """(needs an extra approval, by whom) for a customer in `region_id` outside the territory."""
    rule = cross_region_rule(region_id)
    if rule is not None and not rule.requires_approval:
        return False, None
    if rule is not None and rule.approver is not None and rule.approver.is_active:
        return True, rule.approver
    return True, regional_manager_for(region_id)


# --- editing the rules -------------------------------------------------------------------------


def _int_in(data, name, low, high, errors, label) -> int | None:
    try:
        value = int(str(data.get(name, "")).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        errors[name] = _("Enter %(label)s between %(low)s and %(high)s.") % {
            "label": label,
            "low": low,
            "high": high,
        }
        return None
    return value


def _pk_of(model, value, name, errors, message):
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        found = model.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError, OverflowError):
        found = None
    if found is None:
        errors[name] = message
    return found


def _rule_write(model, rule, values: dict[str, Any], *, actor: User, duplicate: dict[str, str]):
    """Create the rule, or change it under a row lock, with its audit entry; a second rule for
    the same key (the unique constraint) is the `duplicate` error."""
    try:
        with transaction.atomic():
            if rule is None:
                rule = model.objects.create(**values)
                audit_created(actor=actor, obj=rule)
            else:
                rule = model.objects.select_for_update().get(pk=rule.pk)
                audited_update(actor=actor, obj=rule, values=values)
    except IntegrityError:
        raise ValidationError(duplicate) from None
    return rule


def protection_rule_save(
    *, actor: User, data: dict[str, Any], rule: ProtectionRule | None = None
) -> ProtectionRule:
    _require_manager(actor)
    errors: dict[str, str] = {}
    tier = _pk_of(Tier, data.get("tier"), "tier", errors, _("Choose a tier from the list."))
    line = _pk_of(
        ProductLine,
        data.get("product_line"),
        "product_line",
        errors,
        _("Choose a product line from the list."),
    )
    days = _int_in(data, "protection_days", 1, 730, errors, _("the protection in days"))
    interval = _int_in(
        data, "update_interval_days", 1, 365, errors, _("the update interval in days")
    )
    if days is not None and interval is not None and interval > days:
        errors["update_interval_days"] = _(
            "Updates must be asked for at least once within the protection period."
        )
    if errors:
        raise ValidationError(errors)
    values = {
        "tier": tier,
        "product_line": line,
        "protection_days": days,
        "update_interval_days": interval,
        "is_active": bool(data.get("is_active", True)),
    }
    return _rule_write(
        ProtectionRule,
        rule,
        values,
        actor=actor,
        duplicate={"tier": _("There is already a rule for this tier and product line.")},
    )


def protection_rule_delete(*, actor: User, rule: ProtectionRule) -> None:
    _require_manager(actor)
    with transaction.atomic():
        audit_deleted(actor=actor, obj=rule)
        rule.delete()


def cross_region_rule_save(
    *, actor: User, data: dict[str, Any], rule: CrossRegionRule | None = None
) -> CrossRegionRule:
    _require_manager(actor)
    errors: dict[str, str] = {}
    region = _pk_of(
        Region, data.get("customer_region"), "customer_region", errors, _("Choose a region.")
    )
    if region is None and "customer_region" not in errors:
        errors["customer_region"] = _("Choose a region.")
    approver = _pk_of(User, data.get("approver"), "approver", errors, _("Choose a user."))
    if approver is not None and (approver.is_partner_user or not approver.is_active):
        errors["approver"] = _("The approver must be an active vendor user.")
    note = str(data.get("note") or "").strip()
    if len(note) > 200:
        errors["note"] = _("Keep this under %(max)s characters.") % {"max": 200}
    if errors:
        raise ValidationError(errors)
    values = {
        "customer_region": region,
        "requires_approval": bool(data.get("requires_approval", True)),
        "approver": approver,
        "note": note,
    }
    return _rule_write(
        CrossRegionRule,
        rule,
        values,
        actor=actor,
        duplicate={"customer_region": _("There is already a rule for this region.")},
    )


def cross_region_rule_delete(*, actor: User, rule: CrossRegionRule) -> None:
    _require_manager(actor)
    with transaction.atomic():
        audit_deleted(actor=actor, obj=rule)
        rule.delete()
