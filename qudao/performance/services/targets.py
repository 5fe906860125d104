"""Targets (目标) and their decomposition (目标分解).

HQ (the channel director, system admins) sets a target for the company or a region; whoever
manages a unit decomposes that unit's target to the units inside it: region → offices or partners,
office → partners (regional manager), partner → its sales people (the partner admin).

Rules, checked here with a clear message and nothing written when broken:
- a value is a number ≥ 0 (rates at most 100);
- one unit has one target per metric for any day: a new target whose period overlaps an existing
  one of the same unit and metric (of any period length) is refused, because attainment and the
  roll-ups must never count a day against two targets;
- a child has its parent's metric and period, and its unit lies inside the parent's unit.
Whether the children add up to the parent is shown (selectors.targets), not enforced.
"""

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import Region, Role, User
from qudao.core.services.audit import audit_created, audit_deleted, audit_updated, snapshot
from qudao.partners.models import Partner

from ..metrics import METRICS, metric_label
from ..models import Target, UnitKind, unit_key
from ..periods import Period
from .common import (
    MAX_VALUE,
    is_hq_planner,
    parse_period,
    region_can_manage,
    to_decimal,
    top_region_id,
)

# Which unit types a target of each unit type decomposes into.
CHILD_KINDS = {
    UnitKind.COMPANY: (UnitKind.REGION,),
    UnitKind.REGION: (UnitKind.OFFICE, UnitKind.PARTNER),
    UnitKind.OFFICE: (UnitKind.PARTNER,),
    UnitKind.PARTNER: (UnitKind.PERSON,),
    UnitKind.PERSON: (),
}


def target_can_plan_for(user: User, kind: str, *, region=None, partner=None) -> bool:
    """Whether `user` may set the targets of the units inside this unit (decompose it)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if kind == UnitKind.PARTNER and user.is_partner_user:
        return bool(
            partner and user.partner_id == partner.pk and user.has_role(Role.Code.PARTNER_ADMIN)
        )
    if user.is_partner_user:
        return False
    if kind == UnitKind.COMPANY:
        return is_hq_planner(user)
    if kind in (UnitKind.REGION, UnitKind.OFFICE):
        return region is not None and region_can_manage(user, region)
    if kind == UnitKind.PARTNER:
        return partner is not None and region_can_manage(user, partner.region)
    return False


def target_can_plan(user: User, target: Target) -> bool:
    """Whether `user` may decompose `target` (set its children)."""
    return target_can_plan_for(user, target.unit_kind, region=target.region, partner=target.partner)


def target_can_change(user: User, target: Target) -> bool:
    """A target is changed by whoever set it up: the planner of its parent (HQ for a root)."""
    if target.parent_id is None:
        return is_hq_planner(user)
    return target_can_plan(user, target.parent)


def _unit(data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The unit fields from `data`: unit_kind and region / partner / person (objects or ids)."""
    kind = data.get("unit_kind") or ""
    unit: dict[str, Any] = {"unit_kind": kind, "region": None, "partner": None, "person": None}
    if kind not in UnitKind.values:
        errors["unit_kind"] = _("Choose the kind of unit.")
        return unit
    if kind in (UnitKind.REGION, UnitKind.OFFICE):
        region = _object(Region, data.get("region"))
        wanted = Region.Kind.REGION if kind == UnitKind.REGION else Region.Kind.OFFICE
        if region is None or region.kind != wanted:
            errors["region"] = (
                _("Choose a region.") if kind == UnitKind.REGION else _("Choose an office.")
            )
        unit["region"] = region
    elif kind == UnitKind.PARTNER:
        partner = _object(Partner, data.get("partner"))
        if partner is None:
            errors["partner"] = _("Choose a partner.")
        elif partner.status == Partner.Status.EXITED:
            errors["partner"] = _("This partner has left the channel.")
        unit["partner"] = partner
    elif kind == UnitKind.PERSON:
        person = _object(User, data.get("person"))
        if person is None or not person.is_partner_user or not person.is_active:
            errors["person"] = _("Choose an active user of the partner.")
        else:
            unit["person"] = person
            unit["partner"] = person.partner
    return unit


def _object(model, value):
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _key(unit: dict[str, Any]) -> str:
    return unit_key(
        unit["unit_kind"],
        region_id=unit["region"].pk if unit["region"] else None,
        partner_id=unit["partner"].pk if unit["partner"] else None,
        person_id=unit["person"].pk if unit["person"] else None,
    )


def _scope_region(unit: dict[str, Any]) -> Region | None:
    if unit["region"] is not None:
        return unit["region"]
    if unit["partner"] is not None:
        return unit["partner"].region
    return None


def _inside(parent: Target, unit: dict[str, Any]) -> bool:
    """Whether the unit lies inside the parent's unit, one level down."""
    kind = unit["unit_kind"]
    if kind not in CHILD_KINDS.get(parent.unit_kind, ()):
        return False
    if parent.unit_kind == UnitKind.COMPANY:
        return True
    if parent.unit_kind == UnitKind.REGION:
        if kind == UnitKind.OFFICE:
            return unit["region"].parent_id == parent.region_id
        return top_region_id(unit["partner"].region) == parent.region_id
    if parent.unit_kind == UnitKind.OFFICE:
        return unit["partner"].region_id == parent.region_id
    return unit["partner"].pk == parent.partner_id


def _value(metric: str, raw: Any, errors: dict[str, str]) -> Decimal | None:
    value = to_decimal(raw)
    if value is None:
        errors["value"] = _("Enter a number with at most two decimals.")
    elif value < 0:
        errors["value"] = _("A target cannot be negative.")
    elif value > MAX_VALUE:
        errors["value"] = _("The value is too large.")
    elif metric in METRICS and not METRICS[metric].additive and value > 100:
        errors["value"] = _("A rate is at most 100 (%).")
    return value


def _overlapping(key: str, metric: str, period: Period, exclude: int | None = None):
    rows = Target.objects.filter(
        unit_key=key, metric=metric, period_start__lte=period.end, period_end__gte=period.start
    )
    return rows.exclude(pk=exclude) if exclude else rows


def _overlap_message(existing: Target) -> str:
    return _(
        "%(unit)s already has a %(metric)s target for %(period)s, which overlaps this period."
    ) % {
        "unit": existing.unit_label,
        "metric": metric_label(existing.metric),
        "period": existing.period_label,
    }


def target_create(*, actor: User, data: dict[str, Any]) -> Target:
    """Set a target: data has unit_kind + region/partner/person, metric, period ("2026Q3"),
    value, note, and optionally parent (the target it is decomposed from)."""
    errors: dict[str, str] = {}
    parent = _object(Target, data.get("parent"))
    if data.get("parent") not in (None, "") and parent is None:
        errors["parent"] = _("The target to decompose does not exist.")
    metric = data.get("metric") or (parent.metric if parent else "")
    if metric not in METRICS:
        errors["metric"] = _("Choose a metric.")
    period = parse_period(data.get("period")) or (parent.period if parent else None)
    if period is None:
        errors["period"] = _(
            "Write the period as a year, a quarter or a month: 2026, 2026Q3, 2026-07."
        )
    unit = _unit(data, errors)
    value = _value(metric, data.get("value"), errors)
    note = (data.get("note") or "").strip()
    if len(note) > 200:
        errors["note"] = _("Keep the note to 200 characters.")
    if errors:
        raise ValidationError(errors)
    if parent is not None:
        if not target_can_plan(actor, parent):
            raise PermissionDenied(_("You cannot decompose this target."))
        if parent.metric != metric or parent.period != period:
            raise ValidationError(
                {"period": _("A decomposed target has its parent's metric and period.")}
            )
        if not _inside(parent, unit):
            raise ValidationError(
                {"unit_kind": _("This unit is not inside %(unit)s.") % {"unit": parent.unit_label}}
            )
    elif not is_hq_planner(actor):
        raise PermissionDenied(_("Only HQ sets targets that are not decomposed from another."))
    key = _key(unit)
    with transaction.atomic():
        existing = _overlapping(key, metric, period).first()
        if existing is not None:
            raise ValidationError({"period": _overlap_message(existing)})
        target = Target(
            **unit,
            scope_region=_scope_region(unit),
            unit_key=key,
            metric=metric,
            value=value,
            parent=parent,
            note=note,
            set_by=actor,
        )
        target.set_period(period)
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError:
            raise ValidationError(
                {"period": _("This unit already has a target of this metric for this period.")}
            ) from None
        audit_created(actor=actor, obj=target)
    return target


def target_children_set(*, actor: User, parent: Target, values: dict[str, Any]) -> list[Target]:
    """Decompose `parent`: {unit key ("partner:12") → value} creates or updates its children in
    one go; every value is checked first, and nothing is written if any is wrong."""
    if not target_can_plan(actor, parent):
        raise PermissionDenied(_("You cannot decompose this target."))
    existing = {child.unit_key: child for child in parent.children.all()}
    errors: dict[str, str] = {}
    plan: list[tuple[str, Decimal]] = []
    for key, raw in values.items():
        if raw in (None, ""):
            continue
        problems: dict[str, str] = {}
        value = _value(parent.metric, raw, problems)
        if problems:
            errors[key] = problems["value"]
        else:
            plan.append((key, value))
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        for key, value in plan:
            child = existing.get(key)
            if child is not None:
                saved.append(target_update(actor=actor, target=child, value=value))
                continue
            kind, _sep, pk = key.partition(":")
            field = {
                "region": "region",
                "office": "region",
                "partner": "partner",
                "person": "person",
            }.get(kind)
            if field is None:
                raise ValidationError({key: _("Unknown unit.")})
            try:
                saved.append(
                    target_create(
                        actor=actor,
                        data={"unit_kind": kind, field: pk, "value": value, "parent": parent},
                    )
                )
            except ValidationError as error:
                messages = (
                    error.message_dict
                    if hasattr(error, "error_dict")
                    else {"__all__": error.messages}
                )
                raise ValidationError(
                    {key: " ".join(m for ms in messages.values() for m in ms)}
                ) from None
    return saved


def target_update(*, actor: User, target: Target, value: Any, note: str | None = None) -> Target:
    if not target_can_change(actor, target):
        raise PermissionDenied(_("You cannot change this target."))
    errors: dict[str, str] = {}
    number = _value(target.metric, value, errors)
    if note is not None and len(note.strip()) > 200:
        errors["note"] = _("Keep the note to 200 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Target.objects.select_for_update().get(pk=target.pk)
        before = snapshot(locked)
        locked.value = number
        if note is not None:
            locked.note = note.strip()
        locked.save(update_fields=["value", "note", "updated_at"])
        audit_updated(actor=actor, obj=locked, before=before)
    return locked


def target_delete(*, actor: User, target: Target) -> None:
    if not target_can_change(actor, target):
        raise PermissionDenied(_("You cannot change this target."))
    with transaction.atomic():
        if target.children.exists():
            raise ValidationError(_("Delete the targets decomposed from it first."))
        audit_deleted(actor=actor, obj=target)
        target.delete()
