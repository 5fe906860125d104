"""The metrics the module measures (指标), and how each is computed from the monthly facts.

One registry, so that targets, KPI schemes, scorecards, alerts, reports and the dashboards all
mean the same thing by "won amount" or "conversion rate". Attainment is always computed from
these actual values (from real data in the system), never typed in.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal("100")
CENT = Decimal("0.01")

# The summed columns of the facts (PartnerMonthFact) every metric is computed from.
FACT_SUMS = (
    "won_amount",
    "won_count",
    "lost_count",
    "new_customers",
    "registrations",
    "registrations_approved",
    "registrations_won",
    "registrations_lost",
    "registration_amount",
    "stage_days",
    "stages_completed",
)


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
        Metric("won_amount", _("Won amount"), _("CNY"), True),
        Metric("won_count", _("Won projects"), _("projects"), True),
        Metric("new_customers", _("New customers"), _("customers"), True),
        Metric("registrations", _("Registrations submitted"), _("registrations"), True),
        Metric("registrations_won", _("Registrations won"), _("registrations"), True),
        Metric("conversion_rate", _("Registration conversion"), "%", False),
        Metric("win_rate", _("Win rate"), "%", False),
        Metric("closure_rate", _("Closure rate"), "%", False, from_facts=False),
    )
}
# Metrics a target can be set on (目标分解).
TARGET_METRICS = tuple(METRICS)
# KPI lines may also be a qualitative score given by a manager.
MANUAL = "manual"


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
