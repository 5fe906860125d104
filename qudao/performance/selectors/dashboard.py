"""The dashboards' data (HQ, region, channel manager, partner — the same view, each in its data
scope), read only from the rollups, the targets, the benchmark entries and the actions, in a fixed
number of grouped queries (about fifteen) whatever the size of the channel.

Every series item carries the URL of the list behind it (drill-down).
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, Min, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from qudao.catalog.models import ProductLine
from qudao.core.models import Region, User
from qudao.partners.models import Partner
from qudao.projects.models import StageDefinition

from ..metrics import METRICS
from ..models import Alert, BenchmarkEntry, BenchmarkMetric
from ..periods import MONTH, Period, add_months
from ..scopes import visible_derived
from .actions import actions_visible_to, closure_counts
from .alerts import alerts_visible_to
from .facts import (
    fact_sums,
    in_period,
    partner_periods_visible_to,
    pipeline_visible_to,
    totals_visible_to,
)
from .targets import dashboard_targets, with_attainment

APPROVED_EVER = "approved_ever"  # the registration list's "approved at some point" status
TOP = 10
TREND_MONTHS = 12


@dataclass(frozen=True)
class Filters:
    period: Period
    region: Region | None = None  # a top-level region
    tier: str = ""
    product_line: ProductLine | None = None

    @property
    def line_id(self) -> int | None:
        """The product line to read the product-line rollups of (None: every line)."""
        return self.product_line.pk if self.product_line is not None else None

    def region_ids(self) -> list[int]:
        """The chosen region and its offices."""
        return [self.region.pk, *self.region.children.values_list("pk", flat=True)]

    def query(self, **extra) -> str:
        params = {"period": self.period.label}
        if self.region:
            params["region"] = self.region.pk
        if self.tier:
            params["tier"] = self.tier
        if self.product_line is not None:
            params["product_line"] = self.product_line.code
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(params)

    def list_params(self, period: Period | None, date_field: str, **extra) -> dict[str, Any]:
        """The project or registration list's filters of a drill-down: the partner's region (with
        its offices), tier and product line, as the facts count them, only partners' rows, and
        the period on `date_field`."""
        params: dict[str, Any] = {"partnered": 1}
        if self.region is not None:
            params["partner_region"] = self.region.pk
        if self.tier:
            params["tier"] = self.tier
        if self.product_line is not None:
            params["product_line"] = self.product_line.code
        if period is not None:
            params |= {
                "date_field": date_field,
                "date_from": period.start.isoformat(),
                "date_to": period.end.isoformat(),
            }
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return params

    def won_projects_url(self, period: Period, **extra) -> str:
        """The list of the projects won in `period` (by the day won), as won_amount counts."""
        params = self.list_params(period, "won", status="won", **extra)
        return f"{reverse('projects:project-list')}?{urlencode(params)}"

    def pipeline_url(self, **extra) -> str:
        """The list of the open projects (the pipeline is today's, whatever the period)."""
        params = self.list_params(None, "", status="active", **extra)
        return f"{reverse('projects:project-list')}?{urlencode(params)}"

    def registrations_url(self, period: Period, **extra) -> str:
        """The list of the registrations submitted in `period`, as the facts count them."""
        params = self.list_params(period, "submitted", **extra)
        params.pop("partnered")  # a registration always has a partner
        return f"{reverse('registrations:registration-list')}?{urlencode(params)}"


def scope_label(user: User) -> str:
    """Which dashboard this is for the user: HQ, a region, a channel manager's, a partner's."""
    from qudao.core.scopes import sees_everything

    if user.is_partner_user:
        return _("Partner: %(name)s") % {"name": user.partner}
    if sees_everything(user):
        return _("HQ: the whole channel")
    if user.has_role("regional_manager") and user.region_id:
        return _("Region: %(name)s") % {"name": user.region}
    return _("My partners")


def filtered(rows: QuerySet, filters: Filters) -> QuerySet:
    if filters.region is not None:
        rows = rows.filter(top_region_id=filters.region.pk)
    if filters.tier:
        rows = rows.filter(tier=filters.tier)
    return rows


def in_filters(
    rows: QuerySet,
    filters: Filters,
    *,
    region: str = "scope_region",
    tier: str | None = "partner__tier_id",
) -> QuerySet:
    """The rows (of a list or a report) in the chosen region or its offices, and of the chosen
    tier (`tier` None: rows without a tier filter)."""
    if filters.region is not None:
        rows = rows.filter(**{f"{region}__in": filters.region_ids()})
    if tier is not None and filters.tier:
        rows = rows.filter(**{tier: filters.tier})
    return rows


def _num(value: Any) -> float:
    return float(value or 0)


def _region_names() -> dict[int, str]:
    return dict(Region.objects.values_list("pk", "name"))


def dashboard_data(user: User, filters: Filters, *, charts: bool = True) -> dict[str, Any]:
    """The dashboard: the summary (KPIs, closure rate, target attainment, funnel, open alerts)
    and, with `charts`, every chart's series. The page renders the summary itself and fetches
    the charts as JSON."""
    period = filters.period
    facts = filtered(totals_visible_to(user, filters.line_id), filters)
    current = facts.filter(in_period(period))
    sums = fact_sums(current)
    partner_user = user.is_partner_user
    by_tier = Filters(period, None, filters.tier, filters.product_line)

    kpis = {
        code: METRICS[code].actual(sums)
        for code in (
            "won_amount",
            "won_count",
            "new_customers",
            "registrations",
            "conversion_rate",
            "win_rate",
        )
    }
    actions = actions_visible_to(user).select_related(None)
    if filters.region is not None:
        actions = actions.filter(
            Q(region_id=filters.region.pk) | Q(region__parent_id=filters.region.pk)
        )
    if filters.tier:
        actions = actions.filter(partner__tier_id=filters.tier)
    closure = closure_counts(actions, period)[None]
    kpis["closure_rate"] = closure["rate"]

    targets = [t for t in dashboard_targets(user, period) if _target_matches(t, filters)]
    attainment = [
        {
            "pk": t.pk,
            "unit": t.unit_label,
            "metric": str(METRICS[t.metric].label),
            # how the template writes the target and the actual: money, a percentage, a count
            "kind": _value_kind(t.metric),
            "period": t.period_label,
            "target": _num(t.value),
            "actual": _num(t.actual),
            "attainment": None if t.attainment is None else float(t.attainment),
            "url": reverse("performance:target-detail", args=[t.pk]),
        }
        for t in with_attainment(targets)
    ]

    # The funnel follows one population: the registrations submitted in the period, how many of
    # them were approved (at some point) and how many of them were won, so it never widens.
    # Projects won in the period (also from registrations of earlier periods, or without one)
    # are a separate figure beside it.
    submitted = filters.registrations_url(period)
    funnel = [
        {"stage": _("Registrations submitted"), "value": sums["registrations"], "url": submitted},
        {
            "stage": _("Approved"),
            "value": sums["registrations_approved"],
            "url": filters.registrations_url(period, status=APPROVED_EVER),
        },
        {
            "stage": _("Registrations won"),
            "value": sums["registrations_won"],
            "url": filters.registrations_url(period, status="won"),
        },
    ]
    won_projects = {
        "label": _("Projects won in the period"),
        "value": sums["won_count"],
        "amount": _num(sums["won_amount"]),
        "url": filters.won_projects_url(period),
    }

    alerts = alerts_visible_to(user).filter(status=Alert.Status.OPEN)
    data = {
        "scope": scope_label(user),
        "period": period.label,
        "kpis": {k: (None if v is None else float(v)) for k, v in kpis.items()},
        "closure": {
            "due": closure["due"],
            "on_time": closure["on_time"],
            "rate": kpis["closure_rate"],
        },
        "funnel": funnel,
        "won_projects": won_projects,
        "attainment": attainment,
        "open_alerts": alerts.count(),
        "links": {
            "actions": reverse("performance:action-list"),
            "alerts": reverse("performance:alert-list"),
            "benchmarks": f"{reverse('performance:benchmark-list')}?{filters.query()}",
        },
    }
    if not charts:
        return data
    names = _region_names()
    # Trend: the twelve months up to the end of the period.
    first = add_months(period.after, -TREND_MONTHS)
    by_month = {
        row["month"]: row
        for row in facts.filter(month__gte=first, month__lte=period.end)
        .values("month")
        .annotate(won=Sum("won_amount"), regs=Sum("registrations"), n=Sum("won_count"))
        .order_by()
    }
    trend = []
    for offset in range(TREND_MONTHS):
        month = add_months(first, offset)
        row = by_month.get(month, {})
        label = f"{month.year}-{month.month:02d}"
        in_month = Period(month, MONTH)
        trend.append(
            {
                "month": label,
                "won_amount": _num(row.get("won")),
                "won_count": int(row.get("n") or 0),
                "registrations": int(row.get("regs") or 0),
                # the bar (won amount) and the line (registrations submitted)
                "urls": [
                    filters.won_projects_url(in_month),
                    filters.registrations_url(in_month),
                ],
                "url": filters.won_projects_url(in_month),
            }
        )

    by_region = [
        {
            "region": names.get(row["top_region_id"], "?"),
            "won_amount": _num(row["won"]),
            "registrations": int(row["regs"] or 0),
            "url": by_tier.won_projects_url(period, partner_region=row["top_region_id"]),
        }
        for row in current.values("top_region_id")
        .annotate(won=Sum("won_amount"), regs=Sum("registrations"))
        .order_by("-won")
    ]

    # The best and worst partners of the period, read in the order of the won-amount index.
    rows = filtered(partner_periods_visible_to(user, period, filters.line_id), filters)
    if filters.line_id is None:
        ranking = rows.values("partner_id", won=F("won_amount"), name=F("partner__name"))
        # ties broken by the row's id: the (…, won_amount) indexes then give the order as is
        top = list(ranking.order_by("-won_amount", "-pk")[:TOP])
        bottom = [] if partner_user else list(ranking.order_by("won_amount", "pk")[:TOP])
    else:  # one row per partner and month: summed per partner once (at most one row per
        # partner in scope), both ends taken here, then the names of those twenty
        totals = list(rows.values("partner_id").annotate(won=Sum("won_amount")).order_by())
        totals.sort(key=lambda r: (-r["won"], r["partner_id"]))
        top = totals[:TOP]
        bottom = [] if partner_user else totals[::-1][:TOP]
        partner_names = dict(
            Partner.objects.filter(pk__in={r["partner_id"] for r in top + bottom}).values_list(
                "pk", "name"
            )
        )
        for row in top + bottom:
            row["name"] = partner_names.get(row["partner_id"], "?")

    def ranked(rows):
        return [
            {
                "partner": r["name"],
                "won_amount": _num(r["won"]),
                "url": filters.won_projects_url(period, partner_id=r["partner_id"]),
            }
            for r in rows
        ]

    pipeline = filtered(pipeline_visible_to(user, filters.line_id), filters)
    stage_rows = list(
        pipeline.values("stage_code")
        .annotate(n=Sum("project_count"), amount=Sum("amount"))
        .order_by()
    )
    stage_names = {
        row["code"]: row
        for row in StageDefinition.objects.filter(code__in=[r["stage_code"] for r in stage_rows])
        .values("code")
        .annotate(order=Min("order"), name=Min("name"))
        .order_by()
    }
    stage_rows.sort(
        key=lambda r: (stage_names.get(r["stage_code"], {}).get("order", 999), r["stage_code"])
    )
    pipeline_by_stage = [
        {
            "stage": stage_names.get(r["stage_code"], {}).get("name") or r["stage_code"] or "—",
            "projects": int(r["n"] or 0),
            "amount": _num(r["amount"]),
            "url": filters.pipeline_url(stage=r["stage_code"]),
        }
        for r in stage_rows
    ]
    pipeline_by_region = [
        {
            "region": names.get(r["top_region_id"], "?"),
            "projects": int(r["n"] or 0),
            "amount": _num(r["amount"]),
            "url": by_tier.pipeline_url(partner_region=r["top_region_id"]),
        }
        for r in pipeline.values("top_region_id")
        .annotate(n=Sum("project_count"), amount=Sum("amount"))
        .order_by("-amount")
    ]

    return data | {
        "trend": trend,
        "by_region": by_region,
        "top_partners": ranked(top),
        "bottom_partners": ranked(bottom),
        "pipeline_by_stage": pipeline_by_stage,
        "pipeline_by_region": pipeline_by_region,
        "benchmark_gaps": _benchmark_gaps(user, filters),
        "closure_by_unit": _closure_by_unit(user, actions, period, names),
    }


def _value_kind(metric: str) -> str:
    """How a metric's values are written: "money" (|wan), "pct" (|pct) or "count" (|num)."""
    if metric in ("won_amount", "registration_amount"):
        return "money"
    if METRICS[metric].unit == "%":
        return "pct"
    return "count"


def _target_matches(target, filters: Filters) -> bool:
    if filters.region is None:
        return True
    region = target.scope_region
    return region is not None and (
        region.pk == filters.region.pk or region.parent_id == filters.region.pk
    )


def _benchmark_gaps(user: User, filters: Filters) -> list[dict[str, Any]]:
    """The largest gaps to the benchmark in won amount per sales person (partners compared with
    their tier); a partner sees its own gap on every metric, never another partner's name."""
    entries = BenchmarkEntry.objects.filter(
        period_kind=filters.period.kind, period_start=filters.period.start, partner__isnull=False
    )
    entries = visible_derived(entries, user).select_related("partner")
    if filters.region is not None:
        entries = entries.filter(
            Q(region_id=filters.region.pk) | Q(region__parent_id=filters.region.pk)
        )
    if filters.tier:
        entries = entries.filter(group_kind="tier", group_key=filters.tier)
    url = reverse("performance:benchmark-list")
    if user.is_partner_user:
        rows = entries.filter(group_kind="tier").order_by("metric")
        return [
            {
                "unit": str(BenchmarkMetric(e.metric).label),
                "value": _num(e.value),
                "best": _num(e.best_value),
                "gap": _num(e.gap),
                "url": f"{url}?{filters.query(metric=e.metric)}",
            }
            for e in rows
        ]
    rows = entries.filter(group_kind="tier", metric=BenchmarkMetric.WON_PER_SALES).order_by("-gap")[
        :TOP
    ]
    return [
        {
            "unit": e.partner.name,
            "value": _num(e.value),
            "best": _num(e.best_value),
            "gap": _num(e.gap),
            "url": f"{url}?{filters.query(metric=e.metric, group=e.group_key)}",
        }
        for e in rows
    ]


def _closure_by_unit(
    user: User, actions, period: Period, names: dict[int, str]
) -> list[dict[str, Any]]:
    """Closure rate per region (HQ), per office or partner (region, channel manager), or the
    partner's own."""
    from qudao.core.scopes import sees_everything

    url = reverse("performance:action-list")
    counts = closure_counts(actions, period, "region_id")
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    grouped: dict[int, dict[str, int]] = {}
    for region_id, found in counts.items():
        if region_id is None:
            continue
        key = (parents.get(region_id) or region_id) if sees_everything(user) else region_id
        bucket = grouped.setdefault(key, {"due": 0, "on_time": 0})
        bucket["due"] += found["due"]
        bucket["on_time"] += found["on_time"]
    return [
        {
            "unit": names.get(key, "?"),
            "due": found["due"],
            "on_time": found["on_time"],
            "rate": round(found["on_time"] * 100 / found["due"], 2) if found["due"] else None,
            "url": f"{url}?{urlencode({'region': key})}",
        }
        for key, found in sorted(grouped.items())
    ]
