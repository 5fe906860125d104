"""Standard reports (报表): partner performance, region performance, pipeline, registration
conversion and rebates — each a header row and data rows, read from the rollups in the user's
scope, shown as a table and exported to Excel with numbers kept as numbers."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from qudao.core.models import Region, User
from qudao.partners.selectors import partners_visible_to
from qudao.projects.models import StageDefinition

from ..metrics import METRICS, attainment
from ..models import Scorecard, Target
from ..periods import Period
from .dashboard import Filters, filtered, in_filters
from .facts import (
    empty_sums,
    fact_sums_by,
    in_period,
    partner_periods_visible_to,
    pipeline_visible_to,
    totals_visible_to,
)
from .rebates import statements_visible_to


@dataclass(frozen=True)
class Report:
    key: str
    title: Any
    headers: list[Any]
    rows: Callable[[User, Filters], list[list[Any]]]
    widths: list[int]


def _f(value) -> float | None:
    return None if value is None else float(value)


# The headers of the `_result_cells` columns.
RESULT_HEADERS = [
    _("Won amount"),
    _("Won projects"),
    _("New customers"),
    _("Registrations submitted"),
    _("Registration conversion %"),
    _("Win rate %"),
    _("Won-amount target"),
    _("Attainment %"),
]


def _result_cells(found: dict[str, Any], target) -> list[Any]:
    """The results of a partner's or a region's row: won, new customers, registrations, the
    rates, and the won amount against its target."""
    return [
        _f(found["won_amount"]),
        found["won_count"],
        found["new_customers"],
        found["registrations"],
        _f(METRICS["conversion_rate"].actual(found)),
        _f(METRICS["win_rate"].actual(found)),
        _f(target),
        _f(attainment(Decimal(found["won_amount"]), target)),
    ]


def _won_targets(unit_kind: str, ids: list[int], period: Period) -> dict[int, Any]:
    """{partner or region id: its won-amount target for the period}."""
    field = f"{unit_kind}_id"
    return dict(
        Target.objects.filter(
            **{f"{field}__in": ids}, unit_kind=unit_kind, metric="won_amount", **period.lookup
        ).values_list(field, "value")
    )


def _partner_rows(user: User, filters: Filters) -> list[list[Any]]:
    partners = in_filters(
        partners_visible_to(user).select_related("region", "tier"),
        filters,
        region="region",
        tier="tier_id",
    )
    partners = list(partners.order_by("code"))
    facts = filtered(partner_periods_visible_to(user, filters.period, filters.line_id), filters)
    sums = fact_sums_by(facts, "partner_id")
    ids = [p.pk for p in partners]
    targets = _won_targets("partner", ids, filters.period)
    scores = dict(
        Scorecard.objects.filter(partner_id__in=ids, **filters.period.lookup).values_list(
            "partner_id", "total_score"
        )
    )
    rows = []
    for partner in partners:
        found = sums.get(partner.pk) or empty_sums()
        target = targets.get(partner.pk)
        rows.append(
            [
                partner.code,
                partner.name,
                partner.region.name,
                partner.tier.name,
                *_result_cells(found, target),
                _f(scores.get(partner.pk)),
            ]
        )
    rows.sort(key=lambda row: -(row[4] or 0))
    return rows


def _region_rows(user: User, filters: Filters) -> list[list[Any]]:
    facts = filtered(partner_periods_visible_to(user, filters.period, filters.line_id), filters)
    sums = fact_sums_by(
        filtered(totals_visible_to(user, filters.line_id), filters).filter(
            in_period(filters.period)
        ),
        "top_region_id",
    )
    counts = {
        row["top_region_id"]: row["n"]
        for row in facts.values("top_region_id")
        .annotate(n=Count("partner_id", distinct=True))
        .order_by()
    }
    regions = Region.objects.filter(pk__in=list(sums)).order_by("sort_order", "code")
    targets = _won_targets("region", list(sums), filters.period)
    rows = []
    for region in regions:
        found = sums[region.pk]
        target = targets.get(region.pk)
        rows.append(
            [
                region.name,
                counts.get(region.pk, 0),
                *_result_cells(found, target),
            ]
        )
    return rows


def _pipeline_rows(user: User, filters: Filters) -> list[list[Any]]:
    rows = filtered(pipeline_visible_to(user, filters.line_id), filters)
    names = dict(Region.objects.values_list("pk", "name"))
    found = list(
        rows.values("top_region_id", "stage_code")
        .annotate(n=Sum("project_count"), amount=Sum("amount"))
        .order_by("top_region_id", "stage_code")
    )
    stages = dict(
        StageDefinition.objects.filter(code__in={r["stage_code"] for r in found}).values_list(
            "code", "name"
        )
    )
    return [
        [
            names.get(r["top_region_id"], "?"),
            stages.get(r["stage_code"], r["stage_code"]),
            r["n"],
            _f(r["amount"]),
        ]
        for r in found
    ]


def _conversion_rows(user: User, filters: Filters) -> list[list[Any]]:
    facts = filtered(partner_periods_visible_to(user, filters.period, filters.line_id), filters)
    sums = fact_sums_by(facts, "partner_id")
    partners = (
        partners_visible_to(user)
        .filter(pk__in=list(sums))
        .select_related("region")
        .order_by("code")
    )
    rows = []
    for partner in partners:
        found = sums[partner.pk]
        rows.append(
            [
                partner.code,
                partner.name,
                partner.region.name,
                found["registrations"],
                found["registrations_approved"],
                found["registrations_won"],
                found["registrations_lost"],
                _f(METRICS["conversion_rate"].actual(found)),
                _f(found["registration_amount"]),
            ]
        )
    return rows


def _rebate_rows(user: User, filters: Filters) -> list[list[Any]]:
    rows = in_filters(statements_visible_to(user).filter(**filters.period.lookup), filters)
    return [
        [
            s.number,
            s.partner.name,
            s.period_label,
            _f(s.won_amount),
            _f(s.target_amount),
            _f(s.attainment),
            _f(s.rebate_percent),
            _f(s.total_amount),
            str(s.get_status_display()),
        ]
        for s in rows.order_by("-total_amount", "pk")
    ]


REPORTS: dict[str, Report] = {
    r.key: r
    for r in (
        Report(
            "partners",
            _("Partner performance"),
            [
                _("Code"),
                _("Partner"),
                _("Region/office"),
                _("Tier"),
                *RESULT_HEADERS,
                _("KPI score"),
            ],
            _partner_rows,
            [14, 30, 14, 10, 16, 12, 12, 14, 14, 12, 16, 12, 10],
        ),
        Report(
            "regions",
            _("Region performance"),
            [
                _("Region"),
                _("Active partners"),
                *RESULT_HEADERS,
            ],
            _region_rows,
            [14, 12, 16, 12, 12, 14, 14, 12, 16, 12],
        ),
        Report(
            "pipeline",
            _("Pipeline"),
            [_("Region"), _("Stage"), _("Projects"), _("Amount")],
            _pipeline_rows,
            [14, 20, 12, 18],
        ),
        Report(
            "conversion",
            _("Registration conversion"),
            [
                _("Code"),
                _("Partner"),
                _("Region/office"),
                _("Submitted"),
                _("Approved"),
                _("Won"),
                _("Lost"),
                _("Conversion %"),
                _("Registered amount"),
            ],
            _conversion_rows,
            [14, 30, 14, 10, 10, 10, 10, 12, 18],
        ),
        Report(
            "rebates",
            _("Rebates"),
            [
                _("Number"),
                _("Partner"),
                _("Period"),
                _("Won amount"),
                _("Target"),
                _("Attainment %"),
                _("Rebate %"),
                _("Total"),
                _("Status"),
            ],
            _rebate_rows,
            [20, 30, 10, 16, 16, 12, 10, 16, 12],
        ),
    )
}
