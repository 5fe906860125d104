"""The metrics the module measures (指标), and how each is computed from the monthly facts.

One registry, so that targets, KPI schemes, scorecards, alerts, reports and the dashboards all
mean the same thing by "won amount" or "conversion rate". Attainment is always computed from
these actual values (from real data in the system), never typed in.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal("100")
CENT = Decimal("0.01")

MONEY = {"max_digits": 16, "decimal_places": 2}  # every amount column of the facts
AMOUNT = "amount"  # CNY, two decimals
COUNT = "count"  # a whole number
SUM = "sum"  # rows add up: months to a quarter, partners to a region


@dataclass(frozen=True)
class FactColumn:
    """One measured column of the fact tables: every fact model carries it, the worker fills it
    and the readers sum it."""

    name: str
    label: Any  # the fact column's verbose_name
    kind: str  # AMOUNT or COUNT
    aggregation: str = SUM  # how rows add up; every column today is a sum
    metric: Any = None  # the label of the metric it is, when targets and KPI lines measure it
    unit: Any = None  # the metric's unit, for headers

    def field(self) -> models.Field:
        if self.kind == AMOUNT:
            return models.DecimalField(self.label, **MONEY, default=0)
        return models.PositiveIntegerField(self.label, default=0)

    def zero(self) -> Decimal | int:
        return Decimal("0") if self.kind == AMOUNT else 0

    def value(self, found: Any) -> Decimal | int:
        """`found` (a sum, or None when nothing was found) as the column stores it."""
        return Decimal(found or 0) if self.kind == AMOUNT else found or 0


# The fact columns, declared once: the fact models' fields (models/facts.py: FactValues), the
# worker's sums (services/rollups.py) and the readers' sums (selectors/facts.py) come from here.
FACT_COLUMNS = (
    FactColumn("won_amount", _("won amount"), AMOUNT, metric=_("Won amount"), unit=_("CNY")),
    FactColumn("won_count", _("won projects"), COUNT, metric=_("Won projects"), unit=_("projects")),
    FactColumn("lost_count", _("lost projects"), COUNT),
    FactColumn(
        "new_customers", _("new customers"), COUNT, metric=_("New customers"), unit=_("customers")
    ),
    FactColumn(
        "registrations",
        _("registrations submitted"),
        COUNT,
        metric=_("Registrations submitted"),
        unit=_("registrations"),
    ),
    FactColumn("registrations_approved", _("registrations approved"), COUNT),
    FactColumn(
        "registrations_won",
        _("registrations won"),
        COUNT,
        metric=_("Registrations won"),
        unit=_("registrations"),
    ),
    FactColumn("registrations_lost", _("registrations lost"), COUNT),
    FactColumn("registration_amount", _("registered amount"), AMOUNT),
    FactColumn("stage_days", _("days in completed stages"), COUNT),
    FactColumn("stages_completed", _("stages completed"), COUNT),
)
# The summed columns every metric is computed from.
FACT_SUMS = tuple(column.name for column in FACT_COLUMNS if column.aggregation == SUM)


def ratio(numerator: Any, denominator: Any) -> Decimal | None:
    """numerator / denominator × 100, rounded to 0.01; None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator or 0) * HUNDRED / Decimal(denominator)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Metric:
    code: str
    label: Any
    unit: Any  # what the number counts, for headers ("CNY", "%", …)
    additive: bool  # children's targets add up to the parent's (amounts, counts)
    higher_is_better: bool = True
    from_facts: bool = True  # computed from PartnerMonthFact sums

    def actual(self, sums: Mapping[str, Any]) -> Decimal | None:
        """The metric's value from summed facts (see FACT_SUMS)."""
        code = self.code
        if code == "conversion_rate":
            return ratio(sums.get("registrations_won"), sums.get("registrations"))
        if code == "win_rate":
            won, lost = sums.get("won_count") or 0, sums.get("lost_count") or 0
            return ratio(won, won + lost)
        if code == "days_per_stage":
            done = sums.get("stages_completed") or 0
            if not done:
                return None
            return (Decimal(sums.get("stage_days") or 0) / Decimal(done)).quantize(CENT)
        if code in FACT_SUMS:
            return Decimal(sums.get(code) or 0)
        return None


METRICS: dict[str, Metric] = {
    m.code: m
    for m in (
        *(
            Metric(column.name, column.metric, column.unit, True)
            for column in FACT_COLUMNS
            if column.metric is not None
        ),
        Metric("conversion_rate", _("Registration conversion"), "%", False),
        Metric("win_rate", _("Win rate"), "%", False),
        Metric("closure_rate", _("Closure rate"), "%", False, from_facts=False),
    )
}
# KPI lines may also be a qualitative score given by a manager.
MANUAL = "manual"
# The metrics whose values are sums of money (CNY).
MONEY_METRICS = frozenset(column.name for column in FACT_COLUMNS if column.kind == AMOUNT)


def metric_value_text(code: str, value: Any) -> str:
    """A metric's value written for people: money as ¥1,234,567.00, rates as 85.3%, counts as
    1,234 (a fractional count, e.g. a forecast, with one decimal)."""
    from qudao.core import formatting

    if code in MONEY_METRICS:
        return formatting.money(value)
    metric = METRICS.get(code)
    if metric is not None and metric.unit == "%":
        return formatting.pct(value)
    if value is not None and Decimal(str(value)) % 1:
        return formatting.num(value, 1)
    return formatting.num(value)


def metric_choices(*, manual: bool = False) -> list[tuple[str, Any]]:
    choices = [(m.code, m.label) for m in METRICS.values()]
    if manual:
        choices.append((MANUAL, _("Qualitative (manual score)")))
    return choices


def metric_label(code: str) -> Any:
    if code == MANUAL:
        return _("Qualitative (manual score)")
    metric = METRICS.get(code)
    return metric.label if metric else code


def attainment(actual: Decimal | None, target: Decimal | None) -> Decimal | None:
    """actual / target in %, None without a (positive) target or an actual."""
    if actual is None or target is None or target <= 0:
        return None
    return ratio(actual, target)
