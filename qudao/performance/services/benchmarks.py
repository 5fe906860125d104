"""Benchmarks (标杆): productivity of comparable units against the best of them.

Comparable units: partners of the same tier, partners of the same region, and the regions among
themselves. Metrics: won amount per sales person per month (the partner's sales staff from its
archive, at least 1), registrations per partner, registration conversion and days per stage
(lower is better). The best unit of each group is marked; every unit carries its gap to it.
Computed by the worker for a whole period at once from the facts (one grouped query), and written
in bulk: the entries of a period are replaced.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import Region, User
from qudao.core.services.audit import audit_created
from qudao.partners.models import Partner, Tier

from ..metrics import ratio
from ..models import (
    LOWER_IS_BETTER,
    BenchmarkEntry,
    BenchmarkGroup,
    BenchmarkMetric,
    BenchmarkNote,
)
from ..periods import Period
from ..selectors.facts import empty_sums, fact_sums_by, partner_periods
from .common import is_manager

CENT = Decimal("0.01")


def _values(
    sums: dict[str, Any], sales: int, partners: int, months: int
) -> dict[str, Decimal | None]:
    days = None
    if sums["stages_completed"]:
        days = (Decimal(sums["stage_days"]) / Decimal(sums["stages_completed"])).quantize(CENT)
    return {
        BenchmarkMetric.WON_PER_SALES: (
            Decimal(sums["won_amount"]) / Decimal(max(sales, 1)) / Decimal(months)
        ).quantize(CENT, ROUND_HALF_UP),
        BenchmarkMetric.REGISTRATIONS_PER_PARTNER: (
            Decimal(sums["registrations"]) / Decimal(max(partners, 1))
        ).quantize(CENT, ROUND_HALF_UP),
        BenchmarkMetric.CONVERSION: ratio(sums["registrations_won"], sums["registrations"]),
        BenchmarkMetric.DAYS_PER_STAGE: days,
    }


def _rank(units: list[dict[str, Any]], metric: str, group: dict[str, str], period: Period, now):
    """Entries of one group and metric: sorted best first, gaps to the best."""
    scored = [u for u in units if u["values"][metric] is not None]
    if not scored:
        return []
    lower = metric in LOWER_IS_BETTER
    scored.sort(
        key=lambda u: (
            (u["values"][metric], -u["order"]) if lower else (-u["values"][metric], u["order"])
        )
    )
    best = scored[0]["values"][metric]
    entries = []
    for rank, unit in enumerate(scored, start=1):
        value = unit["values"][metric]
        gap = (value - best) if lower else (best - value)
        entry = BenchmarkEntry(
            group_kind=group["kind"],
            group_key=group["key"],
            group_label=group["label"][:100],
            metric=metric,
            partner_id=unit.get("partner_id"),
            region_id=unit["region_id"],
            owner_id=unit.get("owner_id"),
            value=value,
            best_value=best,
            gap=gap,
            gap_percent=ratio(gap, best) if best else None,
            rank=rank,
            units=len(scored),
            is_best=value == best,
            computed_at=now,
        )
        entry.set_period(period)
        entries.append(entry)
    return entries


def benchmarks_compute(*, period: Period) -> dict[str, int]:
    """Replace the benchmark entries of `period` with fresh ones."""
    now = timezone.now()
    sums = fact_sums_by(partner_periods(period), "partner_id")
    regions = {r.pk: r for r in Region.objects.all()}
    tiers = dict(Tier.objects.values_list("code", "name"))
    partners = list(
        Partner.objects.filter(status=Partner.Status.ACTIVE).values(
            "pk", "region_id", "tier_id", "owner_id", "sales_staff_count"
        )
    )
    by_tier, by_region = defaultdict(list), defaultdict(list)
    region_totals: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"sums": empty_sums(), "sales": 0, "partners": 0}
    )
    for order, partner in enumerate(partners):
        partner_sums = sums.get(partner["pk"]) or empty_sums()
        region = regions[partner["region_id"]]
        top = region.parent_id or region.pk
        unit = {
            "order": order,
            "partner_id": partner["pk"],
            "region_id": partner["region_id"],
            "owner_id": partner["owner_id"],
            "values": _values(partner_sums, partner["sales_staff_count"] or 1, 1, period.months),
        }
        by_tier[partner["tier_id"]].append(unit)
        by_region[top].append(unit)
        total = region_totals[top]
        for key, value in partner_sums.items():
            total["sums"][key] += value
        total["sales"] += partner["sales_staff_count"] or 1
        total["partners"] += 1
    entries: list[BenchmarkEntry] = []
    metrics = list(BenchmarkMetric.values)
    for code, units in by_tier.items():
        group = {"kind": BenchmarkGroup.TIER, "key": code, "label": tiers.get(code, code)}
        for metric in metrics:
            entries += _rank(units, metric, group, period, now)
    for region_id, units in by_region.items():
        group = {
            "kind": BenchmarkGroup.REGION,
            "key": str(region_id),
            "label": regions[region_id].name,
        }
        for metric in metrics:
            entries += _rank(units, metric, group, period, now)
    region_units = [
        {
            "order": index,
            "region_id": region_id,
            "values": _values(total["sums"], total["sales"], total["partners"], period.months),
        }
        for index, (region_id, total) in enumerate(sorted(region_totals.items()))
    ]
    group = {"kind": BenchmarkGroup.REGIONS, "key": "all", "label": str(_("Regions"))}
    for metric in metrics:
        entries += _rank(region_units, metric, group, period, now)
    with transaction.atomic():
        BenchmarkEntry.objects.filter(**period.lookup).delete()
        BenchmarkEntry.objects.bulk_create(entries, batch_size=2000)
    return {"entries": len(entries)}


def benchmark_note_add(
    *, actor: User, group_kind: str, group_key: str, metric: str, period: Period, text: str
) -> BenchmarkNote:
    """A manager writes down the benchmark unit's practice, for every unit of the group to read."""
    if not is_manager(actor):
        raise PermissionDenied(_("Only managers write benchmark practices."))
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Write the practice others can learn from.")
    elif len(text) > 4000:
        errors["text"] = _("Keep the note under 4000 characters.")
    about = {"group_kind": group_kind, "group_key": group_key, "metric": metric}
    best = BenchmarkEntry.objects.filter(**about, **period.lookup, is_best=True).first()
    if best is None:
        errors["metric"] = _("There is no benchmark for this group, metric and period.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        note = BenchmarkNote.objects.create(
            **about,
            period_label=period.label,
            partner_id=best.partner_id,
            region_id=best.region_id if best.partner_id is None else None,
            text=text,
            author=actor,
        )
        audit_created(actor=actor, obj=note, note=best.group_label)
    return note
